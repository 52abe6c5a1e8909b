//! Parsed board values: names, columns and settings, valid once built.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::task::TaskStatus;
use crate::text::{ValueError, short_text};

/// Why a board value was refused; the API shows it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardValueError {
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error("must have between 1 and {0} columns")]
    ColumnCount(usize),
    /// The column at this index repeats an earlier column's id.
    #[error("column ids must be unique within the board")]
    DuplicateColumnId(usize),
    #[error("must be a JSON object")]
    NotAnObject,
}

/// A board name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardName(String);

impl BoardName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<BoardName> for String {
    fn from(n: BoardName) -> String {
        n.0
    }
}

/// One column of a board. A column with a status gives that status to the tasks moved into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    id: String,
    name: String,
    status: Option<TaskStatus>,
}

impl Column {
    /// Ids are 1 to 64 characters, names 1 to 100, both trimmed.
    pub const MAX_ID_CHARS: usize = 64;
    pub const MAX_NAME_CHARS: usize = 100;

    /// The column, or the first refused field (`id` or `name`) with its reason.
    pub fn parse(id: &str, name: &str, status: Option<TaskStatus>) -> Result<Self, (&'static str, ValueError)> {
        let id = short_text(id, Self::MAX_ID_CHARS).map_err(|e| ("id", e))?;
        let name = short_text(name, Self::MAX_NAME_CHARS).map_err(|e| ("name", e))?;
        Ok(Self { id, name, status })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn status(&self) -> Option<TaskStatus> {
        self.status
    }
}

/// A board's columns, in display order: 1 to 50 of them, ids unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns(Vec<Column>);

impl Columns {
    pub const MAX: usize = 50;

    pub fn parse(columns: Vec<Column>) -> Result<Self, BoardValueError> {
        if columns.is_empty() || columns.len() > Self::MAX {
            return Err(BoardValueError::ColumnCount(Self::MAX));
        }
        for (i, column) in columns.iter().enumerate() {
            if columns[..i].iter().any(|c| c.id == column.id) {
                return Err(BoardValueError::DuplicateColumnId(i));
            }
        }
        Ok(Self(columns))
    }

    /// To do, in progress, completed: what a board starts with when no columns are given.
    pub fn standard() -> Self {
        let column = |id: &str, name: &str, status| Column {
            id: id.into(),
            name: name.into(),
            status: Some(status),
        };
        Self(vec![
            column("todo", "To do", TaskStatus::Todo),
            column("in_progress", "In progress", TaskStatus::InProgress),
            column("completed", "Completed", TaskStatus::Completed),
        ])
    }
}

impl Default for Columns {
    fn default() -> Self {
        Self::standard()
    }
}

impl From<Columns> for Vec<Column> {
    fn from(c: Columns) -> Vec<Column> {
        c.0
    }
}

/// Free-form display settings: a JSON object of at most 10,000 characters when serialised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardSettings(Map<String, Value>);

impl BoardSettings {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(raw: Value) -> Result<Self, BoardValueError> {
        match crate::values::json_object(raw, Self::MAX_CHARS, usize::MAX) {
            Ok(map) => Ok(Self(map)),
            Err(ValueError::NotAnObject) => Err(BoardValueError::NotAnObject),
            Err(other) => Err(other.into()),
        }
    }
}

impl From<BoardSettings> for Map<String, Value> {
    fn from(s: BoardSettings) -> Map<String, Value> {
        s.0
    }
}
