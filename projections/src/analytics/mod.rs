//! Analytics, a catch-up projection (`joan replay --projection analytics`): facts at the grain
//! of one event or one entity, every instant kept in UTC, so the API buckets them in the
//! user's own time zone when it reads them (exact across day boundaries). One file per area;
//! each also holds the queries its endpoint reads. The projector reads only its own tables,
//! so a replay into empty tables rebuilds the same rows.
pub mod activities;
pub mod ai;
pub mod goals;
mod held;
pub mod pomodoro;
pub mod tasks;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use joan_domain::Timestamp;

use held::Held;

use crate::error::ProjectionError;
use crate::projector::{Projector, Replayer};

pub struct AnalyticsProjector;

#[async_trait]
impl Projector for AnalyticsProjector {
    fn name(&self) -> &'static str {
        "analytics"
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "analytics_task_state",
            "analytics_task_goals",
            "analytics_task_facts",
            "analytics_pomodoro_sessions",
            "analytics_goal_state",
            "analytics_goal_progress",
            "analytics_activities",
            "analytics_ai_requests",
        ]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        matches!(aggregate_type, "task" | "pomodoro" | "goal" | "activity" | "ai_request")
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let mut held = Held::default();
        fold(conn, &mut held, events).await?;
        held.write(conn).await
    }

    fn replayer(&self, hold: usize) -> Option<Box<dyn Replayer>> {
        Some(Box::new(Replay {
            held: Held::default(),
            hold,
        }))
    }
}

/// Applies `events` in the caller's one transaction, holding back what [`Held`] holds. AI
/// requests (pure inserts) are written many rows per statement, the rest event by event since
/// each may read what the previous one wrote. AI requests touch no other area's rows, so
/// writing them last gives the same tables as writing them in log order.
async fn fold(conn: &mut Conn<'_>, held: &mut Held, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
    let mut requests = Vec::new();
    for event in events {
        let Some(owner) = event.owner_id.as_deref() else {
            continue;
        };
        match event.aggregate_type.as_str() {
            "task" => tasks::apply(conn, held, owner, event).await?,
            "pomodoro" => pomodoro::apply(conn, owner, event).await?,
            "goal" => goals::apply(conn, held, owner, event).await?,
            "activity" => activities::apply(conn, held, owner, event).await?,
            "ai_request" => requests.push((owner, *event)),
            _ => {}
        }
    }
    ai::insert(conn, &requests).await
}

/// A rebuild's analytics: what [`Held`] holds is kept across pages, up to `hold` rows.
struct Replay {
    held: Held,
    hold: usize,
}

#[async_trait]
impl Replayer for Replay {
    async fn page(&mut self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        fold(conn, &mut self.held, events).await?;
        self.held.write_over(conn, self.hold).await
    }

    async fn finish(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        self.held.write(conn).await
    }
}

/// Whole seconds from `from` to `to` (both RFC 3339), when both parse.
fn seconds_between(from: &str, to: Timestamp) -> Option<i64> {
    let from = Timestamp::parse(from).ok()?;
    Some((to.datetime() - from.datetime()).whole_seconds())
}
