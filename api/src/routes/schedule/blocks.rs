//! A day's blocks in request bodies (a day's and a template's alike), their parsing into
//! [`Blocks`] with every error named by index, and the check that each task named is one the
//! caller can see.
use joan_domain::TaskId;
use joan_domain::schedule::{Block, BlockChanges, Blocks, BlocksError};
use joan_domain::values::ClockTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::{ApiError, FieldError};
use crate::http::fields::{Fields, present};
use crate::http::state::AppState;

/// One block of a day.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockBody {
    /// `HH:MM`, 00:00 to 23:59; before `end`.
    #[schema(schema_with = schemas::start)]
    pub start: String,
    /// `HH:MM`, 00:01 to 24:00; after `start`.
    #[schema(schema_with = schemas::end)]
    pub end: String,
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::title)]
    pub title: String,
    /// 1 to 50 characters (`focus`, `meeting`, `break`...); default `other`.
    #[schema(schema_with = schemas::kind_or_null)]
    pub kind: Option<String>,
    /// One of the caller's tasks (or one of a project they work on).
    pub task_id: Option<Uuid>,
}

/// `PATCH .../blocks/{index}`: absent fields stay; `task_id: null` unlinks the task.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBlock {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::start)]
    pub start: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::end)]
    pub end: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::title)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::kind)]
    pub kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub task_id: Option<Option<Uuid>>,
}

impl BlockBody {
    fn parse(&self, f: &mut Fields) -> Option<Block> {
        let start = f.check("start", ClockTime::parse(&self.start));
        let end = f.check("end", ClockTime::parse_end(&self.end));
        let title = f.check("title", Block::title(&self.title));
        let kind = match &self.kind {
            Some(kind) => f.check("kind", Block::kind(kind)),
            None => Some(Block::DEFAULT_KIND.to_string()),
        };
        Some(Block {
            start: start?,
            end: end?,
            title: title?,
            kind: kind?,
            task_id: self.task_id.map(TaskId),
        })
    }
}

impl PatchBlock {
    pub fn parse(self) -> Result<BlockChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = BlockChanges {
            start: f.required("start", self.start, |s| ClockTime::parse(&s)),
            end: f.required("end", self.end, |e| ClockTime::parse_end(&e)),
            title: f.required("title", self.title, |t| Block::title(&t)),
            kind: f.required("kind", self.kind, |k| Block::kind(&k)),
            task_id: self.task_id.map(|t| t.map(TaskId)),
        };
        f.finish(changes)
    }
}

/// The blocks of a body, each field's error named `blocks[i].<field>`, then the rules across
/// blocks (start before end, no overlap) checked when every block parsed.
pub fn parse_blocks(f: &mut Fields, raw: &[BlockBody]) -> Option<Blocks> {
    let mut blocks = Vec::with_capacity(raw.len());
    for (i, body) in raw.iter().enumerate() {
        let prefix = format!("{}blocks[{i}].", f.prefix);
        let mut each = Fields::with_prefix(&prefix);
        let block = body.parse(&mut each);
        f.errors.extend(each.errors);
        blocks.extend(block);
    }
    if blocks.len() < raw.len() {
        return None;
    }
    match Blocks::new(blocks) {
        Ok(blocks) => Some(blocks),
        Err(e) => {
            f.errors.extend(field_errors(e));
            None
        }
    }
}

/// The rules a list of blocks breaks, as field errors.
pub fn field_errors(e: BlocksError) -> Vec<FieldError> {
    e.0.into_iter().map(|p| FieldError::new(p.field, p.message)).collect()
}

/// The tasks blocks name, each with its field (`blocks[i].task_id`).
pub fn block_tasks(blocks: &[Block]) -> impl Iterator<Item = (String, TaskId)> + '_ {
    blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.task_id.map(|t| (format!("blocks[{i}].task_id"), t)))
}

/// Every task named must be one the caller can see (theirs, or in a project they work on):
/// 422 on its field otherwise.
pub async fn check_tasks(
    state: &AppState,
    user: joan_domain::UserId,
    tasks: impl IntoIterator<Item = (String, TaskId)>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (field, task) in tasks {
        match crate::routes::tasks::read_task(state, user, &task.to_string()).await {
            Ok(_) => {}
            Err(ApiError::NotFound) => errors.push(FieldError::new(field, "is not a task you can see")),
            Err(e) => return Err(e),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The schemas of the block fields: the rules of `joan_domain::schedule`.
pub(crate) mod schemas {
    use joan_domain::schedule::Block;
    use joan_domain::values::ClockTime;
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{nullable, pattern, short_text};

    pub fn start() -> Object {
        pattern(ClockTime::PATTERN, 5).build()
    }

    pub fn end() -> Object {
        pattern(ClockTime::END_PATTERN, 5).build()
    }

    pub fn title() -> Object {
        short_text(Block::MAX_TITLE_CHARS).build()
    }

    pub fn kind() -> Object {
        short_text(Block::MAX_KIND_CHARS).build()
    }

    pub fn kind_or_null() -> Object {
        nullable(short_text(Block::MAX_KIND_CHARS))
    }
}
