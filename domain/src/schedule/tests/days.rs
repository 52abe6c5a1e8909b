//! Setting a day, replacing it, changing a block by index, deleting and setting it again.
use super::*;

#[tokio::test]
async fn a_day_is_created_under_an_id_derived_from_the_user_and_date() {
    ScheduleTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(set(morning(), false)))
        .await
        .then_expect_events(vec![ScheduleEvent::ScheduleCreated {
            schedule_id: ScheduleId::of(OWNER, DATE),
            user_id: OWNER,
            date: DATE.into(),
            blocks: morning(),
            template_id: None,
            at: t1(),
        }]);
    assert_eq!(ScheduleId::of(OWNER, DATE), ScheduleId::of(OWNER, DATE));
    assert_ne!(ScheduleId::of(OWNER, DATE), ScheduleId::of(STRANGER, DATE));
    assert_ne!(ScheduleId::of(OWNER, DATE), ScheduleId::of(OWNER, "2026-03-03"));
}

#[tokio::test]
async fn a_day_with_a_schedule_is_replaced_only_when_asked() {
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(set(vec![block("14:00", "15:00", "Call")], false)))
        .await
        .then_expect_error(ScheduleError::Exists);
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(set(vec![block("14:00", "15:00", "Call")], true)))
        .await
        .then_expect_events(vec![ScheduleEvent::ScheduleBlocksReplaced {
            from: morning(),
            to: vec![block("14:00", "15:00", "Call")],
            template_id: None,
            at: t1(),
        }]);
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(set(morning(), true)))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn a_block_is_changed_by_its_index() {
    let changes = BlockChanges {
        title: Some("Write the plan".into()),
        end: Some(ClockTime::parse("13:00").unwrap()),
        ..BlockChanges::default()
    };
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ScheduleCommand::ChangeBlock { index: 1, changes }))
        .await
        .then_expect_events(vec![ScheduleEvent::ScheduleBlockChanged {
            index: 1,
            from: block("10:00", "12:00", "Write"),
            to: block("10:00", "13:00", "Write the plan"),
            at: t1(),
        }]);
}

#[tokio::test]
async fn a_change_that_overlaps_or_names_no_block_is_refused() {
    let earlier = BlockChanges {
        start: Some(ClockTime::parse("09:30").unwrap()),
        ..BlockChanges::default()
    };
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ScheduleCommand::ChangeBlock { index: 1, changes: earlier }))
        .await
        .then_expect_error_message("the blocks are invalid: blocks[0] overlaps blocks[1] (09:30-12:00); blocks[1] overlaps blocks[0] (09:00-10:00)");
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ScheduleCommand::ChangeBlock {
            index: 2,
            changes: BlockChanges::default(),
        }))
        .await
        .then_expect_error(ScheduleError::NoSuchBlock);
}

#[tokio::test]
async fn a_deleted_day_is_gone_and_may_be_set_again() {
    let deleted = ScheduleEvent::ScheduleDeleted { at: t0() };
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(as_owner(ScheduleCommand::Delete))
        .await
        .then_expect_events(vec![ScheduleEvent::ScheduleDeleted { at: t1() }]);
    ScheduleTester::with(())
        .given(vec![created(), deleted.clone()])
        .when_async(as_owner(ScheduleCommand::Delete))
        .await
        .then_expect_error(ScheduleError::Entity(EntityError::Deleted));
    ScheduleTester::with(())
        .given(vec![created(), deleted])
        .when_async(as_owner(set(morning(), false)))
        .await
        .then_expect_events(vec![ScheduleEvent::ScheduleCreated {
            schedule_id: ScheduleId::of(OWNER, DATE),
            user_id: OWNER,
            date: DATE.into(),
            blocks: morning(),
            template_id: None,
            at: t1(),
        }]);
}

#[tokio::test]
async fn a_day_that_was_never_set_cannot_be_changed_or_deleted() {
    ScheduleTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(ScheduleCommand::Delete))
        .await
        .then_expect_error(ScheduleError::Entity(EntityError::NotFound));
    ScheduleTester::with(())
        .given(vec![created()])
        .when_async(Stamped::new(STRANGER, t1(), ScheduleCommand::Delete))
        .await
        .then_expect_error(ScheduleError::Entity(EntityError::NotFound));
}

#[test]
fn events_are_stored_under_their_variant_names_with_blocks_as_text_times() {
    assert_eq!(created().event_type(), "ScheduleCreated");
    assert_eq!(Schedule::TYPE, "schedule");
    let json = serde_json::to_value(created()).unwrap();
    assert_eq!(
        json["ScheduleCreated"]["blocks"][0],
        serde_json::json!({"start": "09:00", "end": "10:00", "title": "Plan", "kind": "focus", "task_id": null})
    );
}

#[tokio::test]
async fn an_imported_day_is_its_owners_and_is_set_again_only_when_asked() {
    let imported = ScheduleEvent::ScheduleImported {
        schedule_id: ScheduleId::of(OWNER, DATE),
        user_id: OWNER,
        date: DATE.into(),
        blocks: morning(),
        legacy_id: Uuid::from_u128(0x01d),
        created_at: t0(),
        at: t0(),
    };
    ScheduleTester::with(())
        .given(vec![imported.clone()])
        .when_async(as_owner(set(morning(), false)))
        .await
        .then_expect_error(ScheduleError::Exists);
    ScheduleTester::with(())
        .given(vec![imported])
        .when_async(Stamped::new(STRANGER, t1(), ScheduleCommand::Delete))
        .await
        .then_expect_error(ScheduleError::Entity(EntityError::NotFound));
}
