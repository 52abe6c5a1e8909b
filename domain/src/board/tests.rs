//! Given/when/then tests for the Board aggregate and its value types.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::task::{TaskStatus, ValueError};

type BoardTester = TestFramework<Board>;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const BOARD_ID: Uuid = Uuid::from_u128(0xb0a2d);
const PROJECT: Uuid = Uuid::from_u128(0x9e0c);

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

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn creating_a_board_emits_board_created_with_every_field() {
    let new = NewBoard {
        id: BOARD_ID,
        name: BoardName::parse("  Sprint 12 ").unwrap(),
        description: Some(Description::parse("Two weeks").unwrap()),
        project_id: Some(PROJECT),
        columns: Columns::parse(two_columns()).unwrap(),
        settings: BoardSettings::parse(json!({"wip_limit": 3})).unwrap(),
    };
    BoardTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(BoardCommand::Create(new)))
        .await
        .then_expect_events(vec![BoardEvent::BoardCreated {
            board_id: BOARD_ID,
            user_id: OWNER,
            name: "Sprint 12".into(),
            description: Some("Two weeks".into()),
            project_id: Some(PROJECT),
            columns: two_columns(),
            settings: settings(json!({"wip_limit": 3})),
            at: t1(),
        }]);
}

#[tokio::test]
async fn a_board_created_without_columns_gets_todo_in_progress_and_completed() {
    let new = NewBoard {
        id: BOARD_ID,
        name: BoardName::parse("Sprint 12").unwrap(),
        ..NewBoard::default()
    };
    BoardTester::with(())
        .given_no_previous_events()
        .when_async(Stamped::new(OWNER, t0(), BoardCommand::Create(new)))
        .await
        .then_expect_events(vec![created()]);
    let standard: Vec<Column> = Columns::standard().into();
    let ids: Vec<(&str, Option<TaskStatus>)> = standard.iter().map(|c| (c.id(), c.status())).collect();
    assert_eq!(
        ids,
        [
            ("todo", Some(TaskStatus::Todo)),
            ("in_progress", Some(TaskStatus::InProgress)),
            ("completed", Some(TaskStatus::Completed)),
        ]
    );
}

#[tokio::test]
async fn creating_an_existing_board_is_rejected() {
    BoardTester::with(())
        .given(vec![created()])
        .when_async(as_owner(BoardCommand::Create(NewBoard::default())))
        .await
        .then_expect_error(BoardError::AlreadyExists);
}

#[test]
fn a_created_board_belongs_to_its_creator() {
    let board = replay([created()]);
    assert_eq!(board.owner, OWNER);
    assert_eq!(board.id, Some(BOARD_ID));
    assert_eq!(board.created_at, Some(t0()));
    assert_eq!(
        board.column("completed").and_then(Column::status),
        Some(TaskStatus::Completed)
    );
    assert_eq!(board.column("nope"), None);
}

// ---------------------------------------------------------------------------------------------
// Update
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn renaming_a_board_emits_board_renamed_from_and_to() {
    BoardTester::with(())
        .given(vec![created()])
        .when_async(as_owner(rename("Sprint 13")))
        .await
        .then_expect_events(vec![BoardEvent::BoardRenamed {
            from: "Sprint 12".into(),
            to: "Sprint 13".into(),
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_update_of_every_field_emits_one_event_per_field_in_a_fixed_order() {
    let changes = BoardChanges {
        name: Some(BoardName::parse("Sprint 13").unwrap()),
        description: Some(Some(Description::parse("Now three weeks").unwrap())),
        project_id: Some(Some(PROJECT)),
        columns: Some(Columns::parse(two_columns()).unwrap()),
        settings: Some(BoardSettings::parse(json!({"theme": "dark"})).unwrap()),
    };
    BoardTester::with(())
        .given(vec![created()])
        .when_async(as_owner(BoardCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            BoardEvent::BoardRenamed {
                from: "Sprint 12".into(),
                to: "Sprint 13".into(),
                at: t1(),
            },
            BoardEvent::BoardDescriptionChanged {
                from: None,
                to: Some("Now three weeks".into()),
                at: t1(),
            },
            BoardEvent::BoardProjectChanged {
                from: None,
                to: Some(PROJECT),
                at: t1(),
            },
            BoardEvent::BoardColumnsChanged {
                from: Columns::standard().into(),
                to: two_columns(),
                at: t1(),
            },
            BoardEvent::BoardSettingsChanged {
                from: Map::new(),
                to: settings(json!({"theme": "dark"})),
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn clearing_the_description_emits_a_change_to_none() {
    let given = vec![
        created(),
        BoardEvent::BoardDescriptionChanged {
            from: None,
            to: Some("x".into()),
            at: t0(),
        },
    ];
    BoardTester::with(())
        .given(given)
        .when_async(as_owner(BoardCommand::Update(BoardChanges {
            description: Some(None),
            ..BoardChanges::default()
        })))
        .await
        .then_expect_events(vec![BoardEvent::BoardDescriptionChanged {
            from: Some("x".into()),
            to: None,
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_update_that_changes_nothing_emits_nothing() {
    let same = BoardChanges {
        name: Some(BoardName::parse(" Sprint 12 ").unwrap()),
        description: Some(None),
        project_id: Some(None),
        columns: Some(Columns::standard()),
        settings: Some(BoardSettings::default()),
    };
    for changes in [same, BoardChanges::default()] {
        BoardTester::with(())
            .given(vec![created()])
            .when_async(as_owner(BoardCommand::Update(changes)))
            .await
            .then_expect_events(vec![]);
    }
}

#[tokio::test]
async fn reordering_the_columns_is_a_change() {
    let mut reversed: Vec<Column> = Columns::standard().into();
    reversed.reverse();
    BoardTester::with(())
        .given(vec![created()])
        .when_async(as_owner(BoardCommand::Update(BoardChanges {
            columns: Some(Columns::parse(reversed.clone()).unwrap()),
            ..BoardChanges::default()
        })))
        .await
        .then_expect_events(vec![BoardEvent::BoardColumnsChanged {
            from: Columns::standard().into(),
            to: reversed,
            at: t1(),
        }]);
}

#[test]
fn every_change_lands_in_the_state_and_moves_the_update_time() {
    let board = replay([
        created(),
        BoardEvent::BoardRenamed {
            from: "Sprint 12".into(),
            to: "Sprint 13".into(),
            at: t1(),
        },
        BoardEvent::BoardColumnsChanged {
            from: Columns::standard().into(),
            to: two_columns(),
            at: t1(),
        },
        BoardEvent::BoardSettingsChanged {
            from: Map::new(),
            to: settings(json!({"a": 1})),
            at: t1(),
        },
    ]);
    assert_eq!(board.name, "Sprint 13");
    assert_eq!(board.columns, two_columns());
    assert_eq!(board.settings, settings(json!({"a": 1})));
    assert_eq!((board.created_at, board.updated_at), (Some(t0()), Some(t1())));
}

// ---------------------------------------------------------------------------------------------
// Delete, ownership and existence
// ---------------------------------------------------------------------------------------------

fn every_command_on_an_existing_board() -> Vec<BoardCommand> {
    vec![
        rename("Mine now"),
        BoardCommand::Update(BoardChanges::default()),
        BoardCommand::Delete,
    ]
}

#[tokio::test]
async fn deleting_a_board_emits_board_deleted() {
    BoardTester::with(())
        .given(vec![created()])
        .when_async(as_owner(BoardCommand::Delete))
        .await
        .then_expect_events(vec![BoardEvent::BoardDeleted { at: t1() }]);
}

#[tokio::test]
async fn nothing_changes_a_deleted_board() {
    for command in every_command_on_an_existing_board() {
        BoardTester::with(())
            .given(vec![created(), deleted()])
            .when_async(as_owner(command))
            .await
            .then_expect_error(BoardError::Deleted);
    }
}

#[tokio::test]
async fn another_user_sees_not_found_whatever_the_board_state() {
    for given in [vec![created()], vec![created(), deleted()]] {
        for command in every_command_on_an_existing_board() {
            BoardTester::with(())
                .given(given.clone())
                .when_async(as_stranger(command))
                .await
                .then_expect_error(BoardError::NotFound);
        }
    }
}

#[tokio::test]
async fn commands_on_a_board_that_never_existed_are_not_found() {
    for command in every_command_on_an_existing_board() {
        BoardTester::with(())
            .given_no_previous_events()
            .when_async(as_owner(command))
            .await
            .then_expect_error(BoardError::NotFound);
    }
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

#[test]
fn a_board_name_is_trimmed_and_holds_1_to_200_characters() {
    assert_eq!(String::from(BoardName::parse("  Sprint ").unwrap()), "Sprint");
    assert_eq!(BoardName::parse(" \t "), Err(ValueError::Empty));
    assert!(BoardName::parse(&"é".repeat(200)).is_ok());
    assert_eq!(BoardName::parse(&"a".repeat(201)), Err(ValueError::TooLong(200)));
}

#[test]
fn a_column_needs_an_id_of_1_to_64_and_a_name_of_1_to_100_characters() {
    let ok = Column::parse(" doing ", " Doing ", Some(TaskStatus::InProgress)).unwrap();
    assert_eq!((ok.id(), ok.name()), ("doing", "Doing"));
    assert_eq!(Column::parse("", "x", None), Err(("id", ValueError::Empty)));
    assert_eq!(
        Column::parse(&"i".repeat(65), "x", None),
        Err(("id", ValueError::TooLong(64)))
    );
    assert_eq!(Column::parse("x", " ", None), Err(("name", ValueError::Empty)));
    assert!(Column::parse("x", &"n".repeat(100), None).is_ok());
    assert_eq!(
        Column::parse("x", &"n".repeat(101), None),
        Err(("name", ValueError::TooLong(100)))
    );
}

#[test]
fn a_board_has_1_to_50_columns() {
    let many = |n: usize| (0..n).map(|i| column(&format!("c{i}"), "C", None)).collect::<Vec<_>>();
    assert_eq!(Columns::parse(vec![]), Err(BoardValueError::ColumnCount(50)));
    assert!(Columns::parse(many(1)).is_ok());
    assert!(Columns::parse(many(50)).is_ok());
    assert_eq!(Columns::parse(many(51)), Err(BoardValueError::ColumnCount(50)));
}

#[test]
fn column_ids_are_unique_within_a_board() {
    let columns = vec![
        column("a", "A", None),
        column("b", "B", None),
        column("a", "Again", None),
    ];
    assert_eq!(Columns::parse(columns), Err(BoardValueError::DuplicateColumnId(2)));
}

#[test]
fn settings_are_a_json_object_of_at_most_10_000_characters() {
    assert_eq!(BoardSettings::parse(json!([1])), Err(BoardValueError::NotAnObject));
    assert_eq!(BoardSettings::parse(json!(null)), Err(BoardValueError::NotAnObject));
    assert!(BoardSettings::parse(json!({"k": "v".repeat(9_000)})).is_ok());
    assert_eq!(
        BoardSettings::parse(json!({"k": "v".repeat(10_000)})),
        Err(BoardValueError::Value(ValueError::TooLong(10_000)))
    );
}

// ---------------------------------------------------------------------------------------------
// Events as stored
// ---------------------------------------------------------------------------------------------

fn one_of_each_event() -> Vec<BoardEvent> {
    use BoardEvent::*;
    let at = t1();
    vec![
        created(),
        BoardRenamed {
            from: "a".into(),
            to: "b".into(),
            at,
        },
        BoardDescriptionChanged {
            from: None,
            to: Some("d".into()),
            at,
        },
        BoardProjectChanged {
            from: Some(PROJECT),
            to: None,
            at,
        },
        BoardColumnsChanged {
            from: Columns::standard().into(),
            to: two_columns(),
            at,
        },
        BoardSettingsChanged {
            from: Map::new(),
            to: settings(json!({"x": [1, 2]})),
            at,
        },
        BoardDeleted { at },
    ]
}

#[test]
fn event_types_are_the_stable_variant_names_at_version_1() {
    let names: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
    assert_eq!(
        names,
        [
            "BoardCreated",
            "BoardRenamed",
            "BoardDescriptionChanged",
            "BoardProjectChanged",
            "BoardColumnsChanged",
            "BoardSettingsChanged",
            "BoardDeleted",
        ]
    );
    assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
    assert_eq!(Board::TYPE, "board");
}

#[test]
fn every_event_survives_a_json_round_trip() {
    for event in one_of_each_event() {
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            serde_json::from_value::<BoardEvent>(json.clone()).unwrap(),
            event,
            "{json}"
        );
    }
}

#[test]
fn board_created_is_stored_in_a_stable_json_shape() {
    assert_eq!(
        serde_json::to_value(created()).unwrap(),
        json!({
            "BoardCreated": {
                "board_id": BOARD_ID.to_string(),
                "user_id": OWNER.0.to_string(),
                "name": "Sprint 12",
                "description": null,
                "project_id": null,
                "columns": [
                    {"id": "todo", "name": "To do", "status": "todo"},
                    {"id": "in_progress", "name": "In progress", "status": "in_progress"},
                    {"id": "completed", "name": "Completed", "status": "completed"},
                ],
                "settings": {},
                "at": "2026-01-01T09:00:00.000000Z",
            }
        })
    );
}
