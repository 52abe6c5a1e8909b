//! Given/when/then tests for the activity goal: its targets and dates.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;

type GoalTester = TestFramework<ActivityGoal>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const GOAL_ID: ActivityGoalId = ActivityGoalId(Uuid::from_u128(0x90a1));

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-03-01T10:30:00Z").unwrap()
}

fn as_owner(command: ActivityGoalCommand) -> Stamped<ActivityGoalCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn new_goal() -> NewActivityGoal {
    NewActivityGoal {
        id: GOAL_ID,
        activity_type: ActivityType::parse("running").unwrap(),
        target_frequency: Frequency::Weekly,
        target_count: Some(TargetCount::parse(3).unwrap()),
        is_active: true,
        ..NewActivityGoal::default()
    }
}

fn created() -> ActivityGoalEvent {
    ActivityGoalEvent::ActivityGoalCreated {
        goal_id: GOAL_ID,
        user_id: OWNER,
        activity_type: "running".into(),
        target_frequency: Frequency::Weekly,
        target_count: Some(3),
        target_duration_minutes: None,
        start_date: Some("2026-03-01".into()),
        end_date: None,
        reminder_time: None,
        is_active: true,
        at: t0(),
    }
}

#[tokio::test]
async fn a_goal_needs_a_count_or_minutes_to_reach() {
    let new = NewActivityGoal {
        target_count: None,
        ..new_goal()
    };
    GoalTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(ActivityGoalCommand::Create(new)))
        .await
        .then_expect_error(ActivityGoalError::NoTarget);
    let minutes_only = NewActivityGoal {
        target_count: None,
        target_duration_minutes: Some(TargetMinutes::parse(150).unwrap()),
        ..new_goal()
    };
    GoalTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(ActivityGoalCommand::Create(minutes_only)))
        .await
        .then_expect_events(vec![ActivityGoalEvent::ActivityGoalCreated {
            goal_id: GOAL_ID,
            user_id: OWNER,
            activity_type: "running".into(),
            target_frequency: Frequency::Weekly,
            target_count: None,
            target_duration_minutes: Some(150),
            start_date: None,
            end_date: None,
            reminder_time: None,
            is_active: true,
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_update_may_not_leave_the_goal_without_a_target_or_ending_before_it_starts() {
    let no_target = ActivityGoalChanges {
        target_count: Some(None),
        ..ActivityGoalChanges::default()
    };
    GoalTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ActivityGoalCommand::Update(no_target)))
        .await
        .then_expect_error(ActivityGoalError::NoTarget);
    let backwards = ActivityGoalChanges {
        end_date: Some(Some(Day::parse("2026-02-28").unwrap())),
        ..ActivityGoalChanges::default()
    };
    GoalTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ActivityGoalCommand::Update(backwards)))
        .await
        .then_expect_error(ActivityGoalError::EndBeforeStart);
}

#[tokio::test]
async fn swapping_the_count_for_minutes_in_one_update_is_allowed() {
    let swap = ActivityGoalChanges {
        target_count: Some(None),
        target_duration_minutes: Some(Some(TargetMinutes::parse(90).unwrap())),
        is_active: Some(false),
        ..ActivityGoalChanges::default()
    };
    GoalTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ActivityGoalCommand::Update(swap)))
        .await
        .then_expect_events(vec![
            ActivityGoalEvent::ActivityGoalTargetCountChanged {
                from: Some(3),
                to: None,
                at: t1(),
            },
            ActivityGoalEvent::ActivityGoalTargetMinutesChanged {
                from: None,
                to: Some(90),
                at: t1(),
            },
            ActivityGoalEvent::ActivityGoalActiveChanged {
                from: true,
                to: false,
                at: t1(),
            },
        ]);
}

#[test]
fn refusals_name_the_field_they_concern() {
    assert_eq!(
        ActivityGoalError::NoTarget.refusal(),
        Refusal::Invalid { field: "target_count" }
    );
    assert_eq!(
        ActivityGoalError::EndBeforeStart.refusal(),
        Refusal::Invalid { field: "end_date" }
    );
    assert_eq!(created().event_type(), "ActivityGoalCreated");
    assert_eq!(ActivityGoal::TYPE, "activity_goal");
}

#[tokio::test]
async fn an_imported_goal_keeps_its_rules_on_update_and_its_old_creation_time() {
    let imported = ActivityGoalEvent::ActivityGoalImported {
        goal_id: GOAL_ID,
        user_id: OWNER,
        activity_type: "running".into(),
        target_frequency: Frequency::Daily,
        target_count: Some(1),
        target_duration_minutes: None,
        start_date: Some("2026-03-01".into()),
        end_date: None,
        reminder_time: None,
        is_active: true,
        created_at: t0(),
        at: t1(),
    };
    let no_target = ActivityGoalChanges {
        target_count: Some(None),
        ..ActivityGoalChanges::default()
    };
    GoalTester::with(())
        .given(vec![imported.clone()])
        .when_async(as_owner(ActivityGoalCommand::Update(no_target)))
        .await
        .then_expect_error(ActivityGoalError::NoTarget);
    let mut goal = ActivityGoal::default();
    goal.apply(imported);
    assert_eq!((goal.life.created_at, goal.life.updated_at), (Some(t0()), Some(t1())));
    assert_eq!(goal.target_frequency, Frequency::Daily);
}
