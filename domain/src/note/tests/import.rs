//! A note taken in from the old system is its owner's, with its old times.
use super::*;

fn imported() -> NoteEvent {
    NoteEvent::NoteImported {
        note_id: NOTE,
        user_id: OWNER,
        folder_id: Some(FOLDER),
        title: "Old ideas".into(),
        content: "# Old".into(),
        tags: vec!["legacy".into()],
        is_pinned: true,
        is_archived: false,
        created_at: t0(),
        at: t1(),
    }
}

#[tokio::test]
async fn an_imported_note_is_edited_by_its_owner_from_its_old_text() {
    NoteTester::with(())
        .given(vec![imported()])
        .when_async(as_owner(edit("# New")))
        .await
        .then_expect_events(vec![NoteEvent::NoteContentChanged {
            from: "# Old".into(),
            to: "# New".into(),
            at: t1(),
        }]);
    let note = replay([imported()]);
    assert_eq!(note.life.created_at, Some(t0()));
    assert_eq!(note.life.updated_at, Some(t1()));
}

#[tokio::test]
async fn a_stranger_cannot_touch_an_imported_note() {
    let result = NoteTester::with(())
        .given(vec![imported()])
        .when_async(as_stranger(edit("# Mine")))
        .await
        .inspect_result();
    assert!(result.is_err(), "{result:?}");
}
