//! The `clients` read table (D1 shape), kept inline from the client's events, and its list.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::client::ClientEvent;

use crate::fold::Fold;
use crate::read_table;
use crate::table::{Listing, escape_like};

read_table! {
    /// A client as the `clients` table holds it and the API shows it.
    pub struct ClientRow in "clients" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub name: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub company: Option<String>,
        /// active, inactive or archived.
        pub status: String,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How client events change `clients` rows.
pub struct Clients;

impl Fold for Clients {
    type Row = ClientRow;
    type Event = ClientEvent;
    const NAME: &'static str = "clients";
    const AGGREGATE: &'static str = "client";

    fn at(change: &ClientEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ClientRow>, event: &StoredEvent, change: ClientEvent) {
        use ClientEvent::*;
        match change {
            ClientCreated {
                user_id,
                name,
                email,
                phone,
                company,
                status,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(ClientRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    name,
                    email,
                    phone,
                    company,
                    status: status.as_str().to_string(),
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            ClientImported {
                user_id,
                name,
                email,
                phone,
                company,
                status,
                created_at,
                at,
                ..
            } => {
                *row = Some(ClientRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    name,
                    email,
                    phone,
                    company,
                    status: status.as_str().to_string(),
                    version: event.sequence,
                    created_at: created_at.to_rfc3339(),
                    updated_at: at.to_rfc3339(),
                });
            }
            ClientDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    ClientRenamed { to, .. } => row.name = to,
                    ClientEmailChanged { to, .. } => row.email = to,
                    ClientPhoneChanged { to, .. } => row.phone = to,
                    ClientCompanyChanged { to, .. } => row.company = to,
                    ClientStatusChanged { to, .. } => row.status = to.as_str().to_string(),
                    ClientCreated { .. } | ClientImported { .. } | ClientDeleted { .. } => {}
                }
            }
        }
    }
}

/// Filters of `GET /clients`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub status: Option<String>,
    /// Case-insensitive text in the name, company or email.
    pub q: Option<String>,
}

/// One page of the caller's clients, newest first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &ClientFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let q = filter
        .q
        .as_ref()
        .map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let mut page = Listing::<ClientRow>::owned_by(user);
    page.and_some("status = ?", filter.status.as_ref().map(Arg::from));
    if let Some(q) = &q {
        page.and(
            "(lower(name) like ? escape '\\' or lower(coalesce(company, '')) like ? escape '\\' \
             or coalesce(email, '') like ? escape '\\')",
            Arg::from(q),
        );
    }
    page.page_json(db, limit, offset).await
}
