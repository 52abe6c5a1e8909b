//! A user's pomodoro settings: what the stream holds, a change of them, and the events a
//! change gives.
use serde::{Deserialize, Serialize};

use super::{LongBreakEvery, PomodoroEvent, SessionMinutes, SessionType};
use crate::entity::push_change;
use crate::values::Timestamp;

/// A user's pomodoro settings, as events carry them whole (the stream's first event writes
/// the defaults out, so a replay never depends on today's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PomodoroSettings {
    pub work_duration: u32,
    pub short_break_duration: u32,
    pub long_break_duration: u32,
    /// Completed work sessions after which the suggested break is a long one.
    pub sessions_until_long_break: u32,
    pub auto_start_breaks: bool,
    pub auto_start_pomodoros: bool,
    pub sound_enabled: bool,
}

impl Default for PomodoroSettings {
    fn default() -> Self {
        Self {
            work_duration: 25,
            short_break_duration: 5,
            long_break_duration: 15,
            sessions_until_long_break: 4,
            auto_start_breaks: false,
            auto_start_pomodoros: false,
            sound_enabled: true,
        }
    }
}

impl PomodoroSettings {
    /// The default length of a session of `kind`.
    pub fn minutes_for(&self, kind: SessionType) -> u32 {
        match kind {
            SessionType::Work => self.work_duration,
            SessionType::ShortBreak => self.short_break_duration,
            SessionType::LongBreak => self.long_break_duration,
        }
    }
}

/// A partial change of the settings: `None` leaves a field alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PomodoroSettingsChanges {
    pub work_duration: Option<SessionMinutes>,
    pub short_break_duration: Option<SessionMinutes>,
    pub long_break_duration: Option<SessionMinutes>,
    pub sessions_until_long_break: Option<LongBreakEvery>,
    pub auto_start_breaks: Option<bool>,
    pub auto_start_pomodoros: Option<bool>,
    pub sound_enabled: Option<bool>,
}

impl PomodoroSettings {
    /// One event per setting that really changes, in a fixed order.
    pub(super) fn decide(&self, c: PomodoroSettingsChanges, at: Timestamp) -> Vec<PomodoroEvent> {
        use PomodoroEvent::*;
        let s = self;
        let mut out = Vec::new();
        let minutes = |m: Option<SessionMinutes>| m.map(u32::from);
        push_change(&mut out, &s.work_duration, minutes(c.work_duration), |from, to| {
            PomodoroWorkDurationChanged { from, to, at }
        });
        push_change(
            &mut out,
            &s.short_break_duration,
            minutes(c.short_break_duration),
            |from, to| PomodoroShortBreakDurationChanged { from, to, at },
        );
        push_change(
            &mut out,
            &s.long_break_duration,
            minutes(c.long_break_duration),
            |from, to| PomodoroLongBreakDurationChanged { from, to, at },
        );
        push_change(
            &mut out,
            &s.sessions_until_long_break,
            c.sessions_until_long_break.map(u32::from),
            |from, to| PomodoroLongBreakRhythmChanged { from, to, at },
        );
        push_change(&mut out, &s.auto_start_breaks, c.auto_start_breaks, |from, to| {
            PomodoroAutoStartBreaksChanged { from, to, at }
        });
        push_change(&mut out, &s.auto_start_pomodoros, c.auto_start_pomodoros, |from, to| {
            PomodoroAutoStartPomodorosChanged { from, to, at }
        });
        push_change(&mut out, &s.sound_enabled, c.sound_enabled, |from, to| {
            PomodoroSoundChanged { from, to, at }
        });
        out
    }
}
