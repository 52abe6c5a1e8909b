//! Given/when/then tests for the Folder aggregate and its value types, one file per concern;
//! this module holds the fixtures they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod create;
mod delete;
mod moves;
mod ownership;
mod update;
mod values;

type FolderTester = TestFramework<Folder>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const FOLDER: FolderId = FolderId(Uuid::from_u128(0xf01d));
const PARENT: FolderId = FolderId(Uuid::from_u128(0xf0a0));
const CHILD: FolderId = FolderId(Uuid::from_u128(0xf0c1));
const GRANDCHILD: FolderId = FolderId(Uuid::from_u128(0xf0c2));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: FolderCommand) -> Stamped<FolderCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: FolderCommand) -> Stamped<FolderCommand> {
    Stamped::new(STRANGER, t1(), command)
}

/// `FOLDER`, at the top of the tree.
fn created() -> FolderEvent {
    FolderEvent::FolderCreated {
        folder_id: FOLDER,
        user_id: OWNER,
        parent_id: None,
        name: "Work".into(),
        description: None,
        color: None,
        icon: None,
        position: 0,
        at: t0(),
    }
}

fn deleted() -> FolderEvent {
    FolderEvent::FolderDeleted { at: t0() }
}

fn move_under(id: FolderId, ancestors: &[FolderId]) -> FolderCommand {
    FolderCommand::Update(FolderChanges {
        parent: Some(Some(Parent {
            id,
            ancestors: ancestors.to_vec(),
        })),
        ..FolderChanges::default()
    })
}

fn to_the_top() -> FolderCommand {
    FolderCommand::Update(FolderChanges {
        parent: Some(None),
        ..FolderChanges::default()
    })
}

fn replay(events: impl IntoIterator<Item = FolderEvent>) -> Folder {
    let mut folder = Folder::default();
    for event in events {
        folder.apply(event);
    }
    folder
}
