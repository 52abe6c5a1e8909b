//! A catch-up projection: tasks created and completed per user per UTC day.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::task::TaskEvent;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct TaskDailyStatsProjector;

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
        let decoded = decode::<TaskEvent>(event)?;
        let sql = match decoded {
            TaskEvent::TaskCreated { .. } => {
                "insert into task_daily_stats (user_id, day, created, completed) values ($1, $2, 1, 0) \
                 on conflict (user_id, day) do update set created = task_daily_stats.created + 1"
            }
            TaskEvent::TaskCompleted { .. } => {
                "insert into task_daily_stats (user_id, day, created, completed) values ($1, $2, 0, 1) \
                 on conflict (user_id, day) do update set completed = task_daily_stats.completed + 1"
            }
            _ => return Ok(()),
        };
        let Some(owner) = event.owner_id.as_deref() else {
            return Ok(());
        };
        let day = decoded.at().day();
        conn.execute(sql, &args![owner, day.as_str()]).await?;
        Ok(())
    }
}
