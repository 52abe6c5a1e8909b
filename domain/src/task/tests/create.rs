//! Creating a task, and the state it starts from.
use super::*;

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
    assert_eq!(task.life.owner, STRANGER);
    assert_eq!(task.life.id, Some(TASK_ID));
}

#[tokio::test]
async fn creating_an_existing_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_owner(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::Entity(EntityError::AlreadyExists));
}

#[tokio::test]
async fn creating_over_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Create(full_new_task())))
        .await
        .then_expect_error(TaskError::Entity(EntityError::AlreadyExists));
}

#[test]
fn a_created_task_holds_every_field_and_its_creation_time() {
    let task = replay([created()]);
    assert_eq!(
        task,
        Task {
            life: Lifecycle::born(TASK_ID, OWNER, t0()),
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
            goals: vec![],
            pomodoros: vec![],
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
