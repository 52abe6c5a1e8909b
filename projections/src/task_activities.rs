//! `task_activities`: one row per change of a task, with before/after in `details`.
use async_trait::async_trait;
use joan_commands::db::batch::insert_many;
use joan_commands::{Arg, Conn, StoredEvent};
use joan_domain::task::TaskEvent;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TaskActivitiesProjector;

/// Activity ids derive from the event, so a replay writes the same ids: the log position in
/// the high 48 bits, laid out like UUIDv7's clock (ids sort like the log, and the index grows at its end instead of splitting
/// pages everywhere) and a hash of the stream and sequence below, as a version 8 UUID.
fn activity_id(event: &StoredEvent) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_7461_736b_6163_7469_7669_7479);
    let hash = Uuid::new_v5(
        &NAMESPACE,
        format!("{}:{}", event.aggregate_id, event.sequence).as_bytes(),
    );
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&event.position.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&hash.as_bytes()[6..]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

const INSERT: &str = "insert into task_activities (id, task_id, user_id, action, details, created_at, position)";

/// One activity row, owned until it is bound.
struct Activity<'e> {
    id: String,
    event: &'e StoredEvent,
    action: String,
    details: String,
    at: String,
}

impl<'e> Activity<'e> {
    fn of(event: &'e StoredEvent) -> Result<Self, ProjectionError> {
        let decoded: TaskEvent = decode(event)?;
        // An imported row of the old history keeps its own id, action and details.
        if let TaskEvent::TaskActivityImported {
            activity_id,
            action,
            details,
            at,
        } = decoded
        {
            return Ok(Self {
                id: activity_id.to_string(),
                event,
                action,
                details: details.unwrap_or(Value::Null).to_string(),
                at: at.to_rfc3339(),
            });
        }
        let id = activity_id(event);
        Ok(Self {
            id: id.to_string(),
            event,
            action: decoded.action().to_string(),
            details: details(&decoded).to_string(),
            at: decoded.at().to_rfc3339(),
        })
    }

    fn args(&self) -> [Arg<'_>; 7] {
        [
            Arg::from(&self.id),
            Arg::from(&self.event.aggregate_id),
            Arg::from(&self.event.owner_id),
            Arg::from(&self.action),
            Arg::from(&self.details),
            Arg::from(&self.at),
            Arg::from(self.event.position),
        ]
    }
}

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
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let rows = events.iter().map(|e| Activity::of(e)).collect::<Result<Vec<_>, _>>()?;
        let args: Vec<Arg<'_>> = rows.iter().flat_map(Activity::args).collect();
        insert_many(conn, INSERT, 7, &args).await?;
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
