//! Given/when/then tests for the Note aggregate, one file per concern; this module holds the
//! fixtures they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod create;
mod import;
mod ownership;
mod update;

type NoteTester = TestFramework<Note>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const NOTE: NoteId = NoteId(Uuid::from_u128(0x2073));
const FOLDER: FolderId = FolderId(Uuid::from_u128(0xf01d));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: NoteCommand) -> Stamped<NoteCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: NoteCommand) -> Stamped<NoteCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn created() -> NoteEvent {
    NoteEvent::NoteCreated {
        note_id: NOTE,
        user_id: OWNER,
        folder_id: None,
        title: "Ideas".into(),
        content: "# Ideas\n\n- one".into(),
        tags: vec![],
        is_pinned: false,
        is_archived: false,
        at: t0(),
    }
}

fn deleted() -> NoteEvent {
    NoteEvent::NoteDeleted { at: t0() }
}

fn edit(content: &str) -> NoteCommand {
    NoteCommand::Update(NoteChanges {
        content: Some(Content::parse(content).unwrap()),
        ..NoteChanges::default()
    })
}

fn replay(events: impl IntoIterator<Item = NoteEvent>) -> Note {
    let mut note = Note::default();
    for event in events {
        note.apply(event);
    }
    note
}
