//! Members: who may add, change and remove whom; a project always keeps an owner.
use super::*;

fn add(user_id: UserId, role: Role) -> ProjectCommand {
    ProjectCommand::AddMember { user_id, role }
}

fn change(user_id: UserId, role: Role) -> ProjectCommand {
    ProjectCommand::ChangeRole { user_id, role }
}

fn remove(user_id: UserId) -> ProjectCommand {
    ProjectCommand::RemoveMember { user_id }
}

#[tokio::test]
async fn owners_and_admins_add_members_but_only_owners_make_owners() {
    let added = decide(team(), by(ADMIN, add(STRANGER, Role::Member))).await;
    assert_eq!(
        added,
        Ok(vec![ProjectEvent::ProjectMemberAdded {
            user_id: STRANGER,
            role: Role::Member,
            membership_id: None,
            at: t1()
        }])
    );
    assert_eq!(
        decide(team(), by(ADMIN, add(STRANGER, Role::Owner))).await,
        Err(ProjectError::RoleForbids)
    );
    assert!(decide(team(), by(OWNER, add(STRANGER, Role::Owner))).await.is_ok());
    assert_eq!(
        decide(team(), by(MEMBER, add(STRANGER, Role::Viewer))).await,
        Err(ProjectError::RoleForbids)
    );
    assert_eq!(
        decide(team(), by(OWNER, add(VIEWER, Role::Admin))).await,
        Err(ProjectError::AlreadyMember)
    );
}

#[tokio::test]
async fn an_admin_never_acts_on_an_owner() {
    assert_eq!(
        decide(team(), by(ADMIN, change(OWNER, Role::Viewer))).await,
        Err(ProjectError::RoleForbids)
    );
    assert_eq!(
        decide(team(), by(ADMIN, remove(OWNER))).await,
        Err(ProjectError::RoleForbids)
    );
    assert!(decide(team(), by(ADMIN, change(VIEWER, Role::Member))).await.is_ok());
    assert!(decide(team(), by(ADMIN, remove(MEMBER))).await.is_ok());
}

#[tokio::test]
async fn the_last_owner_can_neither_leave_nor_be_demoted() {
    assert_eq!(
        decide(team(), by(OWNER, remove(OWNER))).await,
        Err(ProjectError::LastOwner)
    );
    assert_eq!(
        decide(team(), by(OWNER, change(OWNER, Role::Admin))).await,
        Err(ProjectError::LastOwner)
    );
    assert_eq!(
        ProjectError::LastOwner.refusal(),
        Refusal::Conflict { code: "last_owner" }
    );
    // With a second owner, the first may go.
    let mut given = team();
    given.push(ProjectEvent::ProjectMemberRoleChanged {
        user_id: ADMIN,
        from: Role::Admin,
        to: Role::Owner,
        at: t0(),
    });
    assert!(decide(given, by(OWNER, remove(OWNER))).await.is_ok());
}

#[tokio::test]
async fn anyone_may_leave_and_a_removed_member_no_longer_sees_the_project() {
    let left = decide(team(), by(VIEWER, remove(VIEWER))).await;
    assert_eq!(
        left,
        Ok(vec![ProjectEvent::ProjectMemberRemoved {
            user_id: VIEWER,
            at: t1()
        }])
    );
    assert_eq!(
        decide(team(), by(VIEWER, remove(MEMBER))).await,
        Err(ProjectError::RoleForbids)
    );
    let mut project = Project::default();
    for event in team().into_iter().chain(left.unwrap()) {
        project.apply(event);
    }
    assert!(!project.visible_to(VIEWER));
    assert_eq!(
        project.role_of(VIEWER),
        Err(ProjectError::Entity(EntityError::NotFound))
    );
    assert_eq!(
        decide(team(), by(OWNER, remove(STRANGER))).await,
        Err(ProjectError::NoSuchMember)
    );
}
