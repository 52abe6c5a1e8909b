//! Given/when/then tests for the Prompt aggregate.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

type PromptTester = TestFramework<Prompt>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const PROMPT: PromptId = PromptId(Uuid::from_u128(0x9e07));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00Z").unwrap()
}

fn created() -> PromptEvent {
    PromptEvent::PromptCreated {
        prompt_id: PROMPT,
        user_id: OWNER,
        name: "Summarise".into(),
        description: None,
        category: Some("writing".into()),
        template: "Summarise {text} in {words} words".into(),
        is_favorite: false,
        at: t0(),
    }
}

#[tokio::test]
async fn creating_a_prompt_records_it_trimmed() {
    let new = NewPrompt {
        id: PROMPT,
        name: PromptName::parse(" Summarise ").unwrap(),
        description: None,
        category: Some(PromptCategory::parse("writing").unwrap()),
        template: PromptText::parse("Summarise {text} in {words} words").unwrap(),
        is_favorite: false,
    };
    PromptTester::with(())
        .given_no_previous_events()
        .when_async(Stamped::new(OWNER, t0(), PromptCommand::Create(new)))
        .await
        .then_expect_events(vec![created()]);
}

#[tokio::test]
async fn an_update_records_only_what_changes() {
    let changes = PromptChanges {
        name: Some(PromptName::parse("Summarise").unwrap()),
        category: Some(None),
        is_favorite: Some(true),
        ..PromptChanges::default()
    };
    PromptTester::with(())
        .given(vec![created()])
        .when_async(Stamped::new(OWNER, t1(), PromptCommand::Update(changes)))
        .await
        .then_expect_events(vec![
            PromptEvent::PromptCategoryChanged {
                from: Some("writing".into()),
                to: None,
                at: t1(),
            },
            PromptEvent::PromptFavoriteChanged {
                from: false,
                to: true,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn strangers_and_deleted_prompts_are_refused() {
    for command in [PromptCommand::Delete, PromptCommand::RecordUse] {
        PromptTester::with(())
            .given(vec![created()])
            .when_async(Stamped::new(STRANGER, t1(), command.clone()))
            .await
            .then_expect_error(PromptError::NotFound);
        PromptTester::with(())
            .given(vec![created(), PromptEvent::PromptDeleted { at: t0() }])
            .when_async(Stamped::new(OWNER, t1(), command))
            .await
            .then_expect_error(PromptError::Deleted);
    }
}

#[test]
fn a_blank_template_is_refused_and_variables_come_from_the_placeholders() {
    assert_eq!(PromptText::parse(" \u{200B}\n").unwrap_err(), ValueError::Empty);
    let text = PromptText::parse("Plan {day} around {input.schedule}; {day} again").unwrap();
    assert_eq!(text.variables(), vec!["day", "input.schedule"]);
    assert_eq!(created().event_type(), "PromptCreated");
    assert_eq!(Prompt::TYPE, "ai_prompt");
}
