//! A catch-up projection: tasks created and completed per user per UTC day. A task imported
//! from the old system counts as created on its own `created_at` day, and, when it came in
//! completed, as completed on its `completed_at` day.
use std::collections::BTreeMap;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::task::TaskStatus;
use serde::Deserialize;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TaskDailyStatsProjector;

/// All this projection reads of a task event: which of the counted kinds it is, and when.
/// Only those kinds are decoded (chosen by the stored `event_type`, which is the variant's
/// name), and of their payload only the times; the other fields are skipped unbuilt.
#[derive(Deserialize)]
enum Counted {
    #[serde(rename = "TaskCreated")]
    Created { at: Timestamp },
    #[serde(rename = "TaskCompleted")]
    Completed { at: Timestamp },
    #[serde(rename = "TaskImported")]
    Imported {
        created_at: Timestamp,
        status: TaskStatus,
        completed_at: Option<Timestamp>,
    },
}

/// The event types [`Counted`] decodes.
const COUNTED: [&str; 3] = ["TaskCreated", "TaskCompleted", "TaskImported"];

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
            if !COUNTED.contains(&event.event_type.as_str()) {
                continue;
            }
            let mut count = |at: Timestamp, created: i64, completed: i64| {
                let entry = counts.entry((owner, at.day())).or_default();
                entry.0 += created;
                entry.1 += completed;
            };
            match decode::<Counted>(event)? {
                Counted::Created { at } => count(at, 1, 0),
                Counted::Completed { at } => count(at, 0, 1),
                Counted::Imported {
                    created_at,
                    status,
                    completed_at,
                } => {
                    count(created_at, 1, 0);
                    if let (TaskStatus::Completed, Some(done)) = (status, completed_at) {
                        count(done, 0, 1);
                    }
                }
            }
        }
        for ((owner, day), (created, completed)) in &counts {
            conn.execute(UPSERT, &args![*owner, day, *created, *completed]).await?;
        }
        Ok(())
    }
}
