//! Sessions taken in from the old system: one that never ended runs, finished ones count in
//! the rhythm.
use super::*;

fn imported(ended: bool, completed: bool) -> PomodoroEvent {
    PomodoroEvent::PomodoroSessionImported {
        session_id: SESSION,
        session_type: SessionType::Work,
        duration_minutes: 25,
        task_id: Some(TASK),
        notes: None,
        started_at: t0(),
        ended_at: ended.then(t0),
        completed,
        created_at: t0(),
        at: t0(),
    }
}

#[tokio::test]
async fn an_imported_session_that_never_ended_runs_and_can_be_completed() {
    PomodoroTester::with(())
        .given(vec![opened(), imported(false, false)])
        .when_async(as_owner(PomodoroCommand::Complete))
        .await
        .then_expect_events(vec![PomodoroEvent::PomodoroCompleted {
            session_id: SESSION,
            session_type: SessionType::Work,
            duration_minutes: 25,
            task_id: Some(TASK),
            at: t1(),
        }]);
}

#[test]
fn an_imported_completed_session_counts_in_the_rhythm_and_leaves_nothing_running() {
    let pomodoro = replay([opened(), imported(true, true)]);
    assert_eq!(pomodoro.running, None);
    assert_eq!(pomodoro.suggested_next(), SessionType::ShortBreak);
    let cancelled = replay([opened(), imported(true, false)]);
    assert_eq!(cancelled.suggested_next(), SessionType::Work);
}

#[tokio::test]
async fn a_start_after_imported_settings_takes_their_length_and_opens_nothing_again() {
    let settings = PomodoroSettings {
        work_duration: 50,
        ..PomodoroSettings::default()
    };
    let imported = PomodoroEvent::PomodoroSettingsImported {
        pomodoro_id: PomodoroId::of(OWNER),
        user_id: OWNER,
        settings,
        created_at: t0(),
        at: t0(),
    };
    PomodoroTester::with(())
        .given(vec![imported])
        .when_async(as_owner(start(SessionType::Work, None)))
        .await
        .then_expect_events(vec![PomodoroEvent::PomodoroStarted {
            session_id: SESSION,
            session_type: SessionType::Work,
            duration_minutes: 50,
            task_id: None,
            notes: None,
            at: t1(),
        }]);
}
