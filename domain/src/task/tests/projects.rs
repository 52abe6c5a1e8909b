//! A project's tasks are shared with its members: what the role in the grant allows.
use super::*;
use crate::project::{Grant, Role};

fn in_project() -> TaskEvent {
    TaskEvent::TaskProjectChanged {
        from: None,
        to: Some(PROJECT),
        at: t0(),
    }
}

fn by_stranger_as(role: Role, project: ProjectId) -> Stamped<TaskCommand> {
    as_stranger(TaskCommand::Complete).with_grant(Some(Grant { project, role }))
}

#[tokio::test]
async fn a_member_of_the_tasks_project_changes_it_and_a_viewer_may_not() {
    for role in [Role::Owner, Role::Admin, Role::Member] {
        let events = decide(vec![created(), in_project()], by_stranger_as(role, PROJECT)).await;
        assert!(
            matches!(events.as_deref(), Ok([TaskEvent::TaskCompleted { .. }])),
            "{role:?}"
        );
    }
    let viewer = decide(vec![created(), in_project()], by_stranger_as(Role::Viewer, PROJECT)).await;
    assert_eq!(viewer, Err(TaskError::RoleForbids));
    assert_eq!(
        TaskError::RoleForbids.refusal(),
        Refusal::Forbidden { code: "role_forbids" }
    );
}

#[tokio::test]
async fn a_grant_for_another_project_or_a_task_outside_projects_is_not_found() {
    let other = ProjectId(Uuid::from_u128(0x07e4));
    let wrong = decide(vec![created(), in_project()], by_stranger_as(Role::Owner, other)).await;
    assert_eq!(wrong, Err(TaskError::Entity(EntityError::NotFound)));
    let outside = decide(vec![created()], by_stranger_as(Role::Owner, PROJECT)).await;
    assert_eq!(outside, Err(TaskError::Entity(EntityError::NotFound)));
    let gone = decide(
        vec![created(), in_project(), deleted()],
        by_stranger_as(Role::Member, PROJECT),
    )
    .await;
    assert_eq!(gone, Err(TaskError::Entity(EntityError::Deleted)));
}

#[test]
fn members_see_the_projects_tasks() {
    let task = replay([created(), in_project()]);
    let grant = Grant {
        project: PROJECT,
        role: Role::Viewer,
    };
    assert!(task.visible_with(STRANGER, Some(&grant)));
    assert!(!task.visible_with(STRANGER, None));
    assert!(task.visible_with(OWNER, None));
}
