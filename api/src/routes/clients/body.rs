//! Request bodies of the client routes and their parsing into domain values.
use joan_domain::ClientId;
use joan_domain::client::{ClientChanges, ClientName, ClientStatus, Company, Email, NewClient, Phone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, present};

/// `POST /clients`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = crate::http::schema::email_or_null)]
    pub email: Option<String>,
    /// Digits, spaces and `+ ( ) - . /`, at least one digit, at most 32 characters.
    #[schema(schema_with = schemas::phone_or_null)]
    pub phone: Option<String>,
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::company_or_null)]
    pub company: Option<String>,
    /// active (default), inactive or archived.
    #[schema(schema_with = schemas::status_or_null)]
    pub status: Option<String>,
}

/// `PATCH /clients/{id}`: absent fields stay; `null` clears email, phone and company.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchClient {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::http::schema::email_or_null)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::phone_or_null)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::company_or_null)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::status)]
    pub status: Option<Option<String>>,
}

impl CreateClient {
    pub fn parse(&self, id: ClientId) -> Result<NewClient, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", ClientName::parse(&self.name));
        let client = NewClient {
            id,
            name: name.unwrap_or_default(),
            email: f.opt("email", self.email.as_deref(), Email::parse),
            phone: f.opt("phone", self.phone.as_deref(), Phone::parse),
            company: f.opt("company", self.company.as_deref(), Company::parse),
            status: f
                .opt("status", self.status.as_deref(), ClientStatus::parse)
                .unwrap_or_default(),
        };
        f.finish(client)
    }
}

impl PatchClient {
    pub fn parse(self) -> Result<ClientChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = ClientChanges {
            name: f.required("name", self.name, |n| ClientName::parse(&n)),
            email: f.nullable("email", self.email, |e| Email::parse(&e)),
            phone: f.nullable("phone", self.phone, |p| Phone::parse(&p)),
            company: f.nullable("company", self.company, |c| Company::parse(&c)),
            status: f.required("status", self.status, |s| ClientStatus::parse(&s)),
        };
        f.finish(changes)
    }
}

/// The schemas of the client fields: the rules of `joan_domain::client`.
pub(crate) mod schemas {
    use joan_domain::client::{ClientName, ClientStatus, Company, Phone};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{nullable, one_of, phone, short_text};

    pub fn name() -> Object {
        short_text(ClientName::MAX_CHARS).build()
    }

    pub fn phone_or_null() -> Object {
        nullable(phone(Phone::MAX_CHARS))
    }

    pub fn company_or_null() -> Object {
        nullable(short_text(Company::MAX_CHARS))
    }

    pub fn status() -> Object {
        one_of(ClientStatus::WORDS).build()
    }

    pub fn status_or_null() -> Object {
        nullable(one_of(ClientStatus::WORDS))
    }
}
