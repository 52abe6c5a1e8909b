//! Legacy `pomodoro_sessions` rows: each user's sessions go into the stream Joan keeps a
//! user's pomodoro in (named by the user), opened with the default settings at the first
//! session's time, then a `PomodoroSessionImported` per session by start. A session keeps
//! its id, type, length, task, notes, times and outcome; one that never ended runs.
use std::collections::{BTreeMap, HashSet};

use joan_domain::pomodoro::{PomodoroEvent, PomodoroSettings, SessionMinutes, SessionNotes, SessionType};
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

/// Checks every session and adds each user's, in one stream, to `batches`. A user whose
/// pomodoro stream is in Joan already gets none (an earlier run took them in, or they used
/// Joan's timer first: the report counts them as there).
pub fn plan(
    records: &[Record],
    known: &Known,
    stamp: &Stamp,
    report: &mut TableReport,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let mut by_user: BTreeMap<UserId, Vec<Session>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for record in records {
        match check(record, known) {
            Ok(_) if !seen.insert(record.id()) => report.refuse(record.id(), "the id is used twice"),
            Ok(session) => by_user.entry(session.owner).or_default().push(session),
            Err(reason) => report.refuse(record.id(), reason),
        }
    }
    for (owner, mut sessions) in by_user {
        let id = owner.to_string();
        if known.exists("pomodoro", &id) {
            report.already += sessions.len() as u64;
            continue;
        }
        sessions.sort_by_key(|s| s.started_at);
        let Some(opened_at) = sessions.first().map(|s| s.started_at) else {
            continue;
        };
        let mut stream = vec![(
            PomodoroEvent::PomodoroOpened {
                pomodoro_id: PomodoroId::of(owner),
                user_id: owner,
                settings: PomodoroSettings::default(),
                at: opened_at,
            },
            opened_at,
        )];
        let count = sessions.len() as u64;
        for session in sessions {
            report.dropped_references.extend(session.dropped);
            stream.push((session.event, session.started_at));
        }
        batches.push(stamp.stream("pomodoro", &id, &id, &stream)?, count);
        report.imported += count;
    }
    Ok(())
}
