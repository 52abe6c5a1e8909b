//! Deleting a folder: only an empty one.
use super::*;

#[tokio::test]
async fn deleting_an_empty_folder_emits_folder_deleted() {
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(FolderCommand::Delete { contents: 0 }))
        .await
        .then_expect_events(vec![FolderEvent::FolderDeleted { at: t1() }]);
}

#[tokio::test]
async fn deleting_a_folder_that_holds_anything_is_a_conflict() {
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(FolderCommand::Delete { contents: 2 }))
        .await
        .then_expect_error(FolderError::NotEmpty);
    assert_eq!(
        FolderError::NotEmpty.refusal(),
        Refusal::Conflict {
            code: "folder_not_empty"
        }
    );
}

#[test]
fn a_deleted_folder_is_marked_deleted() {
    assert!(replay([created(), deleted()]).life.deleted);
}
