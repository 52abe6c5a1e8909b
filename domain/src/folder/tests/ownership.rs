//! Commands from another user, on a deleted folder, or on one that never existed.
use super::*;

fn every_command_on_an_existing_folder() -> Vec<FolderCommand> {
    vec![
        move_under(PARENT, &[]),
        FolderCommand::Update(FolderChanges::default()),
        FolderCommand::Delete { contents: 0 },
    ]
}

#[tokio::test]
async fn nothing_changes_a_deleted_folder() {
    for command in every_command_on_an_existing_folder() {
        FolderTester::with(())
            .given(vec![created(), deleted()])
            .when_async(as_owner(command))
            .await
            .then_expect_error(FolderError::Entity(EntityError::Deleted));
    }
}

#[tokio::test]
async fn another_user_sees_not_found_whatever_the_folder_state() {
    for given in [vec![created()], vec![created(), deleted()]] {
        for command in every_command_on_an_existing_folder() {
            FolderTester::with(())
                .given(given.clone())
                .when_async(as_stranger(command))
                .await
                .then_expect_error(FolderError::Entity(EntityError::NotFound));
        }
    }
}

#[tokio::test]
async fn commands_on_a_folder_that_never_existed_are_not_found() {
    for command in every_command_on_an_existing_folder() {
        FolderTester::with(())
            .given_no_previous_events()
            .when_async(as_owner(command))
            .await
            .then_expect_error(FolderError::Entity(EntityError::NotFound));
    }
}
