//! The `tasks` read table (D1 shape), kept inline.
//!
//! A batch of events is folded in memory first: each task touched is read once (if it
//! existed before the batch), changed by all its events, and written once. A group commit of
//! many commands, or a replay page of thousands of events, costs a few statements.
use std::collections::HashMap;

use async_trait::async_trait;
use joan_commands::batch::insert_many_then;
use joan_commands::{Arg, Conn, StoredEvent};
use joan_domain::task::{TaskEvent, TaskStatus};

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};
use crate::task_queries::TaskRow;

pub struct TasksProjector;

const COLUMNS: &str = "id, user_id, title, description, status, priority, due_date, completed_at, folder_id, \
     project_id, estimated_minutes, actual_minutes, tags, version, created_at, updated_at";

const UPSERT_TAIL: &str = "on conflict (id) do update set user_id = excluded.user_id, title = excluded.title, \
     description = excluded.description, status = excluded.status, priority = excluded.priority, \
     due_date = excluded.due_date, completed_at = excluded.completed_at, folder_id = excluded.folder_id, \
     project_id = excluded.project_id, estimated_minutes = excluded.estimated_minutes, \
     actual_minutes = excluded.actual_minutes, tags = excluded.tags, version = excluded.version, \
     created_at = excluded.created_at, updated_at = excluded.updated_at";

/// Rows per `where id in (...)` read.
const READ_CHUNK: usize = 200;

#[async_trait]
impl Projector for TasksProjector {
    fn name(&self) -> &'static str {
        "tasks"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["tasks"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let decoded = events
            .iter()
            .map(|e| decode::<TaskEvent>(e).map(|d| (*e, d)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows = existing_rows(conn, &decoded).await?;
        let mut deleted: Vec<&str> = Vec::new();
        for (event, change) in decoded {
            let id = event.aggregate_id.as_str();
            if let Some(row) = created_row(event, &change) {
                rows.insert(id, Some(row));
                continue;
            }
            if matches!(change, TaskEvent::TaskDeleted { .. }) {
                rows.insert(id, None);
                deleted.push(id);
                continue;
            }
            if let Some(Some(row)) = rows.get_mut(id) {
                apply(row, event.sequence, change);
            }
        }
        let live: Vec<&TaskRow> = rows.values().flatten().collect();
        if !live.is_empty() {
            let args: Vec<Arg<'_>> = live.iter().flat_map(|r| row_args(r)).collect();
            let head = format!("insert into tasks ({COLUMNS})");
            insert_many_then(conn, &head, 16, &args, UPSERT_TAIL).await?;
        }
        for id in deleted.iter().filter(|id| matches!(rows.get(**id), Some(None))) {
            conn.execute("delete from tasks where id = $1", &[Arg::from(*id)])
                .await?;
        }
        Ok(())
    }
}

/// The rows of tasks that this batch changes but does not create.
async fn existing_rows<'e>(
    conn: &mut Conn<'_>,
    events: &[(&'e StoredEvent, TaskEvent)],
) -> Result<HashMap<&'e str, Option<TaskRow>>, ProjectionError> {
    let mut wanted: Vec<&'e str> = Vec::new();
    let mut seen: HashMap<&'e str, bool> = HashMap::new();
    for (event, change) in events {
        let id = event.aggregate_id.as_str();
        let creates = matches!(change, TaskEvent::TaskCreated { .. });
        seen.entry(id).or_insert_with(|| {
            if !creates {
                wanted.push(id);
            }
            creates
        });
    }
    let mut rows: HashMap<&'e str, Option<TaskRow>> = HashMap::with_capacity(seen.len());
    for chunk in wanted.chunks(READ_CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("select {COLUMNS} from tasks where id in ({})", marks.join(", "));
        let args: Vec<Arg<'_>> = chunk.iter().map(|id| Arg::from(*id)).collect();
        let found: Vec<TaskRow> = conn.fetch_all(&sql, &args).await?;
        for row in found {
            if let Some(id) = chunk.iter().find(|id| **id == row.id) {
                rows.insert(id, Some(row));
            }
        }
    }
    Ok(rows)
}

/// The row a `TaskCreated` (`change`, stored as `event`) starts; `None` for any other event.
/// It is what a read of the new task returns, without reading it.
pub fn created_row(event: &StoredEvent, change: &TaskEvent) -> Option<TaskRow> {
    let TaskEvent::TaskCreated {
        user_id,
        title,
        description,
        status,
        priority,
        due_date,
        folder_id,
        project_id,
        estimated_minutes,
        actual_minutes,
        tags,
        at,
        ..
    } = change
    else {
        return None;
    };
    let at = at.to_rfc3339();
    Some(TaskRow {
        id: event.aggregate_id.clone(),
        user_id: user_id.to_string(),
        title: title.clone(),
        description: description.clone(),
        status: status.as_str().to_string(),
        priority: i64::from(*priority),
        due_date: due_date.clone(),
        completed_at: (*status == TaskStatus::Completed).then(|| at.clone()),
        folder_id: folder_id.map(|f| f.to_string()),
        project_id: project_id.map(|p| p.to_string()),
        estimated_minutes: estimated_minutes.map(i64::from),
        actual_minutes: actual_minutes.map(i64::from),
        tags: serde_json::to_string(tags).unwrap_or_else(|_| "[]".into()),
        version: event.sequence,
        created_at: at.clone(),
        updated_at: at,
    })
}

/// One change to a task's row, in memory.
fn apply(row: &mut TaskRow, version: i64, change: TaskEvent) {
    use TaskEvent::*;
    row.version = version;
    row.updated_at = change.at().to_rfc3339();
    match change {
        TaskTitleChanged { to, .. } => row.title = to,
        TaskDescriptionChanged { to, .. } => row.description = to,
        TaskStatusChanged { to, .. } => row.status = to.as_str().to_string(),
        TaskPriorityChanged { to, .. } => row.priority = i64::from(to),
        TaskDueDateChanged { to, .. } => row.due_date = to,
        TaskFolderChanged { to, .. } => row.folder_id = to.map(|u| u.to_string()),
        TaskProjectChanged { to, .. } => row.project_id = to.map(|u| u.to_string()),
        TaskEstimateChanged { to, .. } => row.estimated_minutes = to.map(i64::from),
        TaskActualMinutesChanged { to, .. } => row.actual_minutes = to.map(i64::from),
        TaskTagsChanged { to, .. } => row.tags = serde_json::to_string(&to).unwrap_or_else(|_| "[]".into()),
        TaskCompleted { at, .. } => {
            row.status = TaskStatus::Completed.as_str().to_string();
            row.completed_at = Some(at.to_rfc3339());
        }
        TaskReopened { to, .. } => {
            row.status = to.as_str().to_string();
            row.completed_at = None;
        }
        // Creation and deletion replace or remove the whole row (see apply_batch); any other
        // event only moves the version and time.
        _ => {}
    }
}

fn row_args(r: &TaskRow) -> [Arg<'_>; 16] {
    [
        Arg::from(&r.id),
        Arg::from(&r.user_id),
        Arg::from(&r.title),
        Arg::from(&r.description),
        Arg::from(&r.status),
        Arg::from(r.priority),
        Arg::from(&r.due_date),
        Arg::from(&r.completed_at),
        Arg::from(&r.folder_id),
        Arg::from(&r.project_id),
        Arg::from(r.estimated_minutes),
        Arg::from(r.actual_minutes),
        Arg::from(&r.tags),
        Arg::from(r.version),
        Arg::from(&r.created_at),
        Arg::from(&r.updated_at),
    ]
}
