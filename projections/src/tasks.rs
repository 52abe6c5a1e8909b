//! The `tasks` read table (D1 shape), kept inline.
use async_trait::async_trait;
use joan_commands::{Arg, Conn, StoredEvent, args};
use joan_domain::task::{TaskEvent, TaskStatus};

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TasksProjector;

const INSERT: &str = "insert into tasks (id, user_id, title, description, status, priority, due_date, completed_at, \
     folder_id, project_id, estimated_minutes, actual_minutes, tags, version, created_at, updated_at) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)";

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

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        use TaskEvent::*;
        let id = event.aggregate_id.as_str();
        let version = event.sequence;
        let decoded = decode::<TaskEvent>(event)?;
        let at = decoded.at().to_rfc3339();
        let (sql, value): (&str, Value) = match decoded {
            TaskCreated {
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
                ..
            } => {
                let completed_at = (status == TaskStatus::Completed).then_some(at.as_str());
                let user_id = user_id.to_string();
                let (folder_id, project_id) = (folder_id.map(|f| f.to_string()), project_id.map(|p| p.to_string()));
                let tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
                let args = [
                    Arg::from(id),
                    Arg::from(&user_id),
                    Arg::from(&title),
                    Arg::from(&description),
                    Arg::from(status.as_str()),
                    Arg::from(i64::from(priority)),
                    Arg::from(&due_date),
                    Arg::from(completed_at),
                    Arg::from(&folder_id),
                    Arg::from(&project_id),
                    Arg::from(estimated_minutes.map(i64::from)),
                    Arg::from(actual_minutes.map(i64::from)),
                    Arg::from(&tags),
                    Arg::from(version),
                    Arg::from(&at),
                ];
                conn.execute(INSERT, &args).await?;
                return Ok(());
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
