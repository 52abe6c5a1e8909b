//! The `tasks` read table (D1 shape), kept inline.
use async_trait::async_trait;
use joan_commands::batch::insert_many;
use joan_commands::{Arg, Conn, StoredEvent, args};
use joan_domain::task::{TaskEvent, TaskStatus};

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TasksProjector;

const INSERT: &str = "insert into tasks (id, user_id, title, description, status, priority, due_date, completed_at, \
     folder_id, project_id, estimated_minutes, actual_minutes, tags, version, created_at, updated_at)";

/// A new task's row, owned until it is bound.
struct NewRow<'e> {
    id: &'e str,
    version: i64,
    user_id: String,
    title: String,
    description: Option<String>,
    status: TaskStatus,
    priority: i64,
    due_date: Option<String>,
    folder_id: Option<String>,
    project_id: Option<String>,
    estimated_minutes: Option<i64>,
    actual_minutes: Option<i64>,
    tags: String,
    at: String,
}

impl<'e> NewRow<'e> {
    /// The row a `TaskCreated` event starts; `None` for any other event.
    fn of(event: &'e StoredEvent, decoded: TaskEvent) -> Option<Self> {
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
        } = decoded
        else {
            return None;
        };
        Some(Self {
            id: &event.aggregate_id,
            version: event.sequence,
            user_id: user_id.to_string(),
            title,
            description,
            status,
            priority: i64::from(priority),
            due_date,
            folder_id: folder_id.map(|f| f.to_string()),
            project_id: project_id.map(|p| p.to_string()),
            estimated_minutes: estimated_minutes.map(i64::from),
            actual_minutes: actual_minutes.map(i64::from),
            tags: serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into()),
            at: at.to_rfc3339(),
        })
    }

    fn args(&self) -> [Arg<'_>; 16] {
        let completed_at = (self.status == TaskStatus::Completed).then_some(self.at.as_str());
        [
            Arg::from(self.id),
            Arg::from(&self.user_id),
            Arg::from(&self.title),
            Arg::from(&self.description),
            Arg::from(self.status.as_str()),
            Arg::from(self.priority),
            Arg::from(&self.due_date),
            Arg::from(completed_at),
            Arg::from(&self.folder_id),
            Arg::from(&self.project_id),
            Arg::from(self.estimated_minutes),
            Arg::from(self.actual_minutes),
            Arg::from(&self.tags),
            Arg::from(self.version),
            Arg::from(&self.at),
            Arg::from(&self.at),
        ]
    }
}

async fn insert_rows(conn: &mut Conn<'_>, rows: &mut Vec<NewRow<'_>>) -> Result<(), ProjectionError> {
    if !rows.is_empty() {
        let args: Vec<Arg<'_>> = rows.iter().flat_map(NewRow::args).collect();
        insert_many(conn, INSERT, 16, &args).await?;
        rows.clear();
    }
    Ok(())
}

/// `update tasks set <column> = $1, version = $2, updated_at = $3 where id = $4`, per column.
macro_rules! set_column {
    ($column:literal) => {
        concat!(
            "update tasks set ",
            $column,
            " = $1, version = $2, updated_at = $3 where id = $4"
        )
    };
}

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

    /// Runs of new tasks go in as multi-row inserts; every other change in order between them.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let mut rows: Vec<NewRow<'_>> = Vec::new();
        for event in events {
            if event.event_type == "TaskCreated" {
                if let Some(row) = NewRow::of(event, decode::<TaskEvent>(event)?) {
                    rows.push(row);
                    continue;
                }
            }
            insert_rows(conn, &mut rows).await?;
            self.apply(conn, event).await?;
        }
        insert_rows(conn, &mut rows).await
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        use TaskEvent::*;
        let id = event.aggregate_id.as_str();
        let version = event.sequence;
        let decoded = decode::<TaskEvent>(event)?;
        let at = decoded.at().to_rfc3339();
        let (sql, value): (&str, Value) = match decoded {
            created @ TaskCreated { .. } => {
                let mut rows: Vec<NewRow<'_>> = NewRow::of(event, created).into_iter().collect();
                return insert_rows(conn, &mut rows).await;
            }
            TaskDeleted { .. } => {
                conn.execute("delete from tasks where id = $1", &args![id]).await?;
                return Ok(());
            }
            TaskCompleted { .. } => {
                conn.execute(
                    "update tasks set status = 'completed', completed_at = $1, version = $2, updated_at = $1 \
                     where id = $3",
                    &args![at.as_str(), version, id],
                )
                .await?;
                return Ok(());
            }
            TaskReopened { to, .. } => {
                conn.execute(
                    "update tasks set status = $1, completed_at = null, version = $2, updated_at = $3 where id = $4",
                    &args![to.as_str(), version, at.as_str(), id],
                )
                .await?;
                return Ok(());
            }
            TaskTitleChanged { to, .. } => (set_column!("title"), Value::Text(Some(to))),
            TaskDescriptionChanged { to, .. } => (set_column!("description"), Value::Text(to)),
            TaskStatusChanged { to, .. } => (set_column!("status"), Value::Text(Some(to.as_str().into()))),
            TaskPriorityChanged { to, .. } => (set_column!("priority"), Value::Int(Some(to.into()))),
            TaskDueDateChanged { to, .. } => (set_column!("due_date"), Value::Text(to)),
            TaskFolderChanged { to, .. } => (set_column!("folder_id"), Value::Text(to.map(|u| u.to_string()))),
            TaskProjectChanged { to, .. } => (set_column!("project_id"), Value::Text(to.map(|u| u.to_string()))),
            TaskEstimateChanged { to, .. } => (set_column!("estimated_minutes"), Value::Int(to.map(i64::from))),
            TaskActualMinutesChanged { to, .. } => (set_column!("actual_minutes"), Value::Int(to.map(i64::from))),
            TaskTagsChanged { to, .. } => (set_column!("tags"), Value::Text(serde_json::to_string(&to).ok())),
        };
        conn.execute(sql, &[value.arg(), Arg::from(version), Arg::from(&at), Arg::from(id)])
            .await?;
        Ok(())
    }
}

/// An owned column value, for the one-column updates.
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    fn arg(&self) -> Arg<'_> {
        match self {
            Value::Int(v) => Arg::Int(*v),
            Value::Text(v) => Arg::Text(v.as_deref()),
        }
    }
}
