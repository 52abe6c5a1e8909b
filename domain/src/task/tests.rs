//! Given/when/then tests for the Task aggregate and its value types.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;

type TaskTester = TestFramework<Task>;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const TASK_ID: Uuid = Uuid::from_u128(0x7a5c);
const FOLDER: Uuid = Uuid::from_u128(0xf01d);
const OTHER_FOLDER: Uuid = Uuid::from_u128(0xf02d);
const PROJECT: Uuid = Uuid::from_u128(0x9e0c);
const BOARD: Uuid = Uuid::from_u128(0xb0a2d);

/// When the task was created.
fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

/// When the command under test is stamped.
fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: TaskCommand) -> Stamped<TaskCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: TaskCommand) -> Stamped<TaskCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn tags(raw: &[&str]) -> Tags {
    Tags::parse(raw).unwrap()
}

fn strings(raw: &[&str]) -> Vec<String> {
    raw.iter().map(|s| s.to_string()).collect()
}

/// A new task with every field filled in.
fn full_new_task() -> NewTask {
    NewTask {
        id: TASK_ID,
        title: Title::parse("  Write the report  ").unwrap(),
        description: Some(Description::parse("Quarterly numbers").unwrap()),
        status: TaskStatus::Todo,
        priority: Priority::parse(3).unwrap(),
        due_date: Some(DueDate::parse("2026-02-01").unwrap()),
        folder_id: Some(FOLDER),
        project_id: Some(PROJECT),
        estimated_minutes: Some(Minutes::parse(90).unwrap()),
        actual_minutes: Some(Minutes::parse(15).unwrap()),
        tags: tags(&["work", "q1"]),
    }
}

/// The event an owner's task starts from in the tests below.
fn created_with_status(status: TaskStatus) -> TaskEvent {
    TaskEvent::TaskCreated {
        task_id: TASK_ID,
        user_id: OWNER,
        title: "Write the report".into(),
        description: Some("Quarterly numbers".into()),
        status,
        priority: 2,
        due_date: Some("2026-02-01".into()),
        folder_id: Some(FOLDER),
        project_id: None,
        estimated_minutes: Some(30),
        actual_minutes: None,
        tags: strings(&["work", "q1"]),
        at: t0(),
    }
}

fn created() -> TaskEvent {
    created_with_status(TaskStatus::Pending)
}

fn deleted() -> TaskEvent {
    TaskEvent::TaskDeleted { at: t0() }
}

fn completed() -> TaskEvent {
    TaskEvent::TaskCompleted {
        from: TaskStatus::Pending,
        at: t0(),
    }
}

fn replay(events: impl IntoIterator<Item = TaskEvent>) -> Task {
    let mut task = Task::default();
    for event in events {
        task.apply(event);
    }
    task
}

/// Runs `command` against a task rebuilt from `given` and returns what it decided.
async fn decide(given: Vec<TaskEvent>, command: Stamped<TaskCommand>) -> Result<Vec<TaskEvent>, TaskError> {
    TaskTester::with(())
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}

async fn update_of_created(changes: TaskChanges) -> Result<Vec<TaskEvent>, TaskError> {
    decide(vec![created()], as_owner(TaskCommand::Update(changes))).await
}

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn creating_a_task_emits_task_created_with_every_field() {
    TaskTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_events(vec![TaskEvent::TaskCreated {
            task_id: TASK_ID,
            user_id: OWNER,
            title: "Write the report".into(),
            description: Some("Quarterly numbers".into()),
            status: TaskStatus::Todo,
            priority: 3,
            due_date: Some("2026-02-01".into()),
            folder_id: Some(FOLDER),
            project_id: Some(PROJECT),
            estimated_minutes: Some(90),
            actual_minutes: Some(15),
            tags: strings(&["work", "q1"]),
            at: t1(),
        }]);
}

#[tokio::test]
async fn creating_a_minimal_task_emits_empty_optional_fields() {
    let new = NewTask {
        id: TASK_ID,
        title: Title::parse("x").unwrap(),
        ..NewTask::default()
    };
    TaskTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(TaskCommand::Create(new)))
        .await
        .then_expect_events(vec![TaskEvent::TaskCreated {
            task_id: TASK_ID,
            user_id: OWNER,
            title: "x".into(),
            description: None,
            status: TaskStatus::Pending,
            priority: 0,
            due_date: None,
            folder_id: None,
            project_id: None,
            estimated_minutes: None,
            actual_minutes: None,
            tags: vec![],
            at: t1(),
        }]);
}

#[tokio::test]
async fn the_creator_becomes_the_owner() {
    let events = decide(vec![], as_stranger(TaskCommand::Create(full_new_task())))
        .await
        .unwrap();
    let task = replay(events);
    assert_eq!(task.owner, STRANGER);
    assert_eq!(task.id, Some(TASK_ID));
}

#[tokio::test]
async fn creating_an_existing_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_owner(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::AlreadyExists);
}

#[tokio::test]
async fn creating_over_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::AlreadyExists);
}

#[test]
fn a_created_task_holds_every_field_and_its_creation_time() {
    let task = replay([created()]);
    assert_eq!(
        task,
        Task {
            id: Some(TASK_ID),
            owner: OWNER,
            title: "Write the report".into(),
            description: Some("Quarterly numbers".into()),
            status: TaskStatus::Pending,
            priority: 2,
            due_date: Some("2026-02-01".into()),
            folder_id: Some(FOLDER),
            project_id: None,
            estimated_minutes: Some(30),
            actual_minutes: None,
            tags: strings(&["work", "q1"]),
            completed_at: None,
            created_at: Some(t0()),
            updated_at: Some(t0()),
            deleted: false,
        }
    );
}

#[test]
fn a_task_created_as_completed_is_completed_at_its_creation_time() {
    let task = replay([created_with_status(TaskStatus::Completed)]);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.completed_at, Some(t0()));
}

#[tokio::test]
async fn a_task_created_as_completed_cannot_be_completed_again() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::Completed)])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::AlreadyCompleted);
}

// ---------------------------------------------------------------------------------------------
// Title
// ---------------------------------------------------------------------------------------------

#[test]
fn a_title_is_trimmed() {
    assert_eq!(String::from(Title::parse("  Buy milk \n\t").unwrap()), "Buy milk");
}

#[test]
fn an_empty_title_is_rejected() {
    assert_eq!(Title::parse(""), Err(ValueError::Empty));
}

#[test]
fn a_whitespace_only_title_is_rejected() {
    assert_eq!(Title::parse("   \t\n "), Err(ValueError::Empty));
}

#[test]
fn a_title_of_500_characters_is_accepted() {
    let raw = "a".repeat(500);
    assert_eq!(String::from(Title::parse(&raw).unwrap()), raw);
}

#[test]
fn a_title_of_501_characters_is_rejected() {
    assert_eq!(Title::parse(&"a".repeat(501)), Err(ValueError::TooLong(500)));
}

#[test]
fn a_title_is_measured_in_characters_not_bytes() {
    let raw = "é".repeat(500);
    assert_eq!(raw.len(), 1000);
    assert!(Title::parse(&raw).is_ok());
    assert_eq!(Title::parse(&"日".repeat(501)), Err(ValueError::TooLong(500)));
}

#[test]
fn surrounding_whitespace_does_not_count_towards_the_title_limit() {
    let raw = format!("  {}  ", "a".repeat(500));
    assert_eq!(String::from(Title::parse(&raw).unwrap()), "a".repeat(500));
}

// ---------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------

#[test]
fn a_description_is_kept_verbatim_up_to_100_000_characters() {
    assert_eq!(String::from(Description::parse("  keep me  ").unwrap()), "  keep me  ");
    assert_eq!(String::from(Description::parse("").unwrap()), "");
    assert!(Description::parse(&"é".repeat(100_000)).is_ok());
    assert_eq!(
        Description::parse(&"a".repeat(100_001)),
        Err(ValueError::TooLong(100_000))
    );
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

#[test]
fn every_status_parses_from_its_own_name() {
    for status in TaskStatus::ALL {
        assert_eq!(TaskStatus::parse(status.as_str()), Ok(status));
        assert_eq!(status.to_string(), status.as_str());
    }
}

#[test]
fn a_status_outside_the_closed_set_is_rejected() {
    for raw in [
        "",
        "done",
        "Pending",
        "PENDING",
        " pending",
        "in-progress",
        "inprogress",
    ] {
        assert!(
            matches!(TaskStatus::parse(raw), Err(ValueError::NotOneOf(_))),
            "{raw:?} should be rejected"
        );
    }
}

#[test]
fn a_status_serialises_as_its_snake_case_name() {
    for status in TaskStatus::ALL {
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
        assert_eq!(serde_json::from_str::<TaskStatus>(&json).unwrap(), status);
    }
}

#[test]
fn a_new_task_is_pending_by_default() {
    assert_eq!(TaskStatus::default(), TaskStatus::Pending);
}

// ---------------------------------------------------------------------------------------------
// Priority and minutes
// ---------------------------------------------------------------------------------------------

#[test]
fn a_priority_from_0_to_4_is_accepted() {
    for raw in 0..=4 {
        assert_eq!(u8::from(Priority::parse(raw).unwrap()), raw as u8);
    }
}

#[test]
fn a_priority_outside_0_to_4_is_rejected() {
    for raw in [-1, 5, 255, 256, i64::MIN, i64::MAX] {
        assert_eq!(Priority::parse(raw), Err(ValueError::OutOfRange(0, 4)), "{raw}");
    }
}

#[test]
fn minutes_from_0_to_100_000_are_accepted() {
    for raw in [0, 1, 59, 100_000] {
        assert_eq!(i64::from(u32::from(Minutes::parse(raw).unwrap())), raw);
    }
}

#[test]
fn minutes_outside_0_to_100_000_are_rejected() {
    for raw in [-1, 100_001, i64::from(u32::MAX) + 1, i64::MIN, i64::MAX] {
        assert_eq!(Minutes::parse(raw), Err(ValueError::OutOfRange(0, 100_000)), "{raw}");
    }
}

// ---------------------------------------------------------------------------------------------
// Due date
// ---------------------------------------------------------------------------------------------

#[test]
fn a_calendar_day_due_date_is_kept_as_is() {
    assert_eq!(String::from(DueDate::parse("2026-03-15").unwrap()), "2026-03-15");
    assert_eq!(String::from(DueDate::parse("2028-02-29").unwrap()), "2028-02-29");
}

#[test]
fn an_rfc3339_due_date_is_normalised_to_utc_with_microseconds() {
    let cases = [
        ("2026-03-15T12:00:00Z", "2026-03-15T12:00:00.000000Z"),
        ("2026-03-15T12:00:00+02:00", "2026-03-15T10:00:00.000000Z"),
        ("2026-03-15T01:30:00.5-03:00", "2026-03-15T04:30:00.500000Z"),
        ("2026-03-15T23:30:00-01:00", "2026-03-16T00:30:00.000000Z"),
        ("2026-03-15T12:00:00.123456789Z", "2026-03-15T12:00:00.123456Z"),
    ];
    for (raw, normalised) in cases {
        assert_eq!(String::from(DueDate::parse(raw).unwrap()), normalised, "{raw}");
    }
}

#[test]
fn a_due_date_that_is_not_a_date_is_rejected() {
    for raw in [
        "",
        "tomorrow",
        "2026-13-01",
        "2026-02-30",
        "2027-02-29",
        "2026-1-5",
        "15/03/2026",
        "2026-03-15T12:00:00",
        "2026-03-15 12:00:00Z junk",
        " 2026-03-15",
    ] {
        assert_eq!(DueDate::parse(raw), Err(ValueError::NotADate), "{raw:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

#[test]
fn tags_are_trimmed_and_deduplicated_keeping_the_first_occurrence() {
    let parsed = Tags::parse(&[" work ", "home", "work", "urgent", "home "]).unwrap();
    assert_eq!(Vec::from(parsed), strings(&["work", "home", "urgent"]));
}

#[test]
fn no_tags_is_fine() {
    assert_eq!(Vec::from(Tags::parse::<&str>(&[]).unwrap()), Vec::<String>::new());
}

#[test]
fn tags_are_case_sensitive() {
    assert_eq!(Vec::from(tags(&["Work", "work"])), strings(&["Work", "work"]));
}

#[test]
fn an_empty_tag_is_rejected() {
    assert_eq!(Tags::parse(&["ok", ""]), Err(ValueError::Empty));
    assert_eq!(Tags::parse(&["ok", "   "]), Err(ValueError::Empty));
}

#[test]
fn a_tag_of_50_characters_is_accepted_and_51_rejected() {
    assert!(Tags::parse(&["ü".repeat(50)]).is_ok());
    assert_eq!(Tags::parse(&["a".repeat(51)]), Err(ValueError::TooLong(50)));
}

#[test]
fn fifty_tags_are_accepted_and_fifty_one_rejected() {
    let fifty: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    assert_eq!(Vec::from(Tags::parse(&fifty).unwrap()).len(), 50);
    let fifty_one: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    assert_eq!(Tags::parse(&fifty_one), Err(ValueError::TooMany(50)));
}

#[test]
fn duplicate_tags_do_not_count_towards_the_limit() {
    let mut raw: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    raw.extend((0..10).map(|i| format!(" t{i} ")));
    assert_eq!(Vec::from(Tags::parse(&raw).unwrap()).len(), 50);
}

// ---------------------------------------------------------------------------------------------
// Update
// ---------------------------------------------------------------------------------------------

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
    assert_eq!(task.created_at, Some(t0()));
    assert_eq!(task.updated_at, Some(t1()));
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

#[tokio::test]
async fn a_plain_status_change_emits_status_changed() {
    let changes = TaskChanges {
        status: Some(TaskStatus::Blocked),
        ..TaskChanges::default()
    };
    assert_eq!(
        update_of_created(changes).await,
        Ok(vec![TaskEvent::TaskStatusChanged {
            from: TaskStatus::Pending,
            to: TaskStatus::Blocked,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn cancelling_a_task_is_a_plain_status_change() {
    let changes = TaskChanges {
        status: Some(TaskStatus::Cancelled),
        ..TaskChanges::default()
    };
    let events = decide(
        vec![created_with_status(TaskStatus::InProgress)],
        as_owner(TaskCommand::Update(changes)),
    )
    .await;
    assert_eq!(
        events,
        Ok(vec![TaskEvent::TaskStatusChanged {
            from: TaskStatus::InProgress,
            to: TaskStatus::Cancelled,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn updating_the_status_to_completed_emits_task_completed() {
    let changes = TaskChanges {
        status: Some(TaskStatus::Completed),
        ..TaskChanges::default()
    };
    let events = decide(
        vec![created_with_status(TaskStatus::Review)],
        as_owner(TaskCommand::Update(changes)),
    )
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![TaskEvent::TaskCompleted {
            from: TaskStatus::Review,
            at: t1(),
        }]
    );
    let task = replay(std::iter::once(created_with_status(TaskStatus::Review)).chain(events));
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.completed_at, Some(t1()));
}

#[tokio::test]
async fn updating_a_completed_task_to_another_status_emits_task_reopened() {
    let changes = TaskChanges {
        status: Some(TaskStatus::InProgress),
        ..TaskChanges::default()
    };
    let events = decide(vec![created(), completed()], as_owner(TaskCommand::Update(changes)))
        .await
        .unwrap();
    assert_eq!(
        events,
        vec![TaskEvent::TaskReopened {
            to: TaskStatus::InProgress,
            at: t1(),
        }]
    );
    let task = replay([created(), completed()].into_iter().chain(events));
    assert_eq!(task.status, TaskStatus::InProgress);
    assert_eq!(task.completed_at, None);
}

#[tokio::test]
async fn updating_a_completed_task_to_completed_emits_nothing() {
    let changes = TaskChanges {
        status: Some(TaskStatus::Completed),
        ..TaskChanges::default()
    };
    assert_eq!(
        decide(vec![created(), completed()], as_owner(TaskCommand::Update(changes))).await,
        Ok(vec![])
    );
}

#[tokio::test]
async fn a_completed_task_can_still_have_its_other_fields_updated() {
    let changes = TaskChanges {
        actual_minutes: Some(Some(Minutes::parse(42).unwrap())),
        ..TaskChanges::default()
    };
    assert_eq!(
        decide(vec![created(), completed()], as_owner(TaskCommand::Update(changes))).await,
        Ok(vec![TaskEvent::TaskActualMinutesChanged {
            from: None,
            to: Some(42),
            at: t1(),
        }])
    );
}

// ---------------------------------------------------------------------------------------------
// Complete and reopen
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn completing_a_task_emits_task_completed_with_the_status_it_left() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::InProgress)])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_events(vec![TaskEvent::TaskCompleted {
            from: TaskStatus::InProgress,
            at: t1(),
        }]);
}

#[tokio::test]
async fn completing_a_cancelled_task_is_allowed() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::Cancelled)])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_events(vec![TaskEvent::TaskCompleted {
            from: TaskStatus::Cancelled,
            at: t1(),
        }]);
}

#[test]
fn a_completed_task_is_completed_at_the_time_of_completion() {
    let task = replay([
        created(),
        TaskEvent::TaskCompleted {
            from: TaskStatus::Pending,
            at: t1(),
        },
    ]);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.completed_at, Some(t1()));
    assert_eq!(task.updated_at, Some(t1()));
}

#[tokio::test]
async fn completing_a_completed_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), completed()])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::AlreadyCompleted);
}

#[tokio::test]
async fn reopening_a_completed_task_sets_it_back_to_pending() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::InProgress), completed()])
        .when_async(as_owner(TaskCommand::Reopen))
        .await
        .then_expect_events(vec![TaskEvent::TaskReopened {
            to: TaskStatus::Pending,
            at: t1(),
        }]);
}

#[tokio::test]
async fn reopening_a_task_that_is_not_completed_is_rejected() {
    for status in TaskStatus::ALL.into_iter().filter(|s| *s != TaskStatus::Completed) {
        TaskTester::with(())
            .given(vec![created_with_status(status)])
            .when_async(as_owner(TaskCommand::Reopen))
            .await
            .then_expect_error(TaskError::NotCompleted);
    }
}

#[tokio::test]
async fn reopening_a_reopened_task_is_rejected() {
    TaskTester::with(())
        .given(vec![
            created(),
            completed(),
            TaskEvent::TaskReopened {
                to: TaskStatus::Pending,
                at: t0(),
            },
        ])
        .when_async(as_owner(TaskCommand::Reopen))
        .await
        .then_expect_error(TaskError::NotCompleted);
}

#[test]
fn a_reopened_task_is_no_longer_completed() {
    let mut task = Task::default();
    task.apply(created());
    task.apply(completed());
    assert_eq!(task.completed_at, Some(t0()));
    task.apply(TaskEvent::TaskReopened {
        to: TaskStatus::Todo,
        at: t1(),
    });
    assert_eq!(task.status, TaskStatus::Todo);
    assert_eq!(task.completed_at, None);
    assert_eq!(task.updated_at, Some(t1()));
}

#[tokio::test]
async fn a_reopened_task_can_be_completed_again() {
    TaskTester::with(())
        .given(vec![
            created(),
            completed(),
            TaskEvent::TaskReopened {
                to: TaskStatus::Todo,
                at: t0(),
            },
        ])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_events(vec![TaskEvent::TaskCompleted {
            from: TaskStatus::Todo,
            at: t1(),
        }]);
}

// ---------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn deleting_a_task_emits_task_deleted() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_owner(TaskCommand::Delete))
        .await
        .then_expect_events(vec![TaskEvent::TaskDeleted { at: t1() }]);
}

#[tokio::test]
async fn deleting_a_completed_task_is_allowed() {
    TaskTester::with(())
        .given(vec![created(), completed()])
        .when_async(as_owner(TaskCommand::Delete))
        .await
        .then_expect_events(vec![TaskEvent::TaskDeleted { at: t1() }]);
}

#[test]
fn a_deleted_task_is_marked_deleted() {
    let task = replay([created(), TaskEvent::TaskDeleted { at: t1() }]);
    assert!(task.deleted);
    assert_eq!(task.updated_at, Some(t1()));
}

#[tokio::test]
async fn updating_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("Too late").unwrap()),
            ..TaskChanges::default()
        })))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn an_empty_update_of_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Update(TaskChanges::default())))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn completing_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn completing_a_deleted_completed_task_reports_deleted() {
    TaskTester::with(())
        .given(vec![created(), completed(), deleted()])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn reopening_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), completed(), deleted()])
        .when_async(as_owner(TaskCommand::Reopen))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn deleting_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Delete))
        .await
        .then_expect_error(TaskError::Deleted);
}

// ---------------------------------------------------------------------------------------------
// Moving on a board
// ---------------------------------------------------------------------------------------------

fn move_to(column_id: &str, position: u32, status: Option<TaskStatus>) -> TaskCommand {
    TaskCommand::MoveOnBoard {
        board_id: BOARD,
        column_id: column_id.into(),
        position,
        status,
    }
}

fn moved(column_id: &str, position: u32) -> TaskEvent {
    TaskEvent::TaskMovedOnBoard {
        board_id: BOARD,
        column_id: column_id.into(),
        position,
        at: t1(),
    }
}

#[tokio::test]
async fn moving_a_task_to_a_column_without_a_status_emits_only_the_move() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_owner(move_to("backlog", 3, None)))
        .await
        .then_expect_events(vec![moved("backlog", 3)]);
}

#[tokio::test]
async fn moving_a_task_to_a_column_of_its_own_status_emits_only_the_move() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::InProgress)])
        .when_async(as_owner(move_to("doing", 0, Some(TaskStatus::InProgress))))
        .await
        .then_expect_events(vec![moved("doing", 0)]);
}

#[tokio::test]
async fn moving_a_task_to_a_column_of_another_status_also_changes_its_status() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_owner(move_to("doing", 1, Some(TaskStatus::InProgress))))
        .await
        .then_expect_events(vec![
            moved("doing", 1),
            TaskEvent::TaskStatusChanged {
                from: TaskStatus::Pending,
                to: TaskStatus::InProgress,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn moving_a_task_to_a_completed_column_completes_it() {
    TaskTester::with(())
        .given(vec![created_with_status(TaskStatus::Review)])
        .when_async(as_owner(move_to("done", 0, Some(TaskStatus::Completed))))
        .await
        .then_expect_events(vec![
            moved("done", 0),
            TaskEvent::TaskCompleted {
                from: TaskStatus::Review,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn moving_a_completed_task_out_of_the_completed_column_reopens_it() {
    TaskTester::with(())
        .given(vec![created(), completed()])
        .when_async(as_owner(move_to("todo", 2, Some(TaskStatus::Todo))))
        .await
        .then_expect_events(vec![
            moved("todo", 2),
            TaskEvent::TaskReopened {
                to: TaskStatus::Todo,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn moving_a_completed_task_within_the_completed_column_keeps_its_completion_time() {
    let events = decide(
        vec![created(), completed()],
        as_owner(move_to("done", 4, Some(TaskStatus::Completed))),
    )
    .await
    .unwrap();
    assert_eq!(events, vec![moved("done", 4)]);
    let task = replay([created(), completed()].into_iter().chain(events));
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.completed_at, Some(t0()));
}

#[test]
fn a_move_changes_nothing_but_the_update_time() {
    let before = replay([created()]);
    let after = replay([created(), moved("backlog", 0)]);
    assert_eq!(
        after,
        Task {
            updated_at: Some(t1()),
            ..before
        }
    );
}

#[tokio::test]
async fn moving_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(move_to("todo", 0, Some(TaskStatus::Todo))))
        .await
        .then_expect_error(TaskError::Deleted);
}

#[tokio::test]
async fn another_user_cannot_move_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(move_to("done", 0, Some(TaskStatus::Completed))))
        .await
        .then_expect_error(TaskError::NotFound);
}

// ---------------------------------------------------------------------------------------------
// Ownership and existence
// ---------------------------------------------------------------------------------------------

fn every_command_on_an_existing_task() -> Vec<TaskCommand> {
    vec![
        TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("Mine now").unwrap()),
            ..TaskChanges::default()
        }),
        TaskCommand::Update(TaskChanges::default()),
        TaskCommand::Complete,
        TaskCommand::Reopen,
        TaskCommand::Delete,
        move_to("todo", 0, Some(TaskStatus::Todo)),
    ]
}

#[tokio::test]
async fn another_user_cannot_update_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("Mine now").unwrap()),
            ..TaskChanges::default()
        })))
        .await
        .then_expect_error(TaskError::NotFound);
}

#[tokio::test]
async fn another_user_cannot_complete_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::NotFound);
}

#[tokio::test]
async fn another_user_cannot_reopen_the_task() {
    TaskTester::with(())
        .given(vec![created(), completed()])
        .when_async(as_stranger(TaskCommand::Reopen))
        .await
        .then_expect_error(TaskError::NotFound);
}

#[tokio::test]
async fn another_user_cannot_delete_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Delete))
        .await
        .then_expect_error(TaskError::NotFound);
}

#[tokio::test]
async fn another_user_cannot_create_over_the_task_either() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::AlreadyExists);
}

#[tokio::test]
async fn another_user_sees_not_found_whatever_the_task_state() {
    let histories = [
        vec![created()],
        vec![created(), completed()],
        vec![created(), deleted()],
        vec![created(), completed(), deleted()],
    ];
    for given in histories {
        for command in every_command_on_an_existing_task() {
            assert_eq!(
                decide(given.clone(), as_stranger(command.clone())).await,
                Err(TaskError::NotFound),
                "{command:?} after {given:?}"
            );
        }
    }
}

#[tokio::test]
async fn commands_on_a_task_that_never_existed_are_not_found() {
    for command in every_command_on_an_existing_task() {
        for actor in [OWNER, STRANGER, UserId::default()] {
            TaskTester::with(())
                .given_no_previous_events()
                .when_async(Stamped::new(actor, t1(), command.clone()))
                .await
                .then_expect_error(TaskError::NotFound);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Events as stored
// ---------------------------------------------------------------------------------------------

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
