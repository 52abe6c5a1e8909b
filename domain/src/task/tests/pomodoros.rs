//! Minutes of completed pomodoro sessions reaching the task: counted once per session.
use super::*;
use crate::ids::PomodoroSessionId;

const SESSION: PomodoroSessionId = PomodoroSessionId(Uuid::from_u128(0x5e55));

fn log(minutes: u32) -> TaskCommand {
    TaskCommand::LogPomodoro {
        session_id: SESSION,
        minutes,
    }
}

fn logged(minutes: u32) -> TaskEvent {
    TaskEvent::TaskPomodoroLogged {
        session_id: SESSION,
        minutes,
        at: t0(),
    }
}

#[tokio::test]
async fn a_session_adds_its_minutes_to_actual_minutes() {
    let events = decide(vec![created()], as_owner(log(25))).await;
    assert_eq!(
        events,
        Ok(vec![TaskEvent::TaskPomodoroLogged {
            session_id: SESSION,
            minutes: 25,
            at: t1(),
        }])
    );
    assert_eq!(replay([created(), logged(25)]).actual_minutes, Some(25));
    let with_actual = TaskEvent::TaskActualMinutesChanged {
        from: None,
        to: Some(10),
        at: t0(),
    };
    assert_eq!(replay([created(), with_actual, logged(25)]).actual_minutes, Some(35));
    assert_eq!(logged(25).action(), "pomodoro_logged");
}

#[tokio::test]
async fn the_same_session_is_counted_once() {
    assert_eq!(decide(vec![created(), logged(25)], as_owner(log(25))).await, Ok(vec![]));
}

#[tokio::test]
async fn a_deleted_or_missing_task_refuses_the_minutes() {
    let gone = decide(vec![created(), deleted()], as_owner(log(25))).await;
    assert_eq!(gone, Err(TaskError::Entity(EntityError::Deleted)));
    let missing = decide(vec![], as_owner(log(25))).await;
    assert_eq!(missing, Err(TaskError::Entity(EntityError::NotFound)));
}

#[tokio::test]
async fn the_sessions_owner_need_not_own_the_task() {
    let as_member = Stamped::new(STRANGER, t1(), log(25));
    let events = decide(vec![created()], as_member).await;
    assert!(matches!(
        events.as_deref(),
        Ok([TaskEvent::TaskPomodoroLogged { minutes: 25, .. }])
    ));
}
