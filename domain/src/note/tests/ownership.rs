//! Deleting a note; commands from another user, on a deleted note, or on none.
use super::*;

fn every_command_on_an_existing_note() -> Vec<NoteCommand> {
    vec![
        edit("mine now"),
        NoteCommand::Update(NoteChanges::default()),
        NoteCommand::Delete,
    ]
}

#[tokio::test]
async fn deleting_a_note_emits_note_deleted() {
    NoteTester::with(())
        .given(vec![created()])
        .when_async(as_owner(NoteCommand::Delete))
        .await
        .then_expect_events(vec![NoteEvent::NoteDeleted { at: t1() }]);
}

#[tokio::test]
async fn nothing_changes_a_deleted_note() {
    for command in every_command_on_an_existing_note() {
        NoteTester::with(())
            .given(vec![created(), deleted()])
            .when_async(as_owner(command))
            .await
            .then_expect_error(NoteError::Deleted);
    }
}

#[tokio::test]
async fn another_user_sees_not_found_whatever_the_note_state() {
    for given in [vec![created()], vec![created(), deleted()]] {
        for command in every_command_on_an_existing_note() {
            NoteTester::with(())
                .given(given.clone())
                .when_async(as_stranger(command))
                .await
                .then_expect_error(NoteError::NotFound);
        }
    }
}

#[tokio::test]
async fn commands_on_a_note_that_never_existed_are_not_found() {
    for command in every_command_on_an_existing_note() {
        NoteTester::with(())
            .given_no_previous_events()
            .when_async(as_owner(command))
            .await
            .then_expect_error(NoteError::NotFound);
    }
}
