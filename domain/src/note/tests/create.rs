//! Creating a note.
use super::*;

#[tokio::test]
async fn creating_a_note_emits_note_created_with_the_markdown_only() {
    let new = NewNote {
        id: NOTE,
        folder_id: Some(FOLDER),
        title: Title::parse(" Ideas ").unwrap(),
        content: Content::parse("**bold** <script>x</script>").unwrap(),
        tags: Tags::parse(&["a", "a", "b"]).unwrap(),
        is_pinned: true,
        is_archived: false,
    };
    NoteTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(NoteCommand::Create(new)))
        .await
        .then_expect_events(vec![NoteEvent::NoteCreated {
            note_id: NOTE,
            user_id: OWNER,
            folder_id: Some(FOLDER),
            title: "Ideas".into(),
            content: "**bold** <script>x</script>".into(),
            tags: vec!["a".into(), "b".into()],
            is_pinned: true,
            is_archived: false,
            at: t1(),
        }]);
}

#[tokio::test]
async fn creating_an_existing_note_is_rejected() {
    NoteTester::with(())
        .given(vec![created()])
        .when_async(as_owner(NoteCommand::Create(NewNote::default())))
        .await
        .then_expect_error(NoteError::AlreadyExists);
}

#[test]
fn content_keeps_line_breaks_and_refuses_control_characters_and_excess() {
    assert!(Content::parse("a\r\n\tb").is_ok());
    assert!(Content::parse("").is_ok());
    assert_eq!(Content::parse("a\u{7}"), Err(ValueError::ControlCharacter(7)));
    assert_eq!(
        Content::parse(&"x".repeat(Content::MAX_CHARS + 1)),
        Err(ValueError::TooLong(Content::MAX_CHARS))
    );
}

#[test]
fn events_keep_their_names_and_round_trip() {
    assert_eq!(created().event_type(), "NoteCreated");
    assert_eq!(created().event_version(), "1");
    let text = serde_json::to_string(&created()).unwrap();
    assert_eq!(serde_json::from_str::<NoteEvent>(&text).unwrap(), created());
    assert_eq!(replay([created()]).life.owner, OWNER);
}
