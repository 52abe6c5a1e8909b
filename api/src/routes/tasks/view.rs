//! Response bodies of the task routes.
use joan_projections::task_queries::ActivityRow;
use serde::Serialize;
use utoipa::ToSchema;

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
