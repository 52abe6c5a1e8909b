//! `pomodoro_settings` and `pomodoro_sessions` (D1 shapes), kept inline from each user's
//! pomodoro stream, and the queries of the pomodoro routes.
//!
//! Settings are one row per stream (a [`Fold`], id = the user's). Sessions are many rows per
//! stream, keyed by their own id, so they have a projector of their own whose one step
//! ([`session_step`]) also gives a session as it was at an instant (`?as_of=`).
use std::collections::HashMap;

use async_trait::async_trait;
use joan_commands::{Arg, Conn, Database, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::pomodoro::PomodoroEvent;

use crate::error::ProjectionError;
use crate::fold::Fold;
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::{self, Flag, Listing, TableRow};

read_table! {
    /// A user's pomodoro settings as `pomodoro_settings` holds them and the API shows them.
    pub struct PomodoroSettingsRow in "pomodoro_settings" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// Minutes, 1 to 240.
        pub work_duration: i64,
        /// Minutes, 1 to 240.
        pub short_break_duration: i64,
        /// Minutes, 1 to 240.
        pub long_break_duration: i64,
        /// Completed work sessions before the suggested break is long, 1 to 12.
        pub sessions_until_long_break: i64,
        #[schema(value_type = bool)]
        pub auto_start_breaks: Flag,
        #[schema(value_type = bool)]
        pub auto_start_pomodoros: Flag,
        #[schema(value_type = bool)]
        pub sound_enabled: Flag,
        /// The version of the user's pomodoro stream (sessions move it too); also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

read_table! {
    /// A pomodoro session as `pomodoro_sessions` holds it and the API shows it: running while
    /// `ended_at` is null; then completed, or interrupted (`completed` false, with its reason).
    pub struct PomodoroSessionRow in "pomodoro_sessions" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        /// work, short_break or long_break.
        pub r#type: String,
        /// Minutes, 1 to 240.
        pub duration_minutes: i64,
        pub started_at: String,
        /// When it was completed or cancelled; null while it runs.
        pub ended_at: Option<String>,
        #[schema(value_type = bool)]
        pub completed: Flag,
        #[schema(format = Uuid)]
        pub task_id: Option<String>,
        pub notes: Option<String>,
        /// Why it was interrupted, when it was cancelled with a reason.
        pub cancel_reason: Option<String>,
        /// The version of the user's pomodoro stream at the session's last change.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How pomodoro events change `pomodoro_settings` rows.
pub struct PomodoroSettingsFold;

impl Fold for PomodoroSettingsFold {
    type Row = PomodoroSettingsRow;
    type Event = PomodoroEvent;
    const NAME: &'static str = "pomodoro_settings";
    const AGGREGATE: &'static str = "pomodoro";

    fn at(change: &PomodoroEvent) -> Timestamp {
        change.at()
    }

    /// Old sessions taken in by an import only move the version: the settings row keeps the
    /// old settings' own `updated_at`.
    fn moves_updated_at(change: &PomodoroEvent) -> bool {
        !matches!(change, PomodoroEvent::PomodoroSessionImported { .. })
    }

    fn apply(row: &mut Option<PomodoroSettingsRow>, event: &StoredEvent, change: PomodoroEvent) {
        use PomodoroEvent::*;
        let updated_at = change.at().to_rfc3339();
        if let PomodoroOpened {
            user_id,
            settings,
            at: created_at,
            ..
        }
        | PomodoroSettingsImported {
            user_id,
            settings,
            created_at,
            ..
        } = change
        {
            *row = Some(PomodoroSettingsRow {
                id: event.aggregate_id.clone(),
                user_id: user_id.to_string(),
                work_duration: i64::from(settings.work_duration),
                short_break_duration: i64::from(settings.short_break_duration),
                long_break_duration: i64::from(settings.long_break_duration),
                sessions_until_long_break: i64::from(settings.sessions_until_long_break),
                auto_start_breaks: Flag(settings.auto_start_breaks),
                auto_start_pomodoros: Flag(settings.auto_start_pomodoros),
                sound_enabled: Flag(settings.sound_enabled),
                version: event.sequence,
                created_at: created_at.to_rfc3339(),
                updated_at,
            });
            return;
        }
        let Some(row) = row else { return };
        match change {
            PomodoroWorkDurationChanged { to, .. } => row.work_duration = i64::from(to),
            PomodoroShortBreakDurationChanged { to, .. } => row.short_break_duration = i64::from(to),
            PomodoroLongBreakDurationChanged { to, .. } => row.long_break_duration = i64::from(to),
            PomodoroLongBreakRhythmChanged { to, .. } => row.sessions_until_long_break = i64::from(to),
            PomodoroAutoStartBreaksChanged { to, .. } => row.auto_start_breaks = Flag(to),
            PomodoroAutoStartPomodorosChanged { to, .. } => row.auto_start_pomodoros = Flag(to),
            PomodoroSoundChanged { to, .. } => row.sound_enabled = Flag(to),
            // Sessions have their own table; here they only move the version.
            PomodoroOpened { .. }
            | PomodoroSettingsImported { .. }
            | PomodoroStarted { .. }
            | PomodoroSessionImported { .. }
            | PomodoroCompleted { .. }
            | PomodoroCancelled { .. } => {}
        }
    }
}

/// What one event does to the row of the session it concerns (`row` is that session's).
pub fn session_step(row: &mut Option<PomodoroSessionRow>, event: &StoredEvent, change: PomodoroEvent) {
    use PomodoroEvent::*;
    let at = change.at().to_rfc3339();
    match change {
        PomodoroStarted {
            session_id,
            session_type,
            duration_minutes,
            task_id,
            notes,
            ..
        } => {
            *row = Some(PomodoroSessionRow {
                id: session_id.to_string(),
                user_id: event.owner_id.clone().unwrap_or_default(),
                r#type: session_type.as_str().to_string(),
                duration_minutes: i64::from(duration_minutes),
                started_at: at.clone(),
                ended_at: None,
                completed: Flag(false),
                task_id: task_id.map(|t| t.to_string()),
                notes,
                cancel_reason: None,
                version: event.sequence,
                created_at: at.clone(),
                updated_at: at,
            });
            return;
        }
        PomodoroSessionImported {
            session_id,
            session_type,
            duration_minutes,
            task_id,
            notes,
            started_at,
            ended_at,
            completed,
            created_at,
            ..
        } => {
            *row = Some(PomodoroSessionRow {
                id: session_id.to_string(),
                user_id: event.owner_id.clone().unwrap_or_default(),
                r#type: session_type.as_str().to_string(),
                duration_minutes: i64::from(duration_minutes),
                started_at: started_at.to_rfc3339(),
                ended_at: ended_at.map(|e| e.to_rfc3339()),
                completed: Flag(completed),
                task_id: task_id.map(|t| t.to_string()),
                notes,
                cancel_reason: None,
                version: event.sequence,
                created_at: created_at.to_rfc3339(),
                updated_at: at,
            });
            return;
        }
        PomodoroCompleted { .. } | PomodoroCancelled { .. } => {}
        _ => return,
    }
    let Some(row) = row else { return };
    if let PomodoroCancelled { reason, .. } = change {
        row.cancel_reason = reason;
    } else {
        row.completed = Flag(true);
    }
    row.ended_at = Some(at.clone());
    row.stamp(event.sequence, at);
}

/// A session as it was once the events of its stream recorded up to `at` had happened;
/// `None` before it started.
pub fn session_as_of(
    events: &[StoredEvent],
    session_id: &str,
    at: Timestamp,
) -> Result<Option<PomodoroSessionRow>, ProjectionError> {
    let at = at.to_rfc3339();
    let mut row = None;
    for event in events.iter().filter(|e| e.recorded_at <= at) {
        let change: PomodoroEvent = decode(event)?;
        if change.session_id().is_some_and(|id| id.to_string() == session_id) {
            session_step(&mut row, event, change);
        }
    }
    Ok(row)
}

/// Keeps `pomodoro_sessions` from the pomodoro streams.
pub struct PomodoroSessionsProjector;

#[async_trait]
impl Projector for PomodoroSessionsProjector {
    fn name(&self) -> &'static str {
        "pomodoro_sessions"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["pomodoro_sessions"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "pomodoro"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// Each session touched is read once (unless the batch starts it) and written once.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let mut changes = Vec::new();
        for event in events {
            let change: PomodoroEvent = decode(event)?;
            if let Some(id) = change.session_id() {
                changes.push((*event, id.to_string(), change));
            }
        }
        let mut rows: HashMap<String, Option<PomodoroSessionRow>> = HashMap::new();
        let wanted: Vec<&str> = changes
            .iter()
            .filter(|(_, _, c)| {
                !matches!(
                    c,
                    PomodoroEvent::PomodoroStarted { .. } | PomodoroEvent::PomodoroSessionImported { .. }
                )
            })
            .map(|(_, id, _)| id.as_str())
            .collect();
        for row in table::get_many::<PomodoroSessionRow>(conn, &wanted).await? {
            rows.insert(row.id.clone(), Some(row));
        }
        for (event, id, change) in changes {
            session_step(rows.entry(id).or_default(), event, change);
        }
        let live: Vec<&PomodoroSessionRow> = rows.values().flatten().collect();
        table::upsert(conn, &live).await
    }
}

/// Filters of `GET /pomodoro/sessions`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Started on or after this instant.
    pub from: Option<String>,
    /// Started before this instant.
    pub before: Option<String>,
    pub task_id: Option<String>,
    pub session_type: Option<String>,
}

/// One page of the caller's sessions, latest started first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &SessionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<PomodoroSessionRow>::owned_by(user);
    page.order = "started_at desc, id desc";
    page.and_some("started_at >= ?", filter.from.as_ref().map(Arg::from))
        .and_some("started_at < ?", filter.before.as_ref().map(Arg::from))
        .and_some("task_id = ?", filter.task_id.as_ref().map(Arg::from))
        .and_some("type = ?", filter.session_type.as_ref().map(Arg::from));
    page.page_json(db, limit, offset).await
}

/// The caller's latest started session (the running one, if any runs: a session starts only
/// once the one before it has ended).
pub async fn latest(ex: &mut impl Executor, user: &str) -> Result<Option<PomodoroSessionRow>, sqlx::Error> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "select {} from pomodoro_sessions where user_id = $1 order by started_at desc, id desc limit 1",
            PomodoroSessionRow::sql().list
        )
    });
    ex.fetch_optional(sql, &args![user]).await
}
