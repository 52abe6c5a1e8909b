//! Request bodies of the task routes and their parsing into domain values.
use joan_domain::task::{Description, DueDate, Minutes, NewTask, Priority, Tags, TaskChanges, TaskStatus, Title};
use joan_domain::{FolderId, ProjectId, TaskId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, present};

/// `POST /tasks`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// 1 to 500 characters after trimming.
    pub title: String,
    pub description: Option<String>,
    /// pending (default), todo, in_progress, review, blocked, completed, cancelled.
    pub status: Option<String>,
    /// 0 (default) to 4.
    pub priority: Option<i64>,
    /// `YYYY-MM-DD` or an RFC 3339 timestamp.
    pub due_date: Option<String>,
    pub folder_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub estimated_minutes: Option<i64>,
    pub actual_minutes: Option<i64>,
    pub tags: Option<Vec<String>>,
}

/// `POST /tasks/batch`: all created, or none.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTasks {
    /// 1 to 100 tasks.
    pub tasks: Vec<CreateTask>,
}

/// `PATCH /tasks/{id}`: absent fields stay; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTask {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub priority: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub due_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub folder_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub project_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub estimated_minutes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub actual_minutes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Option<Vec<String>>>,
}

impl CreateTask {
    /// The new task, or every field error (named `<prefix><field>`).
    pub fn parse(&self, id: TaskId, prefix: &str) -> Result<NewTask, Vec<FieldError>> {
        let mut f = Fields {
            prefix,
            errors: Vec::new(),
        };
        let title = f.check("title", Title::parse(&self.title));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let status = f.opt("status", self.status.as_deref(), TaskStatus::parse);
        let priority = f.opt("priority", self.priority, Priority::parse);
        let due_date = f.opt("due_date", self.due_date.as_deref(), DueDate::parse);
        let estimated_minutes = f.opt("estimated_minutes", self.estimated_minutes, Minutes::parse);
        let actual_minutes = f.opt("actual_minutes", self.actual_minutes, Minutes::parse);
        let tags = f.opt("tags", self.tags.as_deref(), Tags::parse);
        let task = NewTask {
            id,
            title: title.unwrap_or_default(),
            description,
            status: status.unwrap_or_default(),
            priority: priority.unwrap_or_default(),
            due_date,
            folder_id: self.folder_id.map(FolderId),
            project_id: self.project_id.map(ProjectId),
            estimated_minutes,
            actual_minutes,
            tags: tags.unwrap_or_default(),
        };
        f.finish(task)
    }
}

impl PatchTask {
    pub fn parse(self) -> Result<TaskChanges, Vec<FieldError>> {
        let mut f = Fields {
            prefix: "",
            errors: Vec::new(),
        };
        let changes = TaskChanges {
            title: f.required("title", self.title, |t| Title::parse(&t)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            status: f.required("status", self.status, |s| TaskStatus::parse(&s)),
            priority: f.required("priority", self.priority, Priority::parse),
            due_date: f.nullable("due_date", self.due_date, |d| DueDate::parse(&d)),
            folder_id: f.nullable("folder_id", self.folder_id, |u| Ok::<_, String>(FolderId(u))),
            project_id: f.nullable("project_id", self.project_id, |u| Ok::<_, String>(ProjectId(u))),
            estimated_minutes: f.nullable("estimated_minutes", self.estimated_minutes, Minutes::parse),
            actual_minutes: f.nullable("actual_minutes", self.actual_minutes, Minutes::parse),
            tags: f.required("tags", self.tags, |t| Tags::parse(&t)),
        };
        f.finish(changes)
    }
}
