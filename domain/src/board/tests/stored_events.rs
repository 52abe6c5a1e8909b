//! Events as stored: type names, versions and JSON shapes.
use super::*;

fn one_of_each_event() -> Vec<BoardEvent> {
    use BoardEvent::*;
    let at = t1();
    vec![
        created(),
        BoardRenamed {
            from: "a".into(),
            to: "b".into(),
            at,
        },
        BoardDescriptionChanged {
            from: None,
            to: Some("d".into()),
            at,
        },
        BoardProjectChanged {
            from: Some(PROJECT),
            to: None,
            at,
        },
        BoardColumnsChanged {
            from: Columns::standard().into(),
            to: two_columns(),
            at,
        },
        BoardSettingsChanged {
            from: Map::new(),
            to: settings(json!({"x": [1, 2]})),
            at,
        },
        BoardDeleted { at },
    ]
}

#[test]
fn event_types_are_the_stable_variant_names_at_version_1() {
    let names: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
    assert_eq!(
        names,
        [
            "BoardCreated",
            "BoardRenamed",
            "BoardDescriptionChanged",
            "BoardProjectChanged",
            "BoardColumnsChanged",
            "BoardSettingsChanged",
            "BoardDeleted",
        ]
    );
    assert!(one_of_each_event().iter().all(|e| e.event_version() == "1"));
    assert_eq!(Board::TYPE, "board");
}

#[test]
fn every_event_survives_a_json_round_trip() {
    for event in one_of_each_event() {
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            serde_json::from_value::<BoardEvent>(json.clone()).unwrap(),
            event,
            "{json}"
        );
    }
}

#[test]
fn board_created_is_stored_in_a_stable_json_shape() {
    assert_eq!(
        serde_json::to_value(created()).unwrap(),
        json!({
            "BoardCreated": {
                "board_id": BOARD_ID.to_string(),
                "user_id": OWNER.0.to_string(),
                "name": "Sprint 12",
                "description": null,
                "project_id": null,
                "columns": [
                    {"id": "todo", "name": "To do", "status": "todo"},
                    {"id": "in_progress", "name": "In progress", "status": "in_progress"},
                    {"id": "completed", "name": "Completed", "status": "completed"},
                ],
                "settings": {},
                "at": "2026-01-01T09:00:00.000000Z",
            }
        })
    );
}
