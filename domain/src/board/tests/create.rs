//! Creating a board, and the columns it starts with.
use super::*;

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
    assert_eq!(board.life.owner, OWNER);
    assert_eq!(board.life.id, Some(BOARD_ID));
    assert_eq!(board.life.created_at, Some(t0()));
    assert_eq!(
        board.column("completed").and_then(Column::status),
        Some(TaskStatus::Completed)
    );
    assert_eq!(board.column("nope"), None);
}
