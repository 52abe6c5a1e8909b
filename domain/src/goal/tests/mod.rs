//! Given/when/then tests for the Goal aggregate and its value types.
use cqrs_es::test::TestFramework;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

type GoalTester = TestFramework<Goal>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const GOAL_ID: GoalId = GoalId(Uuid::from_u128(0x60a1));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: GoalCommand) -> Stamped<GoalCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn created() -> GoalEvent {
    GoalEvent::GoalCreated {
        goal_id: GOAL_ID,
        user_id: OWNER,
        title: "Run a marathon".into(),
        description: None,
        goal_type: GoalType::Outcome,
        status: GoalStatus::Active,
        target_date: None,
        progress: None,
        metrics: Map::new(),
        at: t0(),
    }
}

async fn decide(given: Vec<GoalEvent>, command: Stamped<GoalCommand>) -> Result<Vec<GoalEvent>, GoalError> {
    GoalTester::with(())
        .given(given)
        .when_async(command)
        .await
        .inspect_result()
}

#[tokio::test]
async fn creating_a_goal_emits_every_field() {
    let new = NewGoal {
        id: GOAL_ID,
        title: Title::parse(" Run a marathon ").unwrap(),
        description: Some(Description::parse("Under four hours").unwrap()),
        goal_type: GoalType::Milestone,
        status: GoalStatus::Active,
        target_date: Some(DueDate::parse("2026-10-01").unwrap()),
        progress: Some(Progress::parse(10).unwrap()),
        metrics: JsonObject::parse(json!({"km": 42})).unwrap(),
    };
    let events = decide(vec![], as_owner(GoalCommand::Create(new))).await;
    assert_eq!(
        events,
        Ok(vec![GoalEvent::GoalCreated {
            goal_id: GOAL_ID,
            user_id: OWNER,
            title: "Run a marathon".into(),
            description: Some("Under four hours".into()),
            goal_type: GoalType::Milestone,
            status: GoalStatus::Active,
            target_date: Some("2026-10-01".into()),
            progress: Some(10),
            metrics: json!({"km": 42}).as_object().unwrap().clone(),
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn an_update_emits_one_event_per_field_that_changes() {
    let changes = GoalChanges {
        title: Some(Title::parse("Run a marathon").unwrap()),
        status: Some(GoalStatus::Achieved),
        progress: Some(Some(Progress::parse(100).unwrap())),
        ..GoalChanges::default()
    };
    let events = decide(vec![created()], as_owner(GoalCommand::Update(changes))).await;
    assert_eq!(
        events,
        Ok(vec![
            GoalEvent::GoalStatusChanged {
                from: GoalStatus::Active,
                to: GoalStatus::Achieved,
                at: t1(),
            },
            GoalEvent::GoalProgressSet {
                from: None,
                to: Some(100),
                at: t1(),
            },
        ])
    );
}

#[tokio::test]
async fn clearing_progress_hands_it_back_to_the_tasks() {
    let set = GoalEvent::GoalProgressSet {
        from: None,
        to: Some(40),
        at: t0(),
    };
    let changes = GoalChanges {
        progress: Some(None),
        ..GoalChanges::default()
    };
    let events = decide(vec![created(), set], as_owner(GoalCommand::Update(changes))).await;
    assert_eq!(
        events,
        Ok(vec![GoalEvent::GoalProgressSet {
            from: Some(40),
            to: None,
            at: t1(),
        }])
    );
}

#[tokio::test]
async fn strangers_and_deleted_goals_are_refused() {
    let stranger = Stamped::new(STRANGER, t1(), GoalCommand::Delete);
    assert_eq!(decide(vec![created()], stranger).await, Err(EntityError::NotFound));
    let deleted = GoalEvent::GoalDeleted { at: t0() };
    let again = decide(vec![created(), deleted], as_owner(GoalCommand::Delete)).await;
    assert_eq!(again, Err(EntityError::Deleted));
    let twice = decide(vec![created()], as_owner(GoalCommand::Create(NewGoal::default()))).await;
    assert_eq!(twice, Err(EntityError::AlreadyExists));
}

#[test]
fn goal_values_refuse_what_is_out_of_range() {
    assert_eq!(Progress::parse(101), Err(ValueError::OutOfRange(0, 100)));
    assert_eq!(Progress::parse(-1), Err(ValueError::OutOfRange(0, 100)));
    assert_eq!(u8::from(Progress::parse(100).unwrap()), 100);
    assert_eq!(GoalType::parse("habit"), Ok(GoalType::Habit));
    assert_eq!(GoalType::parse("Habit"), Err(ValueError::NotOneOf(GoalType::NAMES)));
    assert_eq!(GoalStatus::parse("abandoned").map(GoalStatus::as_str), Ok("abandoned"));
    assert_eq!(GoalStatus::parse(""), Err(ValueError::NotOneOf(GoalStatus::NAMES)));
}

#[test]
fn stored_event_names_are_the_variant_names() {
    use cqrs_es::DomainEvent;
    assert_eq!(created().event_type(), "GoalCreated");
    assert_eq!(GoalEvent::GoalDeleted { at: t0() }.event_type(), "GoalDeleted");
    assert_eq!(created().event_version(), "1");
}
