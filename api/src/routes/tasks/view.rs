//! Response bodies of the task routes.
use joan_commands::StoredEvent;
use joan_domain::task::Task;
use joan_projections::task_queries::{ActivityRow, TaskRow};
use serde::Serialize;
use utoipa::ToSchema;

/// A task as the API shows it (the `tasks` row with real JSON types).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub priority: i64,
    pub due_date: Option<String>,
    pub completed_at: Option<String>,
    pub folder_id: Option<String>,
    pub project_id: Option<String>,
    pub estimated_minutes: Option<i64>,
    pub actual_minutes: Option<i64>,
    pub tags: Vec<String>,
    /// The stream version; also the `ETag`.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<TaskRow> for TaskView {
    fn from(r: TaskRow) -> Self {
        Self {
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            id: r.id,
            user_id: r.user_id,
            title: r.title,
            description: r.description,
            status: r.status,
            priority: r.priority,
            due_date: r.due_date,
            completed_at: r.completed_at,
            folder_id: r.folder_id,
            project_id: r.project_id,
            estimated_minutes: r.estimated_minutes,
            actual_minutes: r.actual_minutes,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl TaskView {
    /// The task as its events had left it at some version (for `?as_of=`).
    pub fn from_state(task: Task, version: i64) -> Option<Self> {
        let id = task.id?;
        Some(Self {
            id: id.to_string(),
            user_id: task.owner.to_string(),
            title: task.title,
            description: task.description,
            status: task.status.as_str().to_string(),
            priority: i64::from(task.priority),
            due_date: task.due_date,
            completed_at: task.completed_at.map(|t| t.to_rfc3339()),
            folder_id: task.folder_id.map(|f| f.to_string()),
            project_id: task.project_id.map(|p| p.to_string()),
            estimated_minutes: task.estimated_minutes.map(i64::from),
            actual_minutes: task.actual_minutes.map(i64::from),
            tags: task.tags,
            version,
            created_at: task.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            updated_at: task.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        })
    }
}

/// One row of a task's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: String,
    pub task_id: String,
    pub user_id: Option<String>,
    /// created, title_changed, status_changed, completed, reopened, deleted, ...
    pub action: String,
    /// Before and after of the change.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub created_at: String,
}

impl From<ActivityRow> for ActivityView {
    fn from(r: ActivityRow) -> Self {
        Self {
            details: serde_json::from_str(&r.details).unwrap_or_default(),
            id: r.id,
            task_id: r.task_id,
            user_id: r.user_id,
            action: r.action,
            created_at: r.created_at,
        }
    }
}

/// One event of a resource's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub sequence: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub version: String,
    pub actor: Option<String>,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<StoredEvent> for HistoryEntry {
    fn from(e: StoredEvent) -> Self {
        let data = match serde_json::from_str::<serde_json::Value>(&e.payload) {
            Ok(serde_json::Value::Object(outer)) => outer.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            _ => serde_json::Value::Null,
        };
        Self {
            actor: e.meta().actor,
            sequence: e.sequence,
            event_type: e.event_type,
            version: e.event_version,
            at: e.recorded_at,
            data,
        }
    }
}
