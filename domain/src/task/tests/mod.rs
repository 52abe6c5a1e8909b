//! Given/when/then tests for the Task aggregate and its value types, one file per concern; this
//! module holds the fixtures they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::entity::EntityError;

mod board_moves;
mod create;
mod goals;
mod lifecycle;
mod ownership;
mod pomodoros;
mod projects;
mod stored_events;
mod update;
mod values;

type TaskTester = TestFramework<Task>;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const TASK_ID: TaskId = TaskId(Uuid::from_u128(0x7a5c));
const FOLDER: FolderId = FolderId(Uuid::from_u128(0xf01d));
const OTHER_FOLDER: FolderId = FolderId(Uuid::from_u128(0xf02d));
const PROJECT: ProjectId = ProjectId(Uuid::from_u128(0x9e0c));
const BOARD: BoardId = BoardId(Uuid::from_u128(0xb0a2d));

/// When the task was created.
fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

/// When the command under test is stamped.
fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: TaskCommand) -> Stamped<TaskCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: TaskCommand) -> Stamped<TaskCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn tags(raw: &[&str]) -> Tags {
    Tags::parse(raw).unwrap()
}

fn strings(raw: &[&str]) -> Vec<String> {
    raw.iter().map(|s| s.to_string()).collect()
}

/// A new task with every field filled in.
fn full_new_task() -> NewTask {
    NewTask {
        id: TASK_ID,
        title: Title::parse("  Write the report  ").unwrap(),
        description: Some(Description::parse("Quarterly numbers").unwrap()),
        status: TaskStatus::Todo,
        priority: Priority::parse(3).unwrap(),
        due_date: Some(DueDate::parse("2026-02-01").unwrap()),
        folder_id: Some(FOLDER),
        project_id: Some(PROJECT),
        estimated_minutes: Some(Minutes::parse(90).unwrap()),
        actual_minutes: Some(Minutes::parse(15).unwrap()),
        tags: tags(&["work", "q1"]),
    }
}

/// The event an owner's task starts from in the tests below.
fn created_with_status(status: TaskStatus) -> TaskEvent {
    TaskEvent::TaskCreated {
        task_id: TASK_ID,
        user_id: OWNER,
        title: "Write the report".into(),
        description: Some("Quarterly numbers".into()),
        status,
        priority: 2,
        due_date: Some("2026-02-01".into()),
        folder_id: Some(FOLDER),
        project_id: None,
        estimated_minutes: Some(30),
        actual_minutes: None,
        tags: strings(&["work", "q1"]),
        at: t0(),
    }
}

fn created() -> TaskEvent {
    created_with_status(TaskStatus::Pending)
}

fn deleted() -> TaskEvent {
    TaskEvent::TaskDeleted { at: t0() }
}

fn completed() -> TaskEvent {
    TaskEvent::TaskCompleted {
        from: TaskStatus::Pending,
        at: t0(),
    }
}

fn replay(events: impl IntoIterator<Item = TaskEvent>) -> Task {
    let mut task = Task::default();
    for event in events {
        task.apply(event);
    }
    task
}

/// Runs `command` against a task rebuilt from `given` and returns what it decided.
async fn decide(given: Vec<TaskEvent>, command: Stamped<TaskCommand>) -> Result<Vec<TaskEvent>, TaskError> {
    TaskTester::with(())
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}

/// The command moving the task to `column_id` of the board.
fn move_to(column_id: &str, position: u32, status: Option<TaskStatus>) -> TaskCommand {
    TaskCommand::MoveOnBoard {
        board_id: BOARD,
        column_id: column_id.into(),
        position,
        status,
    }
}

async fn update_of_created(changes: TaskChanges) -> Result<Vec<TaskEvent>, TaskError> {
    decide(vec![created()], as_owner(TaskCommand::Update(changes))).await
}
