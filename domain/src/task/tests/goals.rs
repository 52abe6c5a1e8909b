//! Linking a task to goals: the link records whether the task was done, so a goal's progress
//! follows from the task's own stream.
use super::*;
use crate::ids::GoalId;

const GOAL: GoalId = GoalId(Uuid::from_u128(0x60a1));

fn linked(done: bool) -> TaskEvent {
    TaskEvent::TaskGoalLinked {
        goal_id: GOAL,
        done,
        link_id: None,
        at: t0(),
    }
}

#[tokio::test]
async fn linking_records_whether_the_task_is_done() {
    let open = decide(vec![created()], as_owner(TaskCommand::LinkGoal(GOAL))).await;
    assert_eq!(
        open,
        Ok(vec![TaskEvent::TaskGoalLinked {
            goal_id: GOAL,
            done: false,
            link_id: None,
            at: t1(),
        }])
    );
    let done = decide(vec![created(), completed()], as_owner(TaskCommand::LinkGoal(GOAL))).await;
    assert!(matches!(
        done.as_deref(),
        Ok([TaskEvent::TaskGoalLinked { done: true, .. }])
    ));
}

#[tokio::test]
async fn linking_twice_changes_nothing() {
    let again = decide(vec![created(), linked(false)], as_owner(TaskCommand::LinkGoal(GOAL))).await;
    assert_eq!(again, Ok(vec![]));
}

#[tokio::test]
async fn unlinking_removes_the_link_and_a_missing_link_is_not_found() {
    let unlinked = decide(vec![created(), linked(false)], as_owner(TaskCommand::UnlinkGoal(GOAL))).await;
    assert_eq!(
        unlinked,
        Ok(vec![TaskEvent::TaskGoalUnlinked {
            goal_id: GOAL,
            at: t1()
        }])
    );
    let unlink = TaskCommand::UnlinkGoal(GOAL);
    let after = vec![
        created(),
        linked(false),
        TaskEvent::TaskGoalUnlinked {
            goal_id: GOAL,
            at: t0(),
        },
    ];
    assert_eq!(decide(after, as_owner(unlink.clone())).await, Err(TaskError::NotLinked));
    assert_eq!(TaskError::NotLinked.refusal(), Refusal::NotFound);
}

#[tokio::test]
async fn a_stranger_or_a_deleted_task_cannot_be_linked() {
    let stranger = decide(vec![created()], as_stranger(TaskCommand::LinkGoal(GOAL))).await;
    assert_eq!(stranger, Err(TaskError::Entity(EntityError::NotFound)));
    let gone = decide(vec![created(), deleted()], as_owner(TaskCommand::LinkGoal(GOAL))).await;
    assert_eq!(gone, Err(TaskError::Entity(EntityError::Deleted)));
}
