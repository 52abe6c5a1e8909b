//! Legacy `clients` rows: a `ClientImported` each. An email is kept as Joan keeps every
//! email: trimmed and in lower case.
use joan_domain::ClientId;
use joan_domain::client::{ClientEvent, ClientName, ClientStatus, Company, Email, Phone};

use super::known::Known;
use super::rules::{self, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;

pub const TABLE: Table = Table {
    name: "clients",
    aggregate_type: "client",
    twice: ID_TWICE,
};

pub fn check(record: &Record, known: &Known) -> Result<Checked<ClientEvent>, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let name = parsed("name", ClientName::parse(record.required("name")?))?;
    let status = record.text("status")?.unwrap_or("active");
    let status = ClientStatus::parse(status).map_err(|e| format!("status {status:?}: {e}"))?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: ClientEvent::ClientImported {
            client_id: ClientId::from(id),
            user_id: owner,
            name: name.into(),
            email: rules::optional(record, "email", Email::parse)?.map(String::from),
            phone: rules::optional(record, "phone", Phone::parse)?.map(String::from),
            company: rules::optional(record, "company", Company::parse)?.map(String::from),
            status,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: Vec::new(),
    })
}
