//! Moving a task on a board, and the status change its column implies.
use super::*;

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
    let mut expected = before;
    expected.life.updated_at = Some(t1());
    assert_eq!(after, expected);
}

#[tokio::test]
async fn moving_a_deleted_task_is_rejected() {
    TaskTester::with(())
        .given(vec![created(), deleted()])
        .when_async(as_owner(move_to("todo", 0, Some(TaskStatus::Todo))))
        .await
        .then_expect_error(TaskError::Entity(EntityError::Deleted));
}

#[tokio::test]
async fn another_user_cannot_move_the_task() {
    TaskTester::with(())
        .given(vec![created()])
        .when_async(as_stranger(move_to("done", 0, Some(TaskStatus::Completed))))
        .await
        .then_expect_error(TaskError::Entity(EntityError::NotFound));
}
