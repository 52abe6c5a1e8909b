//! Deleting a board; commands from another user or on a board that never existed.
use super::*;

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
