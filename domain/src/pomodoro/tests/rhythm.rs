//! The long-break rhythm: a break after work, a long one after `sessions_until_long_break`
//! completed work sessions; cancelled sessions do not count.
use super::*;

/// A stream after completing `kinds` in order (ids are irrelevant to the rhythm).
fn after(kinds: &[SessionType]) -> Pomodoro {
    let mut events = vec![opened()];
    for kind in kinds {
        events.push(started(SESSION, *kind, 1, None));
        events.push(completed(SESSION, *kind, 1));
    }
    replay(events)
}

use SessionType::{LongBreak, ShortBreak, Work};

#[test]
fn work_comes_first_and_after_every_break() {
    assert_eq!(Pomodoro::default().suggested_next(), Work);
    assert_eq!(after(&[]).suggested_next(), Work);
    assert_eq!(after(&[Work, ShortBreak]).suggested_next(), Work);
    assert_eq!(after(&[Work, Work, Work, Work, LongBreak]).suggested_next(), Work);
}

#[test]
fn after_the_fourth_work_session_the_break_is_long_then_the_count_starts_over() {
    assert_eq!(after(&[Work]).suggested_next(), ShortBreak);
    assert_eq!(
        after(&[Work, ShortBreak, Work, ShortBreak, Work]).suggested_next(),
        ShortBreak
    );
    let four = [Work, ShortBreak, Work, ShortBreak, Work, ShortBreak, Work];
    assert_eq!(after(&four).suggested_next(), LongBreak);
    assert_eq!(after(&four).rhythm.work_since_long_break, 4);
    let mut again = four.to_vec();
    again.extend([LongBreak, Work]);
    assert_eq!(after(&again).suggested_next(), ShortBreak);
    assert_eq!(after(&again).rhythm.work_since_long_break, 1);
}

#[test]
fn a_short_break_taken_instead_keeps_the_long_one_due() {
    let five = [Work, Work, Work, Work, ShortBreak, Work];
    assert_eq!(after(&five).suggested_next(), LongBreak);
}

#[test]
fn cancelled_work_does_not_count() {
    let mut events = vec![opened()];
    for _ in 0..4 {
        events.push(started(SESSION, Work, 25, None));
        events.push(PomodoroEvent::PomodoroCancelled {
            session_id: SESSION,
            reason: None,
            at: t0(),
        });
    }
    let pomodoro = replay(events);
    assert_eq!(pomodoro.rhythm.work_since_long_break, 0);
    assert_eq!(pomodoro.suggested_next(), Work);
}

#[test]
fn the_rhythm_follows_the_setting() {
    let mut pomodoro = after(&[Work, Work]);
    assert_eq!(pomodoro.suggested_next(), ShortBreak);
    pomodoro.apply(PomodoroEvent::PomodoroLongBreakRhythmChanged {
        from: 4,
        to: 2,
        at: t0(),
    });
    assert_eq!(pomodoro.suggested_next(), LongBreak);
    assert!(LongBreakEvery::parse(0).is_err() && LongBreakEvery::parse(13).is_err());
}
