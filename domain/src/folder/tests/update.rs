//! Partial updates: one event per field that really changes.
use super::*;

#[tokio::test]
async fn an_update_emits_one_event_per_changed_field_and_none_for_the_same_value() {
    let changes = FolderChanges {
        parent: None,
        name: Some(FolderName::parse("Work").unwrap()),
        description: Some(Some(Description::parse("Mine").unwrap())),
        color: Some(Some(Color::parse("#00ff00").unwrap())),
        icon: Some(None),
        position: Some(Position::parse(7).unwrap()),
    };
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(FolderCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            FolderEvent::FolderDescriptionChanged {
                from: None,
                to: Some("Mine".into()),
                at: t1(),
            },
            FolderEvent::FolderColorChanged {
                from: None,
                to: Some("#00ff00".into()),
                at: t1(),
            },
            FolderEvent::FolderPositionChanged {
                from: 0,
                to: 7,
                at: t1(),
            },
        ]);
}

#[test]
fn every_change_is_applied() {
    let folder = replay([
        created(),
        FolderEvent::FolderRenamed {
            from: "Work".into(),
            to: "Home".into(),
            at: t1(),
        },
        FolderEvent::FolderIconChanged {
            from: None,
            to: Some("house".into()),
            at: t1(),
        },
    ]);
    assert_eq!((folder.name.as_str(), folder.icon.as_deref()), ("Home", Some("house")));
    assert_eq!(folder.life.updated_at, Some(t1()));
}
