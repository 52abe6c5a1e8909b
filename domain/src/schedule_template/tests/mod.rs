//! Given/when/then tests for the schedule template.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::values::ClockTime;

type TemplateTester = TestFramework<Template>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const TEMPLATE_ID: TemplateId = TemplateId(Uuid::from_u128(0x7e));

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-03-01T10:30:00Z").unwrap()
}

fn as_owner(command: TemplateCommand) -> Stamped<TemplateCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn focus() -> Vec<Block> {
    vec![Block {
        start: ClockTime::parse("09:00").unwrap(),
        end: ClockTime::parse_end("11:00").unwrap(),
        title: "Deep work".into(),
        kind: "focus".into(),
        task_id: None,
    }]
}

fn created() -> TemplateEvent {
    TemplateEvent::TemplateCreated {
        template_id: TEMPLATE_ID,
        user_id: OWNER,
        name: "Workday".into(),
        description: None,
        blocks: focus(),
        is_default: false,
        at: t0(),
    }
}

#[tokio::test]
async fn creating_a_template_records_its_blocks_and_whether_it_is_the_default() {
    let new = NewTemplate {
        id: TEMPLATE_ID,
        name: TemplateName::parse(" Workday ").unwrap(),
        description: None,
        blocks: Blocks::new(focus()).unwrap(),
        is_default: true,
    };
    TemplateTester::with(())
        .given_no_previous_events()
        .when_async(as_owner(TemplateCommand::Create(new)))
        .await
        .then_expect_events(vec![TemplateEvent::TemplateCreated {
            template_id: TEMPLATE_ID,
            user_id: OWNER,
            name: "Workday".into(),
            description: None,
            blocks: focus(),
            is_default: true,
            at: t1(),
        }]);
}

#[tokio::test]
async fn an_update_emits_one_event_per_change_and_the_default_flag_as_asked() {
    let changes = TemplateChanges {
        name: Some(TemplateName::parse("Workday").unwrap()),
        blocks: Some(Blocks::new(Vec::new()).unwrap()),
        is_default: Some(true),
        ..TemplateChanges::default()
    };
    TemplateTester::with(())
        .given(vec![created()])
        .when_async(as_owner(TemplateCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            TemplateEvent::TemplateBlocksChanged {
                from: focus(),
                to: Vec::new(),
                at: t1(),
            },
            TemplateEvent::TemplateMadeDefault { at: t1() },
        ]);
}

#[tokio::test]
async fn strangers_and_deleted_templates_are_refused() {
    TemplateTester::with(())
        .given(vec![created()])
        .when_async(Stamped::new(STRANGER, t1(), TemplateCommand::Delete))
        .await
        .then_expect_error(EntityError::NotFound);
    TemplateTester::with(())
        .given(vec![created(), TemplateEvent::TemplateDeleted { at: t1() }])
        .when_async(as_owner(TemplateCommand::Update(TemplateChanges::default())))
        .await
        .then_expect_error(EntityError::Deleted);
}

#[test]
fn events_are_stored_under_their_variant_names() {
    assert_eq!(created().event_type(), "TemplateCreated");
    assert_eq!(
        TemplateEvent::TemplateMadeDefault { at: t0() }.event_type(),
        "TemplateMadeDefault"
    );
    assert_eq!(Template::TYPE, "schedule_template");
}
