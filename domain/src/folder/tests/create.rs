//! Creating a folder.
use super::*;

#[tokio::test]
async fn creating_a_folder_emits_folder_created_with_every_field() {
    let new = NewFolder {
        id: FOLDER,
        parent_id: Some(PARENT),
        name: FolderName::parse("  Work ").unwrap(),
        description: Some(Description::parse("Day job").unwrap()),
        color: Some(Color::parse("#A0B1C2").unwrap()),
        icon: Some(Icon::parse("briefcase").unwrap()),
        position: Position::parse(3).unwrap(),
    };
    FolderTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(FolderCommand::Create(new)))
        .await
        .then_expect_events(vec![FolderEvent::FolderCreated {
            folder_id: FOLDER,
            user_id: OWNER,
            parent_id: Some(PARENT),
            name: "Work".into(),
            description: Some("Day job".into()),
            color: Some("#a0b1c2".into()),
            icon: Some("briefcase".into()),
            position: 3,
            at: t1(),
        }]);
}

#[tokio::test]
async fn creating_an_existing_folder_is_rejected() {
    FolderTester::with(())
        .given(vec![created()])
        .when_async(as_owner(FolderCommand::Create(NewFolder::default())))
        .await
        .then_expect_error(FolderError::Entity(EntityError::AlreadyExists));
}

#[test]
fn a_created_folder_belongs_to_its_creator_and_stores_its_event_name() {
    let folder = replay([created()]);
    assert_eq!(folder.life.owner, OWNER);
    assert_eq!(folder.life.id, Some(FOLDER));
    assert_eq!(created().event_type(), "FolderCreated");
    assert_eq!(created().event_version(), "1");
    let text = serde_json::to_string(&created()).unwrap();
    assert_eq!(serde_json::from_str::<FolderEvent>(&text).unwrap(), created());
}
