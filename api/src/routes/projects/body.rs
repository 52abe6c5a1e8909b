//! Request bodies of the project routes and their parsing into domain values.
use joan_domain::project::{Day, Money, NewProject, ProjectChanges, ProjectName, ProjectStatus, Role};
use joan_domain::task::Description;
use joan_domain::{ClientId, ProjectId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, present};

/// `POST /projects`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<String>,
    /// One of the caller's clients.
    pub client_id: Option<Uuid>,
    /// planning, active (default), on_hold, completed or cancelled.
    #[schema(schema_with = schemas::status_or_null)]
    pub status: Option<String>,
    #[schema(schema_with = schemas::day)]
    pub start_date: Option<String>,
    /// Not before `start_date`.
    #[schema(schema_with = schemas::day)]
    pub end_date: Option<String>,
    /// An exact decimal as a string: up to 13 digits, then at most 4 decimals.
    #[schema(schema_with = schemas::money)]
    pub budget: Option<String>,
    #[schema(schema_with = schemas::money)]
    pub hourly_rate: Option<String>,
}

/// `PATCH /projects/{id}`: absent fields stay; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProject {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub client_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::status)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::day)]
    pub start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::day)]
    pub end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::money)]
    pub budget: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::money)]
    pub hourly_rate: Option<Option<String>>,
}

/// `POST /projects/{id}/members`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub user_id: Uuid,
    /// owner (owners only), admin, member or viewer.
    #[schema(schema_with = schemas::role)]
    pub role: String,
}

/// `PATCH /projects/{id}/members/{user_id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    #[schema(schema_with = schemas::role)]
    pub role: String,
}

impl CreateProject {
    pub fn parse(&self, id: ProjectId) -> Result<NewProject, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", ProjectName::parse(&self.name));
        let project = NewProject {
            id,
            client_id: self.client_id.map(ClientId),
            name: name.unwrap_or_default(),
            description: f.opt("description", self.description.as_deref(), Description::parse),
            status: f
                .opt("status", self.status.as_deref(), ProjectStatus::parse)
                .unwrap_or_default(),
            start_date: f.opt("start_date", self.start_date.as_deref(), Day::parse),
            end_date: f.opt("end_date", self.end_date.as_deref(), Day::parse),
            budget: f.opt("budget", self.budget.as_deref(), Money::parse),
            hourly_rate: f.opt("hourly_rate", self.hourly_rate.as_deref(), Money::parse),
        };
        f.finish(project)
    }
}

impl PatchProject {
    pub fn parse(self) -> Result<ProjectChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = ProjectChanges {
            client_id: f.nullable("client_id", self.client_id, |u| Ok::<_, String>(ClientId(u))),
            name: f.required("name", self.name, |n| ProjectName::parse(&n)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            status: f.required("status", self.status, |s| ProjectStatus::parse(&s)),
            start_date: f.nullable("start_date", self.start_date, |d| Day::parse(&d)),
            end_date: f.nullable("end_date", self.end_date, |d| Day::parse(&d)),
            budget: f.nullable("budget", self.budget, |m| Money::parse(&m)),
            hourly_rate: f.nullable("hourly_rate", self.hourly_rate, |m| Money::parse(&m)),
        };
        f.finish(changes)
    }
}

/// A role from a body, or the field's error.
pub fn role(raw: &str) -> Result<Role, Vec<FieldError>> {
    Role::parse(raw).map_err(|e| vec![FieldError::new("role", e)])
}

/// The schemas of the project fields: the rules of `joan_domain::project`.
pub(crate) mod schemas {
    use joan_domain::project::{Money, ProjectName, ProjectStatus, Role};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{date, nullable, one_of, short_text, string};

    pub fn name() -> Object {
        short_text(ProjectName::MAX_CHARS).build()
    }

    pub fn status() -> Object {
        one_of(ProjectStatus::WORDS).build()
    }

    pub fn status_or_null() -> Object {
        nullable(one_of(
            &ProjectStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ))
    }

    pub fn role() -> Object {
        one_of(Role::WORDS).build()
    }

    pub fn day() -> Object {
        nullable(date())
    }

    pub fn money() -> Object {
        nullable(string().pattern(Some(Money::PATTERN)))
    }
}
