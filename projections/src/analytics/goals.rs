//! Goals: each goal's progress every time it changed (set by hand, or the share of its linked
//! tasks that are done, in whole percent, the rule of the `goals` table), so the endpoint can
//! read the progress at the end of any local day, week or month.
use joan_commands::{Conn, Executor, StoredEvent, args};
use joan_domain::goal::GoalEvent;

use super::held::{Held, ProgressRow};
use crate::error::ProjectionError;
use crate::projector::decode;

const COUNTED: [&str; 5] = [
    "GoalCreated",
    "GoalImported",
    "GoalTitleChanged",
    "GoalProgressSet",
    "GoalDeleted",
];

pub(super) async fn apply(
    conn: &mut Conn<'_>,
    held: &mut Held,
    owner: &str,
    event: &StoredEvent,
) -> Result<(), ProjectionError> {
    if !COUNTED.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let goal = event.aggregate_id.as_str();
    match decode::<GoalEvent>(event)? {
        GoalEvent::GoalCreated {
            title, progress, at, ..
        }
        | GoalEvent::GoalImported {
            title,
            progress,
            created_at: at,
            ..
        } => {
            let manual = progress.map(i64::from);
            conn.execute(
                "insert into analytics_goal_state (goal_id, user_id, title, manual, progress) values ($1, $2, $3, $4, $5) \
                 on conflict (goal_id) do nothing",
                &args![goal, owner, title.as_str(), manual, manual.unwrap_or(0)],
            )
            .await?;
            snapshot(held, goal, owner, event.position, &at.to_rfc3339(), manual.unwrap_or(0));
        }
        GoalEvent::GoalTitleChanged { to, .. } => {
            conn.execute(
                "update analytics_goal_state set title = $2 where goal_id = $1",
                &args![goal, to.as_str()],
            )
            .await?;
        }
        GoalEvent::GoalProgressSet { to, at, .. } => {
            conn.execute(
                "update analytics_goal_state set manual = $2 where goal_id = $1",
                &args![goal, to.map(i64::from)],
            )
            .await?;
            recompute(conn, held, goal, event.position, &at.to_rfc3339()).await?;
        }
        GoalEvent::GoalDeleted { .. } => {
            conn.execute(
                "update analytics_goal_state set deleted = 1 where goal_id = $1",
                &args![goal],
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Whether `goal` is one of `owner`'s (only those count a task's link).
pub(super) async fn owned_by(conn: &mut Conn<'_>, goal: &str, owner: &str) -> Result<bool, ProjectionError> {
    let row: Option<(String,)> = conn
        .fetch_optional(
            "select user_id from analytics_goal_state where goal_id = $1",
            &args![goal],
        )
        .await?;
    Ok(row.is_some_and(|(user,)| user == owner))
}

/// Sets the goal's progress from its hand-set value or its links, recording a snapshot at
/// `position` when it changed.
pub(super) async fn recompute(
    conn: &mut Conn<'_>,
    held: &mut Held,
    goal: &str,
    position: i64,
    at: &str,
) -> Result<(), ProjectionError> {
    let state: Option<(String, Option<i64>, i64)> = conn
        .fetch_optional(
            "select user_id, manual, progress from analytics_goal_state where goal_id = $1",
            &args![goal],
        )
        .await?;
    let Some((user, manual, before)) = state else {
        return Ok(());
    };
    let progress = match manual {
        Some(p) => p,
        None => {
            let (linked, done): (i64, i64) = conn
                .fetch_optional(
                    "select count(*), count(case when done = 1 then 1 end) from analytics_task_goals where goal_id = $1",
                    &args![goal],
                )
                .await?
                .unwrap_or((0, 0));
            if linked == 0 { 0 } else { done * 100 / linked }
        }
    };
    if progress == before {
        return Ok(());
    }
    conn.execute(
        "update analytics_goal_state set progress = $2 where goal_id = $1",
        &args![goal, progress],
    )
    .await?;
    snapshot(held, goal, &user, position, at, progress);
    Ok(())
}

fn snapshot(held: &mut Held, goal: &str, user: &str, position: i64, at: &str, progress: i64) {
    held.progress.push(ProgressRow {
        position,
        goal_id: goal.to_string(),
        user_id: user.to_string(),
        at: at.to_string(),
        progress,
    });
}

/// The user's goals (not deleted): id, title, progress now.
pub async fn list(ex: &mut impl Executor, user: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    ex.fetch_all(
        "select goal_id, title, progress from analytics_goal_state where user_id = $1 and deleted = 0 \
         order by goal_id",
        &args![user],
    )
    .await
}

/// Every progress change of the user's goals before `to`, in log order: goal, instant, progress.
pub async fn changes(ex: &mut impl Executor, user: &str, to: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    ex.fetch_all(
        "select goal_id, at, progress from analytics_goal_progress where user_id = $1 and at < $2 \
         order by position",
        &args![user, to],
    )
    .await
}
