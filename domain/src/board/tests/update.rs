//! Updating a board's fields: one event per changed field, in a fixed order.
use super::*;

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
    assert_eq!((board.life.created_at, board.life.updated_at), (Some(t0()), Some(t1())));
}
