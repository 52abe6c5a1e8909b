//! Pomodoro: one row per session (type, task, start, planned minutes, how it ended and the
//! minutes of focus it gave: all of them when completed, those run before a cancellation).
//! A session imported from the old system counts as it ended there.
use joan_commands::{Conn, Executor, StoredEvent, args};
use joan_domain::pomodoro::PomodoroEvent;

use super::seconds_between;
use crate::error::ProjectionError;
use crate::projector::decode;

const COUNTED: [&str; 4] = [
    "PomodoroStarted",
    "PomodoroSessionImported",
    "PomodoroCompleted",
    "PomodoroCancelled",
];

pub(super) async fn apply(conn: &mut Conn<'_>, owner: &str, event: &StoredEvent) -> Result<(), ProjectionError> {
    if !COUNTED.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    match decode::<PomodoroEvent>(event)? {
        PomodoroEvent::PomodoroStarted {
            session_id,
            session_type,
            duration_minutes,
            task_id,
            at,
            ..
        } => {
            let task = task_id.map(|t| t.to_string());
            conn.execute(
                "insert into analytics_pomodoro_sessions \
                 (session_id, user_id, task_id, session_type, started_at, duration_minutes, outcome) \
                 values ($1, $2, $3, $4, $5, $6, 'running') on conflict (session_id) do nothing",
                &args![
                    session_id.to_string().as_str(),
                    owner,
                    &task,
                    session_type.as_str(),
                    at.to_rfc3339().as_str(),
                    i64::from(duration_minutes)
                ],
            )
            .await?;
        }
        PomodoroEvent::PomodoroSessionImported {
            session_id,
            session_type,
            duration_minutes,
            task_id,
            started_at,
            ended_at,
            completed,
            ..
        } => {
            let task = task_id.map(|t| t.to_string());
            let (outcome, focus) = match ended_at {
                None => ("running", 0),
                Some(_) if completed => ("completed", i64::from(duration_minutes)),
                Some(end) => {
                    let ran = seconds_between(&started_at.to_rfc3339(), end).unwrap_or(0) / 60;
                    ("cancelled", ran.clamp(0, i64::from(duration_minutes)))
                }
            };
            let ended = ended_at.map(|e| e.to_rfc3339());
            conn.execute(
                "insert into analytics_pomodoro_sessions \
                 (session_id, user_id, task_id, session_type, started_at, duration_minutes, outcome, ended_at, focus_minutes) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (session_id) do nothing",
                &args![
                    session_id.to_string().as_str(),
                    owner,
                    &task,
                    session_type.as_str(),
                    started_at.to_rfc3339().as_str(),
                    i64::from(duration_minutes),
                    outcome,
                    &ended,
                    focus
                ],
            )
            .await?;
        }
        PomodoroEvent::PomodoroCompleted {
            session_id,
            duration_minutes,
            at,
            ..
        } => {
            end(
                conn,
                &session_id.to_string(),
                "completed",
                &at.to_rfc3339(),
                i64::from(duration_minutes),
            )
            .await?;
        }
        PomodoroEvent::PomodoroCancelled { session_id, at, .. } => {
            let session = session_id.to_string();
            let row: Option<(String, i64)> = conn
                .fetch_optional(
                    "select started_at, duration_minutes from analytics_pomodoro_sessions where session_id = $1",
                    &args![session.as_str()],
                )
                .await?;
            let ran = row.map_or(0, |(started, planned)| {
                (seconds_between(&started, at).unwrap_or(0) / 60).clamp(0, planned)
            });
            end(conn, &session, "cancelled", &at.to_rfc3339(), ran).await?;
        }
        _ => {}
    }
    Ok(())
}

async fn end(conn: &mut Conn<'_>, session: &str, outcome: &str, at: &str, minutes: i64) -> Result<(), ProjectionError> {
    conn.execute(
        "update analytics_pomodoro_sessions set outcome = $2, ended_at = $3, focus_minutes = $4 where session_id = $1",
        &args![session, outcome, at, minutes],
    )
    .await?;
    Ok(())
}

/// One work session: task, start, outcome (`running`, `completed`, `cancelled`), focus minutes.
pub type Session = (Option<String>, String, String, i64);

/// The user's work sessions started at `from` or later and before `to`.
pub async fn sessions(ex: &mut impl Executor, user: &str, from: &str, to: &str) -> Result<Vec<Session>, sqlx::Error> {
    ex.fetch_all(
        "select task_id, started_at, outcome, focus_minutes from analytics_pomodoro_sessions \
         where user_id = $1 and session_type = 'work' and started_at >= $2 and started_at < $3 \
         order by started_at, session_id",
        &args![user, from, to],
    )
    .await
}
