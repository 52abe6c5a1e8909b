//! Legacy `pomodoro_sessions` and `pomodoro_settings` rows: each user's go into the stream
//! Joan keeps a user's pomodoro in (named by the user). It opens with a
//! `PomodoroSettingsImported` holding the old settings row (its id is not kept: the stream is
//! the user's), or, for a user without one, with the default settings at the first session's
//! time; then a `PomodoroSessionImported` per session by start. A session keeps its id, type,
//! length, task, notes, times and outcome; one that never ended runs.
use std::collections::{BTreeMap, HashSet};

use joan_domain::pomodoro::{
    LongBreakEvery, PomodoroEvent, PomodoroSettings, SessionMinutes, SessionNotes, SessionType,
};
use joan_domain::{PomodoroId, PomodoroSessionId, Timestamp, UserId};

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::known::Known;
use super::report::{BadRow, TableReport};
use super::rules::{self, References, parsed};
use super::source::Record;

/// A checked session: its owner, when it started, its event, the references it lost.
struct Session {
    owner: UserId,
    started_at: Timestamp,
    event: PomodoroEvent,
    dropped: Vec<BadRow>,
}

fn check(record: &Record, known: &Known) -> Result<Session, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let kind = record.text("type")?.unwrap_or("work");
    let session_type = SessionType::parse(kind).map_err(|e| format!("type {kind:?}: {e}"))?;
    let minutes = record
        .integer("duration_minutes")?
        .ok_or("duration_minutes is missing")?;
    let duration_minutes = parsed("duration_minutes", SessionMinutes::parse(minutes))?;
    let notes = rules::optional(record, "notes", SessionNotes::parse)?;
    let started_at = record.timestamp("started_at")?;
    let ended_at = record.timestamp_opt("ended_at")?;
    if ended_at.is_some_and(|end| end < started_at) {
        return Err("ended_at is before started_at".into());
    }
    let completed = record.flag("completed", false)?;
    if completed && ended_at.is_none() {
        return Err("completed without an ended_at".into());
    }
    let mut references = References::new(record, "pomodoro_sessions", Some(owner));
    let task_id = references.keep("task_id", "tasks", known)?;
    let created_at = record.timestamp_opt("created_at")?.unwrap_or(started_at);
    Ok(Session {
        owner,
        started_at,
        event: PomodoroEvent::PomodoroSessionImported {
            session_id: PomodoroSessionId::from(id),
            session_type,
            duration_minutes: duration_minutes.into(),
            task_id: task_id.map(Into::into),
            notes: notes.map(String::from),
            started_at,
            ended_at,
            completed,
            created_at,
            at: record.timestamp_opt("updated_at")?.or(ended_at).unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}

/// A checked settings row: its owner, its opening event, when it was made.
struct Settings {
    owner: UserId,
    created_at: Timestamp,
    event: PomodoroEvent,
}

fn check_settings(record: &Record, known: &Known) -> Result<Settings, String> {
    record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let defaults = PomodoroSettings::default();
    let minutes = |column: &str, default: u32| -> Result<u32, String> {
        match record.integer(column)? {
            None => Ok(default),
            Some(m) => parsed(column, SessionMinutes::parse(m)).map(u32::from),
        }
    };
    let every = match record.integer("sessions_until_long_break")? {
        None => defaults.sessions_until_long_break,
        Some(n) => parsed("sessions_until_long_break", LongBreakEvery::parse(n))?.into(),
    };
    let settings = PomodoroSettings {
        work_duration: minutes("work_duration", defaults.work_duration)?,
        short_break_duration: minutes("short_break_duration", defaults.short_break_duration)?,
        long_break_duration: minutes("long_break_duration", defaults.long_break_duration)?,
        sessions_until_long_break: every,
        auto_start_breaks: record.flag("auto_start_breaks", defaults.auto_start_breaks)?,
        auto_start_pomodoros: record.flag("auto_start_pomodoros", defaults.auto_start_pomodoros)?,
        sound_enabled: record.flag("sound_enabled", defaults.sound_enabled)?,
    };
    let created_at = record.timestamp("created_at")?;
    Ok(Settings {
        owner,
        created_at,
        event: PomodoroEvent::PomodoroSettingsImported {
            pomodoro_id: PomodoroId::of(owner),
            user_id: owner,
            settings,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
    })
}

/// What a user's pomodoro stream is made of.
#[derive(Default)]
struct UserPomodoro {
    settings: Option<Settings>,
    sessions: Vec<Session>,
}

/// The reports of the two tables.
pub struct Reports<'r> {
    pub sessions: &'r mut TableReport,
    pub settings: &'r mut TableReport,
}

/// Checks every settings row and session and adds each user's, in one stream, to `batches`.
/// A user whose pomodoro stream is in Joan already gets none (an earlier run took them in,
/// or they used Joan's timer first: the report counts their rows as there).
pub fn plan(
    sessions: &[Record],
    settings: &[Record],
    known: &Known,
    stamp: &Stamp,
    reports: Reports<'_>,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let mut by_user: BTreeMap<UserId, UserPomodoro> = BTreeMap::new();
    for record in settings {
        match check_settings(record, known) {
            Ok(row) => {
                let user = by_user.entry(row.owner).or_default();
                if user.settings.is_some() {
                    reports
                        .settings
                        .refuse(record.id(), "the user has another row of pomodoro_settings");
                } else {
                    user.settings = Some(row);
                }
            }
            Err(reason) => reports.settings.refuse(record.id(), reason),
        }
    }
    let mut seen = HashSet::new();
    for record in sessions {
        match check(record, known) {
            Ok(_) if !seen.insert(record.id()) => reports.sessions.refuse(record.id(), "the id is used twice"),
            Ok(session) => by_user.entry(session.owner).or_default().sessions.push(session),
            Err(reason) => reports.sessions.refuse(record.id(), reason),
        }
    }
    for (owner, user) in by_user {
        let id = owner.to_string();
        let (count, has_settings) = (user.sessions.len() as u64, u64::from(user.settings.is_some()));
        if known.exists("pomodoro", &id) {
            reports.sessions.already += count;
            reports.settings.already += has_settings;
            continue;
        }
        let mut sessions = user.sessions;
        sessions.sort_by_key(|s| s.started_at);
        let first_session = sessions.first().map(|s| s.started_at);
        let opening = match user.settings {
            // Recorded no later than the first session, so the stream's times run forward.
            Some(row) => (
                row.event,
                first_session.map_or(row.created_at, |s| s.min(row.created_at)),
            ),
            None => {
                let Some(opened_at) = first_session else { continue };
                let opened = PomodoroEvent::PomodoroOpened {
                    pomodoro_id: PomodoroId::of(owner),
                    user_id: owner,
                    settings: PomodoroSettings::default(),
                    at: opened_at,
                };
                (opened, opened_at)
            }
        };
        let mut stream = vec![opening];
        for session in sessions {
            reports.sessions.dropped_references.extend(session.dropped);
            stream.push((session.event, session.started_at));
        }
        batches.push(stamp.stream("pomodoro", &id, &id, &stream)?, count + has_settings);
        reports.sessions.imported += count;
        reports.settings.imported += has_settings;
    }
    Ok(())
}
