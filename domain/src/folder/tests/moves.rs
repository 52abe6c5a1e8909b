//! Moving a folder in the tree: never under itself or its own subtree.
use super::*;

#[tokio::test]
async fn moving_a_folder_under_another_emits_folder_moved() {
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(move_under(PARENT, &[])))
        .await
        .then_expect_events(vec![FolderEvent::FolderMoved {
            from: None,
            to: Some(PARENT),
            at: t1(),
        }]);
}

#[tokio::test]
async fn moving_a_folder_under_itself_is_refused() {
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(move_under(FOLDER, &[])))
        .await
        .then_expect_error(FolderError::Cycle);
}

#[tokio::test]
async fn moving_a_folder_under_its_child_or_grandchild_is_refused() {
    // CHILD sits under FOLDER; GRANDCHILD under CHILD.
    for (parent, ancestors) in [(CHILD, vec![FOLDER]), (GRANDCHILD, vec![CHILD, FOLDER])] {
        FolderTester::with(())
            .given(vec![created()])
            .when_async(as_owner(move_under(parent, &ancestors)))
            .await
            .then_expect_error(FolderError::Cycle);
    }
}

#[tokio::test]
async fn a_refused_move_changes_nothing_else_in_the_same_update() {
    let mut changes = FolderChanges {
        name: Some(FolderName::parse("Renamed").unwrap()),
        ..FolderChanges::default()
    };
    changes.parent = Some(Some(Parent {
        id: FOLDER,
        ancestors: vec![],
    }));
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(FolderCommand::Update(changes)))
        .await
        .then_expect_error(FolderError::Cycle);
}

#[tokio::test]
async fn moving_to_the_top_emits_folder_moved_to_none_and_staying_emits_nothing() {
    let under = FolderEvent::FolderMoved {
        from: None,
        to: Some(PARENT),
        at: t0(),
    };
    FolderTester::with(())
        .given(vec![created(), under.clone()])
        .when_async(as_owner(to_the_top()))
        .await
        .then_expect_events(vec![FolderEvent::FolderMoved {
            from: Some(PARENT),
            to: None,
            at: t1(),
        }]);
    FolderTester::with(())
        .given(vec![created(), under])
        .when_async(as_owner(move_under(PARENT, &[])))
        .await
        .then_expect_events(vec![]);
}

#[test]
fn a_cycle_is_an_invalid_parent_id() {
    assert_eq!(FolderError::Cycle.refusal(), Refusal::Invalid { field: "parent_id" });
}
