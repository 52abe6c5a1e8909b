//! The Pomodoro aggregate: one stream per user (its id is the user's) that owns the user's
//! timer, so "at most one running session" is decided by one aggregate and two concurrent
//! starts clash at the event store (optimistic concurrency), never through a read table.
//!
//! The stream also keeps the user's pomodoro settings (default lengths, the long-break rhythm,
//! the client's auto-start and sound switches): a start without a length takes it from them
//! inside the same decision. These settings are the only source of session lengths; the
//! `default_work_duration` / `default_break_duration` of the user settings are not read here.
//!
//! Sessions are entities within the stream (ids [`PomodoroSessionId`]); their read table is
//! kept by the projections. A completed work session linked to a task credits its minutes to
//! the task through a reaction (`TaskCommand::LogPomodoro`), see [`PomodoroEvent::task_minutes`].
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse};
use crate::ids::{PomodoroId, PomodoroSessionId, TaskId, UserId};
use crate::values::Timestamp;

mod settings;
mod timer;
mod values;
pub use settings::{PomodoroSettings, PomodoroSettingsChanges};
pub use timer::{Rhythm, RunningSession};
pub use values::{CancelReason, LongBreakEvery, SessionMinutes, SessionNotes, SessionType};

impl PomodoroId {
    /// The pomodoro stream of `user`: one per user, under the user's own UUID.
    pub fn of(user: UserId) -> Self {
        Self(user.0)
    }
}

/// A session to start: its length is the settings' for its type unless given.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    /// The session's id, chosen by the caller (a fresh UUIDv7).
    pub id: PomodoroSessionId,
    pub session_type: SessionType,
    pub duration_minutes: Option<SessionMinutes>,
    /// A task the caller may work on (checked by the caller: the aggregate does not fetch).
    pub task_id: Option<TaskId>,
    pub notes: Option<SessionNotes>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PomodoroCommand {
    Start(NewSession),
    /// Ends the running session as done.
    Complete,
    /// Ends the running session as interrupted.
    Cancel {
        reason: Option<CancelReason>,
    },
    ChangeSettings(PomodoroSettingsChanges),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(PomodoroEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum PomodoroEvent {
    /// The stream's first event, with the settings the user starts from.
    PomodoroOpened {
        pomodoro_id: PomodoroId,
        user_id: UserId,
        settings: PomodoroSettings,
        at: Timestamp,
    },
    /// The stream's first event when `joan import legacy` took in the user's old
    /// `pomodoro_settings` row: the settings it held, its `created_at` and `updated_at`
    /// (`at`). The row's own id is not kept: the stream is named by the user.
    PomodoroSettingsImported {
        pomodoro_id: PomodoroId,
        user_id: UserId,
        settings: PomodoroSettings,
        created_at: Timestamp,
        at: Timestamp,
    },
    PomodoroStarted {
        session_id: PomodoroSessionId,
        session_type: SessionType,
        duration_minutes: u32,
        task_id: Option<TaskId>,
        notes: Option<String>,
        at: Timestamp,
    },
    /// The session ran its course; it carries what the reactions need without a replay.
    PomodoroCompleted {
        session_id: PomodoroSessionId,
        session_type: SessionType,
        duration_minutes: u32,
        task_id: Option<TaskId>,
        at: Timestamp,
    },
    /// A session as the FastAPI system held it, taken in by `joan import legacy` after the
    /// stream's opening: its old times and outcome (`ended_at` none: it still runs). It
    /// credits nothing to its task: the old task's minutes came in with the task.
    PomodoroSessionImported {
        session_id: PomodoroSessionId,
        session_type: SessionType,
        duration_minutes: u32,
        task_id: Option<TaskId>,
        notes: Option<String>,
        started_at: Timestamp,
        ended_at: Option<Timestamp>,
        completed: bool,
        created_at: Timestamp,
        at: Timestamp,
    },
    /// The session was interrupted.
    PomodoroCancelled {
        session_id: PomodoroSessionId,
        reason: Option<String>,
        at: Timestamp,
    },
    PomodoroWorkDurationChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    PomodoroShortBreakDurationChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    PomodoroLongBreakDurationChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    PomodoroLongBreakRhythmChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    PomodoroAutoStartBreaksChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    PomodoroAutoStartPomodorosChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    PomodoroSoundChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
}

impl PomodoroEvent {
    pub fn at(&self) -> Timestamp {
        use PomodoroEvent::*;
        match self {
            PomodoroOpened { at, .. }
            | PomodoroSettingsImported { at, .. }
            | PomodoroStarted { at, .. }
            | PomodoroCompleted { at, .. }
            | PomodoroSessionImported { at, .. }
            | PomodoroCancelled { at, .. }
            | PomodoroWorkDurationChanged { at, .. }
            | PomodoroShortBreakDurationChanged { at, .. }
            | PomodoroLongBreakDurationChanged { at, .. }
            | PomodoroLongBreakRhythmChanged { at, .. }
            | PomodoroAutoStartBreaksChanged { at, .. }
            | PomodoroAutoStartPomodorosChanged { at, .. }
            | PomodoroSoundChanged { at, .. } => *at,
        }
    }

    /// The session an event concerns, if it concerns one.
    pub fn session_id(&self) -> Option<PomodoroSessionId> {
        use PomodoroEvent::*;
        match self {
            PomodoroStarted { session_id, .. }
            | PomodoroSessionImported { session_id, .. }
            | PomodoroCompleted { session_id, .. }
            | PomodoroCancelled { session_id, .. } => Some(*session_id),
            _ => None,
        }
    }

    /// The minutes a completed work session linked to a task credits to that task: the rule
    /// the task reaction follows. Breaks, cancelled sessions and unlinked ones credit nothing.
    pub fn task_minutes(&self) -> Option<(TaskId, PomodoroSessionId, u32)> {
        match self {
            PomodoroEvent::PomodoroCompleted {
                session_id,
                session_type: SessionType::Work,
                duration_minutes,
                task_id: Some(task_id),
                ..
            } => Some((*task_id, *session_id, *duration_minutes)),
            _ => None,
        }
    }
}

crate::domain_event!(PomodoroEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PomodoroError {
    #[error("pomodoro {0}")]
    Entity(#[from] EntityError),
    #[error("a session is already running; complete or cancel it first")]
    SessionRunning,
    #[error("no session is running")]
    NoRunningSession,
}

impl Refuse for PomodoroError {
    fn refusal(&self) -> Refusal {
        match self {
            PomodoroError::Entity(e) => e.refusal(),
            PomodoroError::SessionRunning => Refusal::Conflict {
                code: "session_running",
            },
            PomodoroError::NoRunningSession => Refusal::Conflict {
                code: "no_running_session",
            },
        }
    }
}

/// The decision state of one user's pomodoro.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Pomodoro {
    pub life: Lifecycle<PomodoroId>,
    pub settings: PomodoroSettings,
    pub running: Option<RunningSession>,
    pub rhythm: Rhythm,
}

impl Entity for Pomodoro {
    type Id = PomodoroId;
    fn lifecycle(&self) -> &Lifecycle<PomodoroId> {
        &self.life
    }
}

impl Pomodoro {
    /// The session type to suggest next.
    pub fn suggested_next(&self) -> SessionType {
        self.rhythm.suggest(self.settings.sessions_until_long_break)
    }

    fn decide(&self, command: PomodoroCommand, at: Timestamp) -> Result<Vec<PomodoroEvent>, PomodoroError> {
        use PomodoroEvent::*;
        match command {
            PomodoroCommand::Start(new) => {
                if self.running.is_some() {
                    return Err(PomodoroError::SessionRunning);
                }
                let minutes = new.duration_minutes.map(u32::from);
                Ok(vec![PomodoroStarted {
                    session_id: new.id,
                    session_type: new.session_type,
                    duration_minutes: minutes.unwrap_or(self.settings.minutes_for(new.session_type)),
                    task_id: new.task_id,
                    notes: new.notes.map(String::from),
                    at,
                }])
            }
            PomodoroCommand::Complete => {
                let running = self.running.as_ref().ok_or(PomodoroError::NoRunningSession)?;
                Ok(vec![PomodoroCompleted {
                    session_id: running.id,
                    session_type: running.session_type,
                    duration_minutes: running.duration_minutes,
                    task_id: running.task_id,
                    at,
                }])
            }
            PomodoroCommand::Cancel { reason } => {
                let running = self.running.as_ref().ok_or(PomodoroError::NoRunningSession)?;
                Ok(vec![PomodoroCancelled {
                    session_id: running.id,
                    reason: reason.map(String::from),
                    at,
                }])
            }
            PomodoroCommand::ChangeSettings(c) => Ok(self.settings.decide(c, at)),
        }
    }
}

impl Aggregate for Pomodoro {
    const TYPE: &'static str = "pomodoro";
    type Command = Stamped<PomodoroCommand>;
    type Event = PomodoroEvent;
    type Error = PomodoroError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), PomodoroError> {
        let Stamped { actor, at, command, .. } = cmd;
        let opened = self.life.exists();
        if opened {
            self.life.check_live(actor)?;
        }
        let decided = self.decide(command, at)?;
        // The first change of a user's pomodoro opens the stream with the defaults.
        let open = (!opened && !decided.is_empty()).then_some(PomodoroEvent::PomodoroOpened {
            pomodoro_id: PomodoroId::of(actor),
            user_id: actor,
            settings: self.settings,
            at,
        });
        for event in open.into_iter().chain(decided) {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: PomodoroEvent) {
        use PomodoroEvent::*;
        let at = event.at();
        match event {
            PomodoroOpened {
                pomodoro_id,
                user_id,
                settings,
                at: created_at,
            }
            | PomodoroSettingsImported {
                pomodoro_id,
                user_id,
                settings,
                created_at,
                ..
            } => {
                *self = Pomodoro {
                    life: Lifecycle::born(pomodoro_id, user_id, created_at),
                    settings,
                    ..Pomodoro::default()
                };
            }
            PomodoroStarted {
                session_id,
                session_type,
                duration_minutes,
                task_id,
                at,
                ..
            } => {
                self.running = Some(RunningSession {
                    id: session_id,
                    session_type,
                    duration_minutes,
                    task_id,
                    started_at: at,
                });
            }
            PomodoroCompleted { session_type, .. } => {
                self.running = None;
                self.rhythm.completed(session_type);
            }
            PomodoroCancelled { .. } => self.running = None,
            PomodoroSessionImported {
                session_id,
                session_type,
                duration_minutes,
                task_id,
                started_at,
                ended_at,
                completed,
                ..
            } => match ended_at {
                None => {
                    self.running = Some(RunningSession {
                        id: session_id,
                        session_type,
                        duration_minutes,
                        task_id,
                        started_at,
                    });
                }
                Some(_) if completed => self.rhythm.completed(session_type),
                Some(_) => {}
            },
            PomodoroWorkDurationChanged { to, .. } => self.settings.work_duration = to,
            PomodoroShortBreakDurationChanged { to, .. } => self.settings.short_break_duration = to,
            PomodoroLongBreakDurationChanged { to, .. } => self.settings.long_break_duration = to,
            PomodoroLongBreakRhythmChanged { to, .. } => self.settings.sessions_until_long_break = to,
            PomodoroAutoStartBreaksChanged { to, .. } => self.settings.auto_start_breaks = to,
            PomodoroAutoStartPomodorosChanged { to, .. } => self.settings.auto_start_pomodoros = to,
            PomodoroSoundChanged { to, .. } => self.settings.sound_enabled = to,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
