//! An `api_call` step: the tasks or notes a model listed, created all or nothing, with ids
//! derived from the execution, the step and the item's place (UUIDv5), so that the process
//! manager running the step again (after a crash, or from no checkpoint) finds them made
//! instead of making them twice.
use joan_commands::service::CommandContext;
use joan_commands::{CommandError, CommandService, StoreError};
use joan_domain::note::{Note, NoteCommand};
use joan_domain::task::{Task, TaskCommand};
use joan_domain::workflow_template::Endpoint;
use joan_domain::{NoteId, TaskId};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::routes::notes::body::CreateNote;
use crate::routes::tasks::body::CreateTask;

/// Fields of a listed task a model may set; anything else it adds is left out (a model never
/// chooses a project or a folder).
const TASK_FIELDS: &[&str] = &[
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "estimated_minutes",
    "tags",
];
const NOTE_FIELDS: &[&str] = &["title", "content", "tags", "is_pinned"];

#[derive(Debug, thiserror::Error)]
pub enum ApiCallError {
    /// The list is not one the endpoint takes: the step fails with this reason.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The id of item `index` of `step` of `execution`.
pub fn item_id(execution: Uuid, step: u32, index: usize) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_6169_6361_6c6c_0000_0000_0001);
    Uuid::new_v5(&NAMESPACE, format!("{execution}:{step}:{index}").as_bytes())
}

/// Only the allowed fields of an item that must be a JSON object.
fn pick(item: &Value, allowed: &[&str], index: usize) -> Result<Value, ApiCallError> {
    let Value::Object(fields) = item else {
        return Err(ApiCallError::Invalid(format!("item {index} is not a JSON object")));
    };
    let kept: Map<String, Value> = fields
        .iter()
        .filter(|(k, _)| allowed.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Value::Object(kept))
}

fn invalid(index: usize, errors: impl IntoIterator<Item = String>) -> ApiCallError {
    ApiCallError::Invalid(format!(
        "item {index}: {}",
        errors.into_iter().collect::<Vec<_>>().join("; ")
    ))
}

/// What creates the entities.
pub struct Creators {
    pub tasks: CommandService<Task>,
    pub notes: CommandService<Note>,
}

impl Creators {
    /// Creates every item of `data` (a JSON list of at most 100), or none; the ids made.
    pub async fn run(
        &self,
        ctx: &CommandContext,
        execution: Uuid,
        step: u32,
        endpoint: Endpoint,
        data: &Value,
    ) -> Result<Vec<Uuid>, ApiCallError> {
        // A list, or an answer that holds it under the endpoint's own name (`{"summary": ...,
        // "tasks": [...]}`: what a prompt asking for more than the list gets back).
        let key = match endpoint {
            Endpoint::TasksBatch => "tasks",
            Endpoint::NotesBatch => "notes",
        };
        let items = match data {
            Value::Array(items) => items,
            Value::Object(fields) => match fields.get(key) {
                Some(Value::Array(items)) => items,
                _ => return Err(ApiCallError::Invalid(format!("the step's data holds no `{key}` list"))),
            },
            _ => return Err(ApiCallError::Invalid("the step's data is not a JSON list".into())),
        };
        if items.len() > Endpoint::MAX_ITEMS {
            return Err(ApiCallError::Invalid(format!(
                "the list holds {} items; at most {} are created at once",
                items.len(),
                Endpoint::MAX_ITEMS
            )));
        }
        let ids: Vec<Uuid> = (0..items.len()).map(|i| item_id(execution, step, i)).collect();
        if items.is_empty() {
            return Ok(ids);
        }
        let outcome = match endpoint {
            Endpoint::TasksBatch => {
                let mut commands = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let body: CreateTask =
                        serde_json::from_value(pick(item, TASK_FIELDS, i)?).map_err(|e| invalid(i, [e.to_string()]))?;
                    let new = body.parse(TaskId(ids[i]), "").map_err(|errors| {
                        invalid(i, errors.into_iter().map(|e| format!("{} {}", e.field, e.message)))
                    })?;
                    commands.push((ids[i].to_string(), TaskCommand::Create(new)));
                }
                self.tasks
                    .execute_new_many(ctx, commands, None)
                    .await
                    .map(drop)
                    .map_err(erase)
            }
            Endpoint::NotesBatch => {
                let mut commands = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let body: CreateNote =
                        serde_json::from_value(pick(item, NOTE_FIELDS, i)?).map_err(|e| invalid(i, [e.to_string()]))?;
                    let new = body.parse(NoteId(ids[i])).map_err(|errors| {
                        invalid(i, errors.into_iter().map(|e| format!("{} {}", e.field, e.message)))
                    })?;
                    commands.push((ids[i].to_string(), NoteCommand::Create(new)));
                }
                self.notes
                    .execute_new_many(ctx, commands, None)
                    .await
                    .map(drop)
                    .map_err(erase)
            }
        };
        match outcome {
            Ok(()) => Ok(ids),
            // The batch is one transaction over streams only this step names: a conflict means
            // an earlier run of this very step created them all.
            Err(Created::Already) => Ok(ids),
            Err(Created::Refused(reason)) => Err(ApiCallError::Invalid(reason)),
            Err(Created::Store(e)) => Err(ApiCallError::Store(e)),
        }
    }
}

enum Created {
    Already,
    Refused(String),
    Store(StoreError),
}

fn erase<E: std::error::Error>(error: CommandError<E>) -> Created {
    match error {
        CommandError::Conflict | CommandError::Stale { .. } => Created::Already,
        CommandError::Store(StoreError::Conflict { .. }) => Created::Already,
        CommandError::Store(e) => Created::Store(e),
        CommandError::Domain(e) => Created::Refused(e.to_string()),
        CommandError::NotFound => Created::Refused("not found".into()),
    }
}
