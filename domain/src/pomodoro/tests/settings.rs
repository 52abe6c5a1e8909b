//! Changing the pomodoro settings: one event per setting that really changes.
use super::*;

fn change(changes: PomodoroSettingsChanges) -> PomodoroCommand {
    PomodoroCommand::ChangeSettings(changes)
}

#[tokio::test]
async fn each_real_change_is_one_event_and_the_same_value_is_none() {
    let changes = PomodoroSettingsChanges {
        work_duration: Some(SessionMinutes::parse(50).unwrap()),
        short_break_duration: Some(SessionMinutes::parse(5).unwrap()),
        sessions_until_long_break: Some(LongBreakEvery::parse(3).unwrap()),
        sound_enabled: Some(false),
        auto_start_breaks: Some(false),
        ..PomodoroSettingsChanges::default()
    };
    let events = decide(vec![opened()], as_owner(change(changes))).await.unwrap();
    assert_eq!(
        events,
        vec![
            PomodoroEvent::PomodoroWorkDurationChanged {
                from: 25,
                to: 50,
                at: t1()
            },
            PomodoroEvent::PomodoroLongBreakRhythmChanged {
                from: 4,
                to: 3,
                at: t1()
            },
            PomodoroEvent::PomodoroSoundChanged {
                from: true,
                to: false,
                at: t1()
            },
        ]
    );
}

#[tokio::test]
async fn a_change_that_changes_nothing_opens_no_stream() {
    let same = PomodoroSettingsChanges {
        work_duration: Some(SessionMinutes::parse(25).unwrap()),
        ..PomodoroSettingsChanges::default()
    };
    assert_eq!(decide(vec![], as_owner(change(same))).await, Ok(vec![]));
}

#[tokio::test]
async fn the_first_change_opens_the_stream_with_the_defaults_first() {
    let changes = PomodoroSettingsChanges {
        auto_start_pomodoros: Some(true),
        ..PomodoroSettingsChanges::default()
    };
    let events = decide(vec![], as_owner(change(changes))).await.unwrap();
    assert!(matches!(
        events.as_slice(),
        [
            PomodoroEvent::PomodoroOpened { .. },
            PomodoroEvent::PomodoroAutoStartPomodorosChanged {
                from: false,
                to: true,
                ..
            }
        ]
    ));
    let pomodoro = replay(events);
    assert!(pomodoro.settings.auto_start_pomodoros);
    assert_eq!(pomodoro.life.owner, OWNER);
}

#[tokio::test]
async fn settings_may_change_while_a_session_runs_without_touching_it() {
    let given = vec![opened(), started(SESSION, SessionType::Work, 25, None)];
    let changes = PomodoroSettingsChanges {
        work_duration: Some(SessionMinutes::parse(40).unwrap()),
        ..PomodoroSettingsChanges::default()
    };
    let mut events = given.clone();
    events.extend(decide(given, as_owner(change(changes))).await.unwrap());
    let pomodoro = replay(events);
    assert_eq!(pomodoro.settings.work_duration, 40);
    assert_eq!(pomodoro.running.map(|r| r.duration_minutes), Some(25));
}
