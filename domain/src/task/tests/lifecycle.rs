//! Completing, reopening and deleting a task, by its own commands or by a status update.
use super::*;

// ---------------------------------------------------------------------------------------------
// Status changes through an update
// ---------------------------------------------------------------------------------------------

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
    assert_eq!(task.life.updated_at, Some(t1()));
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
    assert_eq!(task.life.updated_at, Some(t1()));
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
    assert!(task.life.deleted);
    assert_eq!(task.life.updated_at, Some(t1()));
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
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn an_empty_update_of_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Update(TaskChanges::default())))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn completing_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn completing_a_deleted_completed_task_reports_deleted() {
    TaskTester::with(())
        .given(vec![created(), completed(), deleted()])
        .when_async(as_owner(TaskCommand::Complete))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn reopening_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), completed(), deleted()])
        .when_async(as_owner(TaskCommand::Reopen))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn deleting_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(TaskCommand::Delete))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}
