//! Given/when/then tests for the AI provider aggregate.
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type Tester = TestFramework<AiProvider>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const ID: AiProviderId = AiProviderId(Uuid::from_u128(0xa1));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn key() -> SealedKey {
    SealedKey {
        key_id: "0123456789abcdef".into(),
        ciphertext: "sealed".into(),
        mask: "sk-...abcd".into(),
    }
}

fn created(default: bool) -> AiProviderEvent {
    AiProviderEvent::AiProviderCreated {
        provider_id: ID,
        user_id: OWNER,
        provider_type: ProviderType::Openai,
        name: "Work".into(),
        endpoint: None,
        model: "gpt-4o-mini".into(),
        max_tokens: None,
        temperature: Some(0.5),
        active: true,
        default,
        priority: 0,
        key: Some(key()),
        at: t0(),
    }
}

fn update(changes: AiProviderChanges, actor: UserId) -> Stamped<AiProviderCommand> {
    Stamped::new(actor, t0(), AiProviderCommand::Update(Box::new(changes)))
}

#[test]
fn creating_records_the_sealed_key_only() {
    let new = NewAiProvider {
        id: ID,
        provider_type: ProviderType::Openai,
        name: ProviderName::parse(" Work ").unwrap(),
        endpoint: None,
        model: ModelName::parse("gpt-4o-mini").unwrap(),
        max_tokens: None,
        temperature: Some(Temperature::parse(0.5).unwrap()),
        active: true,
        default: false,
        priority: Priority::parse(0).unwrap(),
        key: Some(key()),
    };
    Tester::with(())
        .given_no_previous_events()
        .when(Stamped::new(OWNER, t0(), AiProviderCommand::Create(Box::new(new))))
        .then_expect_events(vec![created(false)]);
}

#[test]
fn making_default_is_recorded_even_when_this_stream_thinks_it_is_already() {
    let changes = AiProviderChanges {
        default: Some(true),
        ..AiProviderChanges::default()
    };
    Tester::with(())
        .given(vec![created(true)])
        .when(update(changes, OWNER))
        .then_expect_events(vec![AiProviderEvent::AiProviderMadeDefault { at: t0() }]);
}

#[test]
fn unchanged_fields_record_nothing_and_a_cleared_key_is_recorded_once() {
    let changes = AiProviderChanges {
        name: Some(ProviderName::parse("Work").unwrap()),
        default: Some(false),
        key: Some(None),
        ..AiProviderChanges::default()
    };
    Tester::with(())
        .given(vec![created(false)])
        .when(update(changes.clone(), OWNER))
        .then_expect_events(vec![AiProviderEvent::AiProviderKeyCleared { at: t0() }]);
    Tester::with(())
        .given(vec![created(false), AiProviderEvent::AiProviderKeyCleared { at: t0() }])
        .when(update(changes, OWNER))
        .then_expect_events(vec![]);
}

#[test]
fn a_strangers_update_is_not_found() {
    Tester::with(())
        .given(vec![created(false)])
        .when(update(AiProviderChanges::default(), STRANGER))
        .then_expect_error(EntityError::NotFound);
}

#[test]
fn temperatures_are_from_0_to_2() {
    assert!(Temperature::parse(2.0).is_ok());
    assert!(Temperature::parse(-0.1).is_err());
    assert!(Temperature::parse(f64::NAN).is_err());
    assert!(MaxTokens::parse(0).is_err());
}
