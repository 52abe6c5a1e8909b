//! Request bodies of the task routes and their parsing into domain values.
use joan_domain::task::{Description, DueDate, Minutes, NewTask, Priority, Tags, TaskChanges, TaskStatus, Title};
use joan_domain::{FolderId, ProjectId, TaskId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};

/// `POST /tasks`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// 1 to 500 characters after trimming.
    #[schema(schema_with = schemas::title)]
    pub title: String,
    #[schema(schema_with = schemas::description)]
    pub description: Option<String>,
    /// pending (default), todo, in_progress, review, blocked, completed, cancelled.
    #[schema(schema_with = schemas::status_or_null)]
    pub status: Option<String>,
    /// 0 (default) to 4.
    #[schema(schema_with = schemas::priority_or_null)]
    pub priority: Option<Whole>,
    /// `YYYY-MM-DD` or an RFC 3339 timestamp.
    #[schema(schema_with = schemas::due_date)]
    pub due_date: Option<String>,
    pub folder_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    #[schema(schema_with = schemas::minutes)]
    pub estimated_minutes: Option<Whole>,
    #[schema(schema_with = schemas::minutes)]
    pub actual_minutes: Option<Whole>,
    /// Up to 50 tags of 1 to 50 characters; repeats are dropped.
    #[schema(schema_with = schemas::tags_or_null)]
    pub tags: Option<Vec<String>>,
}

/// `POST /tasks/batch`: all created, or none.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTasks {
    /// 1 to 100 tasks.
    #[schema(min_items = 1, max_items = 100)]
    pub tasks: Vec<CreateTask>,
}

/// `PATCH /tasks/{id}`: absent fields stay; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTask {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::title)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::status)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::priority)]
    pub priority: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::due_date)]
    pub due_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub folder_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub project_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes)]
    pub estimated_minutes: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes)]
    pub actual_minutes: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::tags)]
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
        let priority = f.opt("priority", self.priority.map(Whole::get), Priority::parse);
        let due_date = f.opt("due_date", self.due_date.as_deref(), DueDate::parse);
        let estimated_minutes = f.opt(
            "estimated_minutes",
            self.estimated_minutes.map(Whole::get),
            Minutes::parse,
        );
        let actual_minutes = f.opt("actual_minutes", self.actual_minutes.map(Whole::get), Minutes::parse);
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
            priority: f.required("priority", Whole::patch(self.priority), Priority::parse),
            due_date: f.nullable("due_date", self.due_date, |d| DueDate::parse(&d)),
            folder_id: f.nullable("folder_id", self.folder_id, |u| Ok::<_, String>(FolderId(u))),
            project_id: f.nullable("project_id", self.project_id, |u| Ok::<_, String>(ProjectId(u))),
            estimated_minutes: f.nullable(
                "estimated_minutes",
                Whole::patch(self.estimated_minutes),
                Minutes::parse,
            ),
            actual_minutes: f.nullable("actual_minutes", Whole::patch(self.actual_minutes), Minutes::parse),
            tags: f.required("tags", self.tags, |t| Tags::parse(&t)),
        };
        f.finish(changes)
    }
}

/// The schemas of the task fields: the rules of `joan_domain::task`, for the OpenAPI document.
pub(crate) mod schemas {
    use joan_domain::task::{Description, Minutes, Priority, Tags, TaskStatus, Title};
    use utoipa::openapi::schema::{Object, Schema};
    use utoipa::openapi::{ArrayBuilder, RefOr};

    use crate::http::schema::{date_or_time, integer, list, long_text, nullable, one_of, short_text};

    pub fn title() -> Object {
        short_text(Title::MAX_CHARS).build()
    }

    pub fn description() -> Object {
        nullable(long_text(Description::MAX_CHARS))
    }

    fn statuses() -> utoipa::openapi::ObjectBuilder {
        one_of(&TaskStatus::ALL.map(TaskStatus::as_str))
    }

    pub fn status() -> Object {
        statuses().build()
    }

    pub fn status_or_null() -> Object {
        nullable(statuses())
    }

    pub fn priority() -> Object {
        integer(0, Priority::MAX).build()
    }

    pub fn priority_or_null() -> Object {
        nullable(integer(0, Priority::MAX))
    }

    pub fn due_date() -> RefOr<Schema> {
        let date: Schema = date_or_time();
        RefOr::T(Schema::OneOf(
            utoipa::openapi::schema::OneOfBuilder::new()
                .item(date)
                .item(Object::with_type(utoipa::openapi::Type::Null))
                .build(),
        ))
    }

    pub fn minutes() -> Object {
        nullable(integer(0, Minutes::MAX))
    }

    fn tag_list() -> ArrayBuilder {
        list(short_text(Tags::MAX_CHARS), Tags::MAX_TAGS)
    }

    pub fn tags() -> utoipa::openapi::schema::Array {
        tag_list().build()
    }

    pub fn tags_or_null() -> utoipa::openapi::schema::Array {
        let mut array = tag_list().build();
        array.schema_type =
            utoipa::openapi::schema::SchemaType::from_iter([utoipa::openapi::Type::Array, utoipa::openapi::Type::Null]);
        array
    }
}
