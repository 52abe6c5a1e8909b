//! Given/when/then tests for the Board aggregate and its value types, one file per concern; this
//! module holds the fixtures they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::task::{TaskStatus, ValueError};

mod create;
mod ownership;
mod stored_events;
mod update;
mod values;

type BoardTester = TestFramework<Board>;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const BOARD_ID: BoardId = BoardId(Uuid::from_u128(0xb0a2d));
const PROJECT: ProjectId = ProjectId(Uuid::from_u128(0x9e0c));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: BoardCommand) -> Stamped<BoardCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: BoardCommand) -> Stamped<BoardCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn column(id: &str, name: &str, status: Option<TaskStatus>) -> Column {
    Column::parse(id, name, status).unwrap()
}

fn two_columns() -> Vec<Column> {
    vec![
        column("backlog", "Backlog", None),
        column("done", "Done", Some(TaskStatus::Completed)),
    ]
}

fn settings(value: serde_json::Value) -> Map<String, Value> {
    BoardSettings::parse(value).unwrap().into()
}

fn created() -> BoardEvent {
    BoardEvent::BoardCreated {
        board_id: BOARD_ID,
        user_id: OWNER,
        name: "Sprint 12".into(),
        description: None,
        project_id: None,
        columns: Columns::standard().into(),
        settings: Map::new(),
        at: t0(),
    }
}

fn deleted() -> BoardEvent {
    BoardEvent::BoardDeleted { at: t0() }
}

fn replay(events: impl IntoIterator<Item = BoardEvent>) -> Board {
    let mut board = Board::default();
    for event in events {
        board.apply(event);
    }
    board
}

fn rename(to: &str) -> BoardCommand {
    BoardCommand::Update(BoardChanges {
        name: Some(BoardName::parse(to).unwrap()),
        ..BoardChanges::default()
    })
}
