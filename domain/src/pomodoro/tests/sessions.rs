//! Starting, completing and cancelling: one running session at a time, lengths from the
//! settings unless given.
use super::*;

#[tokio::test]
async fn the_first_start_opens_the_stream_with_the_defaults_and_takes_their_length() {
    let events = decide(vec![], as_owner(start(SessionType::Work, None))).await.unwrap();
    assert_eq!(
        events,
        vec![
            PomodoroEvent::PomodoroOpened {
                pomodoro_id: PomodoroId::of(OWNER),
                user_id: OWNER,
                settings: PomodoroSettings::default(),
                at: t1(),
            },
            PomodoroEvent::PomodoroStarted {
                session_id: SESSION,
                session_type: SessionType::Work,
                duration_minutes: 25,
                task_id: None,
                notes: None,
                at: t1(),
            },
        ]
    );
}

#[tokio::test]
async fn a_start_without_a_length_takes_the_settings_of_its_type() {
    let changed = PomodoroEvent::PomodoroLongBreakDurationChanged {
        from: 15,
        to: 30,
        at: t0(),
    };
    for (kind, minutes) in [
        (SessionType::Work, 25),
        (SessionType::ShortBreak, 5),
        (SessionType::LongBreak, 30),
    ] {
        let events = decide(vec![opened(), changed.clone()], as_owner(start(kind, None))).await;
        assert!(
            matches!(events.as_deref(), Ok([PomodoroEvent::PomodoroStarted { duration_minutes, .. }]) if *duration_minutes == minutes),
            "{kind:?}: {events:?}"
        );
    }
}

#[tokio::test]
async fn a_length_given_wins_and_must_be_1_to_240_minutes() {
    let events = decide(vec![opened()], as_owner(start(SessionType::Work, Some(50)))).await;
    assert!(matches!(
        events.as_deref(),
        Ok([PomodoroEvent::PomodoroStarted {
            duration_minutes: 50,
            ..
        }])
    ));
    assert!(SessionMinutes::parse(1).is_ok() && SessionMinutes::parse(240).is_ok());
    for bad in [0, 241, -5] {
        assert_eq!(
            SessionMinutes::parse(bad),
            Err(crate::text::ValueError::OutOfRange(1, 240))
        );
    }
}

#[tokio::test]
async fn a_second_start_while_one_runs_is_a_conflict() {
    let given = vec![opened(), started(SESSION, SessionType::Work, 25, None)];
    let again = decide(given, as_owner(start(SessionType::ShortBreak, None))).await;
    assert_eq!(again, Err(PomodoroError::SessionRunning));
    assert_eq!(
        PomodoroError::SessionRunning.refusal(),
        Refusal::Conflict {
            code: "session_running"
        }
    );
}

#[tokio::test]
async fn once_a_session_ended_the_next_may_start() {
    let cancelled = PomodoroEvent::PomodoroCancelled {
        session_id: SESSION,
        reason: None,
        at: t0(),
    };
    for ended in [completed(SESSION, SessionType::Work, 25), cancelled] {
        let given = vec![opened(), started(SESSION, SessionType::Work, 25, None), ended];
        let next = decide(given, as_owner(start(SessionType::ShortBreak, None))).await;
        assert!(
            matches!(next.as_deref(), Ok([PomodoroEvent::PomodoroStarted { .. }])),
            "{next:?}"
        );
    }
}

#[tokio::test]
async fn completing_carries_the_session_and_its_task() {
    let given = vec![opened(), started(SESSION, SessionType::Work, 25, Some(TASK))];
    let done = decide(given, as_owner(PomodoroCommand::Complete)).await.unwrap();
    let expected = PomodoroEvent::PomodoroCompleted {
        session_id: SESSION,
        session_type: SessionType::Work,
        duration_minutes: 25,
        task_id: Some(TASK),
        at: t1(),
    };
    assert_eq!(done, vec![expected.clone()]);
    assert_eq!(expected.task_minutes(), Some((TASK, SESSION, 25)));
}

#[tokio::test]
async fn only_completed_work_linked_to_a_task_credits_minutes() {
    let break_done = PomodoroEvent::PomodoroCompleted {
        session_id: SESSION,
        session_type: SessionType::ShortBreak,
        duration_minutes: 5,
        task_id: Some(TASK),
        at: t1(),
    };
    assert_eq!(break_done.task_minutes(), None);
    assert_eq!(completed(SESSION, SessionType::Work, 25).task_minutes(), None);
    assert_eq!(started(SESSION, SessionType::Work, 25, Some(TASK)).task_minutes(), None);
}

#[tokio::test]
async fn cancelling_records_the_reason() {
    let given = vec![opened(), started(SESSION, SessionType::Work, 25, None)];
    let reason = CancelReason::parse("  phone call ").unwrap();
    let cancel = PomodoroCommand::Cancel { reason: Some(reason) };
    assert_eq!(
        decide(given, as_owner(cancel)).await,
        Ok(vec![PomodoroEvent::PomodoroCancelled {
            session_id: SESSION,
            reason: Some("phone call".into()),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn completing_or_cancelling_with_nothing_running_is_a_conflict() {
    let ended = vec![
        opened(),
        started(SESSION, SessionType::Work, 25, None),
        completed(SESSION, SessionType::Work, 25),
    ];
    for given in [vec![], vec![opened()], ended] {
        for command in [PomodoroCommand::Complete, PomodoroCommand::Cancel { reason: None }] {
            let refused = decide(given.clone(), as_owner(command)).await;
            assert_eq!(refused, Err(PomodoroError::NoRunningSession));
        }
    }
    assert_eq!(
        PomodoroError::NoRunningSession.refusal(),
        Refusal::Conflict {
            code: "no_running_session"
        }
    );
}

#[tokio::test]
async fn another_users_stream_refuses_them() {
    let command = Stamped::new(STRANGER, t1(), start(SessionType::Work, None));
    let refused = decide(vec![opened()], command).await;
    assert_eq!(refused, Err(PomodoroError::Entity(EntityError::NotFound)));
}

#[test]
fn remaining_time_counts_down_from_the_start_and_stops_at_zero() {
    let running = replay([opened(), started(SESSION, SessionType::Work, 25, None)])
        .running
        .unwrap();
    assert_eq!(running.ends_at(), Timestamp::parse("2026-01-01T09:25:00Z").unwrap());
    let at = |text| Timestamp::parse(text).unwrap();
    assert_eq!(running.remaining_seconds(at("2026-01-01T09:00:00Z")), 1500);
    assert_eq!(running.remaining_seconds(at("2026-01-01T09:24:59.5Z")), 0);
    assert_eq!(running.remaining_seconds(at("2026-01-01T09:20:00Z")), 300);
    assert_eq!(running.remaining_seconds(at("2026-01-01T10:00:00Z")), 0);
}
