//! Request bodies of the goal routes and their parsing into domain values.
use joan_domain::GoalId;
use joan_domain::goal::{GoalChanges, GoalStatus, GoalType, NewGoal, Progress};
use joan_domain::task::{Description, DueDate, Title};
use joan_domain::values::JsonObject;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};
use crate::routes::tasks::body::schemas as task_schemas;

/// `POST /goals`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGoal {
    /// 1 to 500 characters after trimming.
    #[schema(schema_with = task_schemas::title)]
    pub title: String,
    #[schema(schema_with = task_schemas::description)]
    pub description: Option<String>,
    /// outcome (default), habit or milestone.
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::goal_type_or_null)]
    pub goal_type: Option<String>,
    /// active (default), achieved or abandoned.
    #[schema(schema_with = schemas::status_or_null)]
    pub status: Option<String>,
    /// `YYYY-MM-DD` or an RFC 3339 timestamp.
    #[schema(schema_with = task_schemas::due_date)]
    pub target_date: Option<String>,
    /// 0 to 100, set by hand; absent or `null`: follows the linked tasks.
    #[schema(schema_with = schemas::progress)]
    pub progress: Option<Whole>,
    /// A JSON object (default `{}`).
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<serde_json::Value>,
}

/// `PATCH /goals/{id}`: absent fields stay; `null` clears `description` and `target_date`, and
/// hands `progress` back to the linked tasks.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchGoal {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = task_schemas::title)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = task_schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, rename = "type", deserialize_with = "present")]
    #[schema(schema_with = schemas::goal_type)]
    pub goal_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::status)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = task_schemas::due_date)]
    pub target_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::progress)]
    pub progress: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Object, required = false)]
    pub metrics: Option<Option<serde_json::Value>>,
}

impl CreateGoal {
    /// The new goal, or every field error.
    pub fn parse(&self, id: GoalId) -> Result<NewGoal, Vec<FieldError>> {
        let mut f = Fields::default();
        let title = f.check("title", Title::parse(&self.title));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let goal_type = f.opt("type", self.goal_type.as_deref(), GoalType::parse);
        let status = f.opt("status", self.status.as_deref(), GoalStatus::parse);
        let target_date = f.opt("target_date", self.target_date.as_deref(), DueDate::parse);
        let progress = f.opt("progress", self.progress.map(Whole::get), Progress::parse);
        let metrics = f.opt("metrics", self.metrics.clone(), JsonObject::parse);
        let goal = NewGoal {
            id,
            title: title.unwrap_or_default(),
            description,
            goal_type: goal_type.unwrap_or_default(),
            status: status.unwrap_or_default(),
            target_date,
            progress,
            metrics: metrics.unwrap_or_default(),
        };
        f.finish(goal)
    }
}

impl PatchGoal {
    pub fn parse(self) -> Result<GoalChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = GoalChanges {
            title: f.required("title", self.title, |t| Title::parse(&t)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            goal_type: f.required("type", self.goal_type, |t| GoalType::parse(&t)),
            status: f.required("status", self.status, |s| GoalStatus::parse(&s)),
            target_date: f.nullable("target_date", self.target_date, |d| DueDate::parse(&d)),
            progress: f.nullable("progress", Whole::patch(self.progress), Progress::parse),
            metrics: f.required("metrics", self.metrics, JsonObject::parse),
        };
        f.finish(changes)
    }
}

/// The schemas of the goal fields: the rules of `joan_domain::goal`.
pub(crate) mod schemas {
    use joan_domain::goal::{GoalStatus, GoalType, Progress};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, nullable, one_of};

    pub fn goal_type() -> Object {
        one_of(GoalType::WORDS).build()
    }

    pub fn goal_type_or_null() -> Object {
        nullable(one_of(GoalType::WORDS))
    }

    pub fn status() -> Object {
        one_of(GoalStatus::WORDS).build()
    }

    pub fn status_or_null() -> Object {
        nullable(one_of(GoalStatus::WORDS))
    }

    pub fn progress() -> Object {
        nullable(integer(0, Progress::MAX))
    }
}
