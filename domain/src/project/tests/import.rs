//! A project taken in from the old system: its owner is its owner member, and its old
//! members have their roles.
use cqrs_es::Aggregate;

use super::*;

fn replay(events: Vec<ProjectEvent>) -> Project {
    let mut project = Project::default();
    for event in events {
        project.apply(event);
    }
    project
}

fn imported() -> Vec<ProjectEvent> {
    vec![
        ProjectEvent::ProjectImported {
            project_id: PROJECT_ID,
            user_id: OWNER,
            client_id: None,
            name: "Old website".into(),
            description: None,
            status: ProjectStatus::Active,
            start_date: None,
            end_date: None,
            budget: Some("12000.5".into()),
            hourly_rate: None,
            created_at: t0(),
            at: t0(),
        },
        ProjectEvent::ProjectMemberAdded {
            user_id: VIEWER,
            role: Role::Viewer,
            membership_id: Some(Uuid::from_u128(0x3e3b)),
            at: t0(),
        },
    ]
}

#[tokio::test]
async fn an_imported_project_is_owned_by_its_old_owner_and_keeps_its_members_roles() {
    let project = replay(imported());
    assert_eq!(project.role_of(OWNER), Ok(Role::Owner));
    assert_eq!(project.role_of(VIEWER), Ok(Role::Viewer));
    assert_eq!(project.life.created_at, Some(t0()));
    assert_eq!(
        decide(imported(), by(VIEWER, rename("Mine now"))).await,
        Err(ProjectError::RoleForbids)
    );
    assert!(matches!(
        decide(imported(), by(OWNER, rename("New website"))).await.as_deref(),
        Ok([ProjectEvent::ProjectRenamed { .. }])
    ));
}
