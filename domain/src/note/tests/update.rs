//! Edits: each one an event with the value before and after, so every version is kept.
use super::*;

#[tokio::test]
async fn every_edit_keeps_the_text_before_and_after() {
    NoteTester::with(())
        .given(vec![created()])
        .when_async(as_owner(edit("# Ideas\n\n- one\n- two")))
        .await
        .then_expect_events(vec![NoteEvent::NoteContentChanged {
            from: "# Ideas\n\n- one".into(),
            to: "# Ideas\n\n- one\n- two".into(),
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_update_emits_one_event_per_changed_field_and_none_for_the_same_value() {
    let changes = NoteChanges {
        folder_id: Some(Some(FOLDER)),
        title: Some(Title::parse("Ideas").unwrap()),
        content: None,
        tags: Some(Tags::parse(&["x"]).unwrap()),
        is_pinned: Some(true),
        is_archived: Some(false),
    };
    NoteTester::with(())
        .given(vec![created()])
        .when_async(as_owner(NoteCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            NoteEvent::NoteFolderChanged {
                from: None,
                to: Some(FOLDER),
                at: t1(),
            },
            NoteEvent::NoteTagsChanged {
                from: vec![],
                to: vec!["x".into()],
                at: t1(),
            },
            NoteEvent::NotePinChanged {
                from: false,
                to: true,
                at: t1(),
            },
        ]);
}

#[test]
fn replaying_the_edits_gives_the_last_version() {
    let note = replay([
        created(),
        NoteEvent::NoteContentChanged {
            from: "# Ideas\n\n- one".into(),
            to: "v2".into(),
            at: t1(),
        },
        NoteEvent::NoteArchiveChanged {
            from: false,
            to: true,
            at: t1(),
        },
    ]);
    assert_eq!((note.content.as_str(), note.is_archived), ("v2", true));
    assert_eq!(note.life.updated_at, Some(t1()));
}
