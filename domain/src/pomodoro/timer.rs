//! The timer's state: the session that runs, and the long-break rhythm.
use serde::{Deserialize, Serialize};

use super::SessionType;
use crate::ids::{PomodoroSessionId, TaskId};
use crate::values::Timestamp;

/// The session that runs now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningSession {
    pub id: PomodoroSessionId,
    pub session_type: SessionType,
    pub duration_minutes: u32,
    pub task_id: Option<TaskId>,
    pub started_at: Timestamp,
}

impl RunningSession {
    /// When the session's time is up.
    pub fn ends_at(&self) -> Timestamp {
        let length = time::Duration::minutes(i64::from(self.duration_minutes));
        Timestamp::from_datetime(self.started_at.datetime() + length)
    }

    /// Whole seconds left at `now` (0 once the time is up).
    pub fn remaining_seconds(&self, now: Timestamp) -> i64 {
        (self.ends_at().datetime() - now.datetime()).whole_seconds().max(0)
    }
}

/// The long-break rhythm: which session last ran its course, and how many work sessions were
/// completed since the last completed long break. Cancelled sessions do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rhythm {
    pub last_completed: Option<SessionType>,
    pub work_since_long_break: u32,
}

impl Rhythm {
    /// Counts a session of `kind` that ran its course.
    pub fn completed(&mut self, kind: SessionType) {
        match kind {
            SessionType::Work => self.work_since_long_break += 1,
            SessionType::LongBreak => self.work_since_long_break = 0,
            SessionType::ShortBreak => {}
        }
        self.last_completed = Some(kind);
    }

    /// The session to suggest next: a break after work, a long one once `every` work
    /// sessions were completed since the last long break; work otherwise.
    pub fn suggest(&self, every: u32) -> SessionType {
        match self.last_completed {
            Some(SessionType::Work) if self.work_since_long_break >= every => SessionType::LongBreak,
            Some(SessionType::Work) => SessionType::ShortBreak,
            _ => SessionType::Work,
        }
    }
}
