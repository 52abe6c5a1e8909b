//! A catch-up projection: tasks created and completed per user per UTC day.
use std::collections::BTreeMap;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::task::TaskEvent;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TaskDailyStatsProjector;

const UPSERT: &str = "insert into task_daily_stats (user_id, day, created, completed) values ($1, $2, $3, $4) \
     on conflict (user_id, day) do update set created = task_daily_stats.created + excluded.created, \
     completed = task_daily_stats.completed + excluded.completed";

#[async_trait]
impl Projector for TaskDailyStatsProjector {
    fn name(&self) -> &'static str {
        "task_daily_stats"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["task_daily_stats"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// Counts the batch in memory, then one upsert per user and day.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let mut counts: BTreeMap<(&str, String), (i64, i64)> = BTreeMap::new();
        for event in events {
            let Some(owner) = event.owner_id.as_deref() else {
                continue;
            };
            let decoded = decode::<TaskEvent>(event)?;
            let (created, completed) = match decoded {
                TaskEvent::TaskCreated { .. } => (1, 0),
                TaskEvent::TaskCompleted { .. } => (0, 1),
                _ => continue,
            };
            let entry = counts.entry((owner, decoded.at().day())).or_default();
            entry.0 += created;
            entry.1 += completed;
        }
        for ((owner, day), (created, completed)) in &counts {
            conn.execute(UPSERT, &args![*owner, day, *created, *completed]).await?;
        }
        Ok(())
    }
}
