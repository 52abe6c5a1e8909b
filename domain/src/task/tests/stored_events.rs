//! Events and state as stored: type names, versions and JSON shapes.
use super::*;

fn one_of_each_event() -> Vec<TaskEvent> {
    use TaskEvent::*;
    let at = t1();
    vec![
        created(),
        TaskTitleChanged {
            from: "a".into(),
            to: "b".into(),
            at,
        },
        TaskDescriptionChanged {
            from: None,
            to: Some("d".into()),
            at,
        },
        TaskStatusChanged {
            from: TaskStatus::Todo,
            to: TaskStatus::InProgress,
            at,
        },
        TaskPriorityChanged { from: 1, to: 4, at },
        TaskDueDateChanged {
            from: Some("2026-02-01".into()),
            to: Some("2026-02-01T16:00:00.000000Z".into()),
            at,
        },
        TaskFolderChanged {
            from: Some(FOLDER),
            to: None,
            at,
        },
        TaskProjectChanged {
            from: None,
            to: Some(PROJECT),
            at,
        },
        TaskEstimateChanged {
            from: Some(1),
            to: Some(2),
            at,
        },
        TaskActualMinutesChanged {
            from: None,
            to: Some(3),
            at,
        },
        TaskTagsChanged {
            from: vec![],
            to: strings(&["x"]),
            at,
        },
        TaskCompleted {
            from: TaskStatus::Blocked,
            at,
        },
        TaskReopened {
            to: TaskStatus::Pending,
            at,
        },
        TaskDeleted { at },
        TaskMovedOnBoard {
            board_id: BOARD,
            column_id: "done".into(),
            position: 7,
            at,
        },
    ]
}

#[test]
fn event_types_are_the_stable_variant_names() {
    let names: Vec<String> = one_of_each_event().iter().map(DomainEvent::event_type).collect();
    assert_eq!(
        names,
        [
            "TaskCreated",
            "TaskTitleChanged",
            "TaskDescriptionChanged",
            "TaskStatusChanged",
            "TaskPriorityChanged",
            "TaskDueDateChanged",
            "TaskFolderChanged",
            "TaskProjectChanged",
            "TaskEstimateChanged",
            "TaskActualMinutesChanged",
            "TaskTagsChanged",
            "TaskCompleted",
            "TaskReopened",
            "TaskDeleted",
            "TaskMovedOnBoard",
        ]
    );
}

#[test]
fn every_event_is_at_version_1() {
    for event in one_of_each_event() {
        assert_eq!(event.event_version(), "1", "{}", event.event_type());
    }
}

#[test]
fn the_aggregate_type_is_task() {
    assert_eq!(Task::TYPE, "task");
}

#[test]
fn every_event_carries_its_time_and_an_activity_name() {
    let actions: Vec<&str> = one_of_each_event().iter().map(TaskEvent::action).collect();
    assert_eq!(
        actions,
        [
            "created",
            "title_changed",
            "description_changed",
            "status_changed",
            "priority_changed",
            "due_date_changed",
            "folder_changed",
            "project_changed",
            "estimated_minutes_changed",
            "actual_minutes_changed",
            "tags_changed",
            "completed",
            "reopened",
            "deleted",
            "moved",
        ]
    );
    assert_eq!(created().at(), t0());
    for event in one_of_each_event().into_iter().skip(1) {
        assert_eq!(event.at(), t1(), "{}", event.event_type());
    }
}

#[test]
fn every_event_survives_a_json_round_trip() {
    for event in one_of_each_event() {
        let json = serde_json::to_value(&event).unwrap();
        let back: TaskEvent = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, event, "{json}");
    }
}

#[test]
fn task_created_is_stored_in_a_stable_json_shape() {
    let json = serde_json::to_value(created_with_status(TaskStatus::InProgress)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "TaskCreated": {
                "task_id": TASK_ID.to_string(),
                "user_id": OWNER.0.to_string(),
                "title": "Write the report",
                "description": "Quarterly numbers",
                "status": "in_progress",
                "priority": 2,
                "due_date": "2026-02-01",
                "folder_id": FOLDER.to_string(),
                "project_id": null,
                "estimated_minutes": 30,
                "actual_minutes": null,
                "tags": ["work", "q1"],
                "at": "2026-01-01T09:00:00.000000Z",
            }
        })
    );
    let back: TaskEvent = serde_json::from_value(json).unwrap();
    assert_eq!(back, created_with_status(TaskStatus::InProgress));
}

#[test]
fn the_task_state_survives_a_json_round_trip() {
    let task = replay([created(), completed()]);
    let json = serde_json::to_string(&task).unwrap();
    assert_eq!(serde_json::from_str::<Task>(&json).unwrap(), task);
}
