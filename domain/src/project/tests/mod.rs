//! Given/when/then tests for the Project aggregate: its fields, and who may do what.
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod import;
mod members;

type ProjectTester = TestFramework<Project>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const ADMIN: UserId = UserId(Uuid::from_u128(0x0002));
const MEMBER: UserId = UserId(Uuid::from_u128(0x0003));
const VIEWER: UserId = UserId(Uuid::from_u128(0x0004));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0005));
const PROJECT_ID: ProjectId = ProjectId(Uuid::from_u128(0x9e0c));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn by(actor: UserId, command: ProjectCommand) -> Stamped<ProjectCommand> {
    Stamped::new(actor, t1(), command)
}

fn created() -> ProjectEvent {
    ProjectEvent::ProjectCreated {
        project_id: PROJECT_ID,
        user_id: OWNER,
        client_id: None,
        name: "Website".into(),
        description: None,
        status: ProjectStatus::Active,
        start_date: Some("2026-02-01".into()),
        end_date: None,
        budget: Some("12000.5".into()),
        hourly_rate: None,
        at: t0(),
    }
}

fn added(user_id: UserId, role: Role) -> ProjectEvent {
    ProjectEvent::ProjectMemberAdded {
        user_id,
        role,
        membership_id: None,
        at: t0(),
    }
}

/// A project with an owner, an admin, a member and a viewer.
fn team() -> Vec<ProjectEvent> {
    vec![
        created(),
        added(ADMIN, Role::Admin),
        added(MEMBER, Role::Member),
        added(VIEWER, Role::Viewer),
    ]
}

async fn decide(given: Vec<ProjectEvent>, command: Stamped<ProjectCommand>) -> Result<Vec<ProjectEvent>, ProjectError> {
    ProjectTester::with(())
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}

fn rename(to: &str) -> ProjectCommand {
    ProjectCommand::Update(ProjectChanges {
        name: Some(ProjectName::parse(to).unwrap()),
        ..ProjectChanges::default()
    })
}

#[tokio::test]
async fn the_creator_is_the_first_owner_and_money_stays_exact() {
    let new = NewProject {
        id: PROJECT_ID,
        name: ProjectName::parse(" Website ").unwrap(),
        start_date: Some(Day::parse("2026-02-01").unwrap()),
        budget: Some(Money::parse("12000.50").unwrap()),
        ..NewProject::default()
    };
    let events = decide(vec![], by(OWNER, ProjectCommand::Create(new))).await.unwrap();
    assert!(matches!(
        &events[..],
        [ProjectEvent::ProjectCreated { name, budget: Some(budget), .. }] if name == "Website" && budget == "12000.5"
    ));
    let mut project = Project::default();
    project.apply(events[0].clone());
    assert_eq!(project.role_of(OWNER), Ok(Role::Owner));
    assert!(project.visible_to(OWNER) && !project.visible_to(STRANGER));
}

#[tokio::test]
async fn the_end_date_is_never_before_the_start_date() {
    let end = |day: &str| {
        ProjectCommand::Update(ProjectChanges {
            end_date: Some(Some(Day::parse(day).unwrap())),
            ..ProjectChanges::default()
        })
    };
    assert_eq!(
        decide(vec![created()], by(OWNER, end("2026-01-31"))).await,
        Err(ProjectError::EndBeforeStart)
    );
    assert_eq!(
        ProjectError::EndBeforeStart.refusal(),
        Refusal::Invalid { field: "end_date" }
    );
    assert!(decide(vec![created()], by(OWNER, end("2026-02-01"))).await.is_ok());
    let new = NewProject {
        id: PROJECT_ID,
        start_date: Some(Day::parse("2026-03-01").unwrap()),
        end_date: Some(Day::parse("2026-02-01").unwrap()),
        ..NewProject::default()
    };
    assert_eq!(
        decide(vec![], by(OWNER, ProjectCommand::Create(new))).await,
        Err(ProjectError::EndBeforeStart)
    );
}

#[tokio::test]
async fn owners_and_admins_edit_members_and_viewers_are_forbidden_strangers_not_found() {
    for (actor, allowed) in [(OWNER, true), (ADMIN, true), (MEMBER, false), (VIEWER, false)] {
        let result = decide(team(), by(actor, rename("Site"))).await;
        assert_eq!(result.is_ok(), allowed, "{actor:?}: {result:?}");
        if !allowed {
            assert_eq!(result, Err(ProjectError::RoleForbids));
        }
    }
    assert_eq!(
        ProjectError::RoleForbids.refusal(),
        Refusal::Forbidden { code: "role_forbids" }
    );
    let stranger = decide(team(), by(STRANGER, rename("Site"))).await;
    assert_eq!(stranger, Err(ProjectError::Entity(EntityError::NotFound)));
}

#[tokio::test]
async fn only_an_owner_deletes_and_a_deleted_project_is_gone_for_everyone() {
    assert_eq!(
        decide(team(), by(ADMIN, ProjectCommand::Delete)).await,
        Err(ProjectError::RoleForbids)
    );
    let mut given = team();
    given.push(ProjectEvent::ProjectDeleted { at: t0() });
    let again = decide(given, by(OWNER, rename("x"))).await;
    assert_eq!(again, Err(ProjectError::Entity(EntityError::Deleted)));
}

#[test]
fn values_refuse_what_is_not_exact_or_not_a_day() {
    assert_eq!(String::from(Money::parse("0.10").unwrap()), "0.1");
    assert_eq!(String::from(Money::parse("1250").unwrap()), "1250");
    for bad in [
        "",
        "-1",
        "1.23456",
        "1e3",
        "1,5",
        ".5",
        "5.",
        "NaN",
        "12345678901234",
        " 1",
    ] {
        assert_eq!(Money::parse(bad), Err(ValueError::NotMoney), "{bad}");
    }
    assert!(Day::parse("2026-02-29").is_err());
    assert!(Day::parse("2026-02-28T00:00:00Z").is_err());
    assert_eq!(ProjectStatus::parse("on_hold"), Ok(ProjectStatus::OnHold));
    assert_eq!(
        Role::parse("boss"),
        Err(ValueError::NotOneOf("owner, admin, member, viewer"))
    );
}
