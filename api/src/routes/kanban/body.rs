//! Request bodies of the kanban routes and their parsing into domain values.
use joan_domain::board::{BoardChanges, BoardName, BoardSettings, BoardValueError, Column, Columns, NewBoard};
use joan_domain::task::{Description, TaskStatus};
use joan_domain::{BoardId, ProjectId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};

/// One column of a board.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnBody {
    /// 1 to 64 characters, unique within the board.
    #[schema(schema_with = schemas::column_id)]
    pub id: String,
    /// 1 to 100 characters.
    #[schema(schema_with = schemas::column_name)]
    pub name: String,
    /// The status a task takes when moved here: pending, todo, in_progress, review, blocked,
    /// completed, cancelled. None: moving here leaves the status alone.
    #[schema(schema_with = crate::routes::tasks::body::schemas::status_or_null)]
    pub status: Option<String>,
}

/// `POST /kanban/boards`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBoard {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<String>,
    pub project_id: Option<Uuid>,
    /// 1 to 50 columns; default: todo, in_progress, completed.
    #[schema(schema_with = schemas::columns_or_null)]
    pub columns: Option<Vec<ColumnBody>>,
    /// A JSON object (default `{}`).
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// `PATCH /kanban/boards/{id}`: absent fields stay; `null` clears `description` and `project_id`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBoard {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub project_id: Option<Option<Uuid>>,
    /// The whole new column list. Cards in a column that is left out leave the board.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::columns)]
    pub columns: Option<Option<Vec<ColumnBody>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Object, required = false)]
    pub settings: Option<Option<serde_json::Value>>,
}

/// `POST /kanban/boards/{id}/move`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveCard {
    pub task_id: Uuid,
    pub column_id: String,
    /// 0-based; past the column's end means last.
    #[schema(value_type = i64, minimum = 0)]
    pub position: Whole,
}

/// Every column, each error named `columns[i].field`; then the list's own rules.
fn columns(f: &mut Fields<'_>, raw: Vec<ColumnBody>) -> Option<Columns> {
    let before = f.errors.len();
    let mut columns = Vec::with_capacity(raw.len());
    for (i, c) in raw.iter().enumerate() {
        let status = match c.status.as_deref().map(TaskStatus::parse).transpose() {
            Ok(s) => s,
            Err(e) => {
                f.errors.push(FieldError::new(format!("columns[{i}].status"), e));
                None
            }
        };
        match Column::parse(&c.id, &c.name, status) {
            Ok(column) => columns.push(column),
            Err((field, e)) => f.errors.push(FieldError::new(format!("columns[{i}].{field}"), e)),
        }
    }
    if f.errors.len() > before {
        return None;
    }
    match Columns::parse(columns) {
        Ok(columns) => Some(columns),
        Err(BoardValueError::DuplicateColumnId(i)) => {
            f.errors.push(FieldError::new(
                format!("columns[{i}].id"),
                BoardValueError::DuplicateColumnId(i),
            ));
            None
        }
        Err(e) => {
            f.errors.push(FieldError::new("columns", e));
            None
        }
    }
}

impl CreateBoard {
    pub fn parse(self, id: BoardId) -> Result<NewBoard, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", BoardName::parse(&self.name));
        let description = self
            .description
            .as_deref()
            .and_then(|d| f.check("description", Description::parse(d)));
        let columns = match self.columns {
            Some(raw) => columns(&mut f, raw),
            None => Some(Columns::standard()),
        };
        let settings = match self.settings {
            Some(raw) => f.check("settings", BoardSettings::parse(raw)),
            None => Some(BoardSettings::default()),
        };
        let board = NewBoard {
            id,
            name: name.unwrap_or_default(),
            description,
            project_id: self.project_id.map(ProjectId),
            columns: columns.unwrap_or_default(),
            settings: settings.unwrap_or_default(),
        };
        f.finish(board)
    }
}

impl PatchBoard {
    pub fn parse(self) -> Result<BoardChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.required("name", self.name, |n| BoardName::parse(&n));
        let description = match self.description {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => f.check("description", Description::parse(&d)).map(Some),
        };
        let columns = match self.columns {
            None => None,
            Some(None) => {
                f.errors.push(FieldError::new("columns", "must not be null"));
                None
            }
            Some(Some(raw)) => columns(&mut f, raw),
        };
        let settings = f.required("settings", self.settings, BoardSettings::parse);
        let changes = BoardChanges {
            name,
            description,
            project_id: self.project_id.map(|p| p.map(ProjectId)),
            columns,
            settings,
        };
        f.finish(changes)
    }
}

/// The schemas of the board fields: the rules of `joan_domain::board`.
mod schemas {
    use joan_domain::board::{BoardName, Column, Columns};
    use utoipa::PartialSchema;
    use utoipa::openapi::schema::{Array, ArrayBuilder, Object, OneOfBuilder, Schema, Type};

    use crate::http::schema::short_text;

    pub fn name() -> Object {
        short_text(BoardName::MAX_CHARS).build()
    }

    pub fn column_id() -> Object {
        short_text(Column::MAX_ID_CHARS).build()
    }

    pub fn column_name() -> Object {
        short_text(Column::MAX_NAME_CHARS).build()
    }

    /// The whole column list: present means not null.
    pub fn columns() -> Array {
        ArrayBuilder::new()
            .items(super::ColumnBody::schema())
            .min_items(Some(1))
            .max_items(Some(Columns::MAX))
            .build()
    }

    /// The column list, or `null` for the default one.
    pub fn columns_or_null() -> Schema {
        OneOfBuilder::new()
            .item(columns())
            .item(Object::with_type(Type::Null))
            .into()
    }
}
