//! `task_activities`: one row per change of a task, with before/after in `details`.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::task::TaskEvent;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TaskActivitiesProjector;

/// Activity ids derive from the event (stream and sequence), so a replay writes the same ids.
const ACTIVITY_NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_7461_736b_6163_7469_7669_7479);

#[async_trait]
impl Projector for TaskActivitiesProjector {
    fn name(&self) -> &'static str {
        "task_activities"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["task_activities"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        let decoded: TaskEvent = decode(event)?;
        let id = Uuid::new_v5(
            &ACTIVITY_NAMESPACE,
            format!("{}:{}", event.aggregate_id, event.sequence).as_bytes(),
        );
        let details = details(&decoded).to_string();
        let at = decoded.at().to_rfc3339();
        conn.execute(
            "insert into task_activities (id, task_id, user_id, action, details, created_at, position) \
             values ($1, $2, $3, $4, $5, $6, $7)",
            &args![
                id.to_string().as_str(),
                event.aggregate_id.as_str(),
                event.owner_id.as_deref(),
                decoded.action(),
                details.as_str(),
                at.as_str(),
                event.position
            ],
        )
        .await?;
        Ok(())
    }
}

/// The event's own fields without the bookkeeping ones; completions and reopenings name
/// both ends of the status change.
fn details(event: &TaskEvent) -> Value {
    let mut fields = match serde_json::to_value(event) {
        Ok(Value::Object(outer)) => match outer.into_iter().next() {
            Some((_, Value::Object(inner))) => inner,
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    for key in ["at", "task_id", "user_id"] {
        fields.remove(key);
    }
    match event {
        TaskEvent::TaskCompleted { .. } => {
            fields.insert("to".into(), "completed".into());
        }
        TaskEvent::TaskReopened { .. } => {
            fields.insert("from".into(), "completed".into());
        }
        _ => {}
    }
    Value::Object(fields)
}
