//! Given/when/then tests for the Pomodoro aggregate, one file per concern; this module holds
//! the fixtures they share.
use cqrs_es::Aggregate;
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

mod import;
mod rhythm;
mod sessions;
mod settings;

type PomodoroTester = TestFramework<Pomodoro>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const SESSION: PomodoroSessionId = PomodoroSessionId(Uuid::from_u128(0x5e55));
const TASK: TaskId = TaskId(Uuid::from_u128(0x7a5c));

/// When the stream was opened.
fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

/// When the command under test is stamped.
fn t1() -> Timestamp {
    Timestamp::parse("2026-01-01T09:30:00Z").unwrap()
}

fn as_owner(command: PomodoroCommand) -> Stamped<PomodoroCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn opened() -> PomodoroEvent {
    PomodoroEvent::PomodoroOpened {
        pomodoro_id: PomodoroId::of(OWNER),
        user_id: OWNER,
        settings: PomodoroSettings::default(),
        at: t0(),
    }
}

fn start(kind: SessionType, minutes: Option<i64>) -> PomodoroCommand {
    PomodoroCommand::Start(NewSession {
        id: SESSION,
        session_type: kind,
        duration_minutes: minutes.map(|m| SessionMinutes::parse(m).unwrap()),
        task_id: None,
        notes: None,
    })
}

fn started(id: PomodoroSessionId, kind: SessionType, minutes: u32, task_id: Option<TaskId>) -> PomodoroEvent {
    PomodoroEvent::PomodoroStarted {
        session_id: id,
        session_type: kind,
        duration_minutes: minutes,
        task_id,
        notes: None,
        at: t0(),
    }
}

fn completed(id: PomodoroSessionId, kind: SessionType, minutes: u32) -> PomodoroEvent {
    PomodoroEvent::PomodoroCompleted {
        session_id: id,
        session_type: kind,
        duration_minutes: minutes,
        task_id: None,
        at: t0(),
    }
}

fn replay(events: impl IntoIterator<Item = PomodoroEvent>) -> Pomodoro {
    let mut pomodoro = Pomodoro::default();
    for event in events {
        pomodoro.apply(event);
    }
    pomodoro
}

/// Runs `command` against a pomodoro rebuilt from `given` and returns what it decided.
async fn decide(
    given: Vec<PomodoroEvent>,
    command: Stamped<PomodoroCommand>,
) -> Result<Vec<PomodoroEvent>, PomodoroError> {
    PomodoroTester::with(())
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}
