//! Given/when/then tests for the personal activity and its values.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

type ActivityTester = TestFramework<Activity>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const ACTIVITY_ID: ActivityId = ActivityId(Uuid::from_u128(0xac71));

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-03-02T23:30:00Z").unwrap()
}

fn as_owner(command: ActivityCommand) -> Stamped<ActivityCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn recorded() -> ActivityEvent {
    ActivityEvent::ActivityRecorded {
        activity_id: ACTIVITY_ID,
        user_id: OWNER,
        activity_type: "running".into(),
        name: "Morning run".into(),
        description: None,
        duration_minutes: Some(30),
        date: "2026-03-01".into(),
        time: None,
        levels: Levels {
            mood_before: Some(4),
            ..Levels::default()
        },
        tags: vec!["outdoors".into()],
        location: None,
        weather: None,
        goal_id: None,
        at: t0(),
    }
}

#[tokio::test]
async fn an_activity_without_a_date_is_on_the_day_it_was_recorded() {
    let new = NewActivity {
        id: ACTIVITY_ID,
        activity_type: ActivityType::parse("reading").unwrap(),
        name: ActivityName::parse("Novel").unwrap(),
        ..NewActivity::default()
    };
    ActivityTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(ActivityCommand::Record(new)))
        .await
        .then_expect_events(vec![ActivityEvent::ActivityRecorded {
            activity_id: ACTIVITY_ID,
            user_id: OWNER,
            activity_type: "reading".into(),
            name: "Novel".into(),
            description: None,
            duration_minutes: None,
            date: "2026-03-02".into(),
            time: None,
            levels: Levels::default(),
            tags: Vec::new(),
            location: None,
            weather: None,
            goal_id: None,
            at: t1(),
        }]);
}

#[tokio::test]
async fn each_level_that_changes_is_its_own_event() {
    let changes = ActivityChanges {
        levels: vec![
            (Feeling::MoodBefore, Some(Level::parse(4).unwrap())),
            (Feeling::MoodAfter, Some(Level::parse(8).unwrap())),
            (Feeling::EnergyAfter, None),
        ],
        duration_minutes: Some(Some(DurationMinutes::parse(45).unwrap())),
        ..ActivityChanges::default()
    };
    ActivityTester::with(())
        .given(vec![recorded()])
        .when_async(as_owner(ActivityCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            ActivityEvent::ActivityDurationChanged {
                from: Some(30),
                to: Some(45),
                at: t1(),
            },
            ActivityEvent::ActivityLevelChanged {
                feeling: Feeling::MoodAfter,
                from: None,
                to: Some(8),
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn strangers_are_refused_like_a_missing_activity() {
    ActivityTester::with(())
        .given(vec![recorded()])
        .when_async(Stamped::new(STRANGER, t1(), ActivityCommand::Delete))
        .await
        .then_expect_error(EntityError::NotFound);
}

#[test]
fn levels_are_1_to_10_and_durations_0_to_a_day() {
    assert_eq!(Level::parse(0), Err(ValueError::OutOfRange(1, 10)));
    assert_eq!(Level::parse(11), Err(ValueError::OutOfRange(1, 10)));
    assert!(Level::parse(10).is_ok());
    assert!(DurationMinutes::parse(1_440).is_ok());
    assert_eq!(DurationMinutes::parse(1_441), Err(ValueError::OutOfRange(0, 1_440)));
    assert_eq!(recorded().event_type(), "ActivityRecorded");
    assert_eq!(Activity::TYPE, "activity");
}
