//! Updating a task's fields: one event per changed field, none for an unchanged one.
use super::*;

#[tokio::test]
async fn changing_the_title_emits_title_changed() {
    let changes = TaskChanges {
        title: Some(Title::parse("Write the final report").unwrap()),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskTitleChanged {
            from: "Write the report".into(),
            to: "Write the final report".into(),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn setting_the_title_to_its_current_value_emits_nothing() {
    let changes = TaskChanges {
        title: Some(Title::parse("  Write the report ").unwrap()),
        ..TaskChanges::default()
    };
    assert_eq!(update_of_created(changes).await, Ok(vec![]));
}

#[tokio::test]
async fn changing_the_description_emits_description_changed() {
    let changes = TaskChanges {
        description: Some(Some(Description::parse("Annual numbers").unwrap())),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskDescriptionChanged {
            from: Some("Quarterly numbers".into()),
            to: Some("Annual numbers".into()),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn clearing_the_description_emits_a_change_to_none() {
    let changes = TaskChanges {
        description: Some(None),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskDescriptionChanged {
            from: Some("Quarterly numbers".into()),
            to: None,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn changing_the_priority_emits_priority_changed() {
    let changes = TaskChanges {
        priority: Some(Priority::parse(4).unwrap()),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskPriorityChanged {
            from: 2,
            to: 4,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn changing_the_due_date_emits_due_date_changed() {
    let changes = TaskChanges {
        due_date: Some(Some(DueDate::parse("2026-02-01T17:00:00+01:00").unwrap())),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskDueDateChanged {
            from: Some("2026-02-01".into()),
            to: Some("2026-02-01T16:00:00.000000Z".into()),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn clearing_the_due_date_emits_a_change_to_none() {
    let changes = TaskChanges {
        due_date: Some(None),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskDueDateChanged {
            from: Some("2026-02-01".into()),
            to: None,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn moving_to_another_folder_emits_folder_changed() {
    let changes = TaskChanges {
        folder_id: Some(Some(OTHER_FOLDER)),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskFolderChanged {
            from: Some(FOLDER),
            to: Some(OTHER_FOLDER),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn clearing_the_folder_emits_a_change_to_none() {
    let changes = TaskChanges {
        folder_id: Some(None),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskFolderChanged {
            from: Some(FOLDER),
            to: None,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn setting_a_project_emits_project_changed() {
    let changes = TaskChanges {
        project_id: Some(Some(PROJECT)),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskProjectChanged {
            from: None,
            to: Some(PROJECT),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn clearing_an_already_empty_project_emits_nothing() {
    let changes = TaskChanges {
        project_id: Some(None),
        actual_minutes: Some(None),
        ..TaskChanges::default()
    };
    assert_eq!(update_of_created(changes).await, Ok(vec![]));
}

#[tokio::test]
async fn changing_the_estimate_emits_estimate_changed() {
    let changes = TaskChanges {
        estimated_minutes: Some(Some(Minutes::parse(45).unwrap())),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskEstimateChanged {
            from: Some(30),
            to: Some(45),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn clearing_the_estimate_emits_a_change_to_none() {
    let changes = TaskChanges {
        estimated_minutes: Some(None),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskEstimateChanged {
            from: Some(30),
            to: None,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn recording_actual_minutes_emits_actual_minutes_changed() {
    let changes = TaskChanges {
        actual_minutes: Some(Some(Minutes::parse(0).unwrap())),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskActualMinutesChanged {
            from: None,
            to: Some(0),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn changing_the_tags_emits_tags_changed() {
    let changes = TaskChanges {
        tags: Some(tags(&["work", "q2"])),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskTagsChanged {
            from: strings(&["work", "q1"]),
            to: strings(&["work", "q2"]),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn removing_every_tag_emits_a_change_to_no_tags() {
    let changes = TaskChanges {
        tags: Some(Tags::default()),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskTagsChanged {
            from: strings(&["work", "q1"]),
            to: vec![],
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn reordering_the_tags_is_a_change() {
    let changes = TaskChanges {
        tags: Some(tags(&["q1", "work"])),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskTagsChanged {
            from: strings(&["work", "q1"]),
            to: strings(&["q1", "work"]),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn an_update_that_changes_several_fields_emits_one_event_per_field() {
    let changes = TaskChanges {
        title: Some(Title::parse("New title").unwrap()),
        description: Some(None),
        status: Some(TaskStatus::InProgress),
        priority: Some(Priority::parse(0).unwrap()),
        due_date: Some(None),
        folder_id: Some(None),
        project_id: Some(Some(PROJECT)),
        estimated_minutes: Some(Some(Minutes::parse(60).unwrap())),
        actual_minutes: Some(Some(Minutes::parse(5).unwrap())),
        tags: Some(tags(&["home"])),
    };
    let at = t1();
    let events = update_of_created(changes).await.unwrap();
    assert_eq!(
        events,
        vec![
            TaskEvent::TaskTitleChanged {
                from: "Write the report".into(),
                to: "New title".into(),
                at,
            },
            TaskEvent::TaskDescriptionChanged {
                from: Some("Quarterly numbers".into()),
                to: None,
                at,
            },
            TaskEvent::TaskPriorityChanged { from: 2, to: 0, at },
            TaskEvent::TaskDueDateChanged {
                from: Some("2026-02-01".into()),
                to: None,
                at,
            },
            TaskEvent::TaskFolderChanged {
                from: Some(FOLDER),
                to: None,
                at,
            },
            TaskEvent::TaskProjectChanged {
                from: None,
                to: Some(PROJECT),
                at,
            },
            TaskEvent::TaskEstimateChanged {
                from: Some(30),
                to: Some(60),
                at,
            },
            TaskEvent::TaskActualMinutesChanged {
                from: None,
                to: Some(5),
                at,
            },
            TaskEvent::TaskTagsChanged {
                from: strings(&["work", "q1"]),
                to: strings(&["home"]),
                at,
            },
            TaskEvent::TaskStatusChanged {
                from: TaskStatus::Pending,
                to: TaskStatus::InProgress,
                at,
            },
        ]
    );

    let task = replay(std::iter::once(created()).chain(events));
    assert_eq!(task.title, "New title");
    assert_eq!(task.description, None);
    assert_eq!(task.status, TaskStatus::InProgress);
    assert_eq!(task.priority, 0);
    assert_eq!(task.due_date, None);
    assert_eq!(task.folder_id, None);
    assert_eq!(task.project_id, Some(PROJECT));
    assert_eq!(task.estimated_minutes, Some(60));
    assert_eq!(task.actual_minutes, Some(5));
    assert_eq!(task.tags, strings(&["home"]));
    assert_eq!(task.life.created_at, Some(t0()));
    assert_eq!(task.life.updated_at, Some(t1()));
}

#[tokio::test]
async fn an_empty_update_emits_nothing() {
    assert_eq!(update_of_created(TaskChanges::default()).await, Ok(vec![]));
}

#[tokio::test]
async fn an_update_to_the_current_values_emits_nothing() {
    let changes = TaskChanges {
        title: Some(Title::parse("Write the report").unwrap()),
        description: Some(Some(Description::parse("Quarterly numbers").unwrap())),
        status: Some(TaskStatus::Pending),
        priority: Some(Priority::parse(2).unwrap()),
        due_date: Some(Some(DueDate::parse("2026-02-01").unwrap())),
        folder_id: Some(Some(FOLDER)),
        project_id: Some(None),
        estimated_minutes: Some(Some(Minutes::parse(30).unwrap())),
        actual_minutes: Some(None),
        tags: Some(tags(&["work", "q1", " work "])),
    };
    assert_eq!(update_of_created(changes).await, Ok(vec![]));
}

#[tokio::test]
async fn an_update_that_changes_nothing_leaves_the_task_untouched() {
    let before = replay([created()]);
    let events = update_of_created(TaskChanges {
        title: Some(Title::parse("Write the report").unwrap()),
        ..TaskChanges::default()
    })
    .await
    .unwrap();
    assert_eq!(replay(std::iter::once(created()).chain(events)), before);
}
