//! Given/when/then tests for the User aggregate and its value types.
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;

type UserTester = TestFramework<User>;

const ME: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00Z").unwrap()
}

fn as_me(command: UserCommand) -> Stamped<UserCommand> {
    Stamped::new(ME, t1(), command)
}

fn registered() -> UserEvent {
    UserEvent::UserRegistered {
        user_id: ME,
        email: "ada@example.com".into(),
        name: "Ada".into(),
        at: t0(),
    }
}

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

fn name(raw: &str) -> UserName {
    UserName::parse(raw).unwrap()
}

#[tokio::test]
async fn registering_records_the_normalised_email_and_name() {
    UserTester::with(())
        .given_no_previous_events()
        .when_async(Stamped::new(
            ME,
            t0(),
            UserCommand::Register {
                email: email("  Ada@Example.COM "),
                name: name(" Ada "),
            },
        ))
        .await
        .then_expect_events(vec![registered()]);
}

#[tokio::test]
async fn registering_twice_is_rejected() {
    UserTester::with(())
        .given(vec![registered()])
        .when_async(as_me(UserCommand::Register {
            email: email("ada@example.com"),
            name: name("Ada"),
        }))
        .await
        .then_expect_error(UserError::AlreadyExists);
}

#[tokio::test]
async fn changing_the_profile_records_each_changed_field_with_from_and_to() {
    UserTester::with(())
        .given(vec![registered()])
        .when_async(as_me(UserCommand::ChangeProfile {
            email: Some(email("ada@lovelace.org")),
            name: Some(name("Ada")),
        }))
        .await
        .then_expect_events(vec![UserEvent::UserEmailChanged {
            from: "ada@example.com".into(),
            to: "ada@lovelace.org".into(),
            at: t1(),
        }]);
}

#[tokio::test]
async fn someone_else_cannot_change_a_profile() {
    UserTester::with(())
        .given(vec![registered()])
        .when_async(Stamped::new(
            STRANGER,
            t1(),
            UserCommand::ChangeProfile {
                email: None,
                name: Some(name("Mallory")),
            },
        ))
        .await
        .then_expect_error(UserError::NotFound);
}

#[tokio::test]
async fn a_password_change_is_recorded_without_any_secret() {
    UserTester::with(())
        .given(vec![registered()])
        .when_async(as_me(UserCommand::RecordPasswordChange))
        .await
        .then_expect_events(vec![UserEvent::UserPasswordChanged { at: t1() }]);
}

#[tokio::test]
async fn only_the_first_login_is_recorded() {
    UserTester::with(())
        .given(vec![registered()])
        .when_async(as_me(UserCommand::RecordLogin))
        .await
        .then_expect_events(vec![UserEvent::UserFirstLoggedIn { at: t1() }]);
    UserTester::with(())
        .given(vec![registered(), UserEvent::UserFirstLoggedIn { at: t0() }])
        .when_async(as_me(UserCommand::RecordLogin))
        .await
        .then_expect_events(vec![]);
}

#[test]
fn emails_are_trimmed_lower_cased_and_shape_checked() {
    assert_eq!(email(" Bob@Example.org ").as_str(), "bob@example.org");
    for bad in [
        "",
        "bob",
        "bob@",
        "@example.org",
        "bob@example",
        "b ob@example.org",
        "a@b@c.org",
        "bob@-x.org",
    ] {
        assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
    }
    let long = format!("{}@example.org", "a".repeat(250));
    assert_eq!(Email::parse(&long), Err(UserValueError::TooLong(Email::MAX_CHARS)));
}

#[test]
fn emails_are_nfkc_and_their_domain_is_written_in_punycode() {
    // Full-width letters are their ASCII selves; a Unicode domain is its IDNA ASCII form.
    assert_eq!(email("ＡＮＮ@ＥＸＡＭＰＬＥ.com").as_str(), "ann@example.com");
    assert_eq!(email("Jörg@Bücher.DE").as_str(), "jörg@xn--bcher-kva.de");
    assert_eq!(email("jörg@xn--bcher-kva.de"), email("jörg@bücher.de"));
    assert_eq!(email("иван@пример.рф").as_str(), "иван@xn--e1afmkfd.xn--p1ai");
    assert_eq!(email("ann+todo@example.org").as_str(), "ann+todo@example.org");
}

#[test]
fn emails_with_invisible_characters_are_refused() {
    for (raw, c) in [
        ("ann\u{200B}@example.com", 0x200B),
        ("a\u{200D}nn@example.com", 0x200D),
        ("ann@exam\u{200C}ple.com", 0x200C),
        ("ann\u{2060}@example.com", 0x2060),
        ("ann@example.com\u{FEFF}x", 0xFEFF),
        ("an\u{00AD}n@example.com", 0x00AD),
    ] {
        assert_eq!(Email::parse(raw), Err(UserValueError::InvisibleCharacter(c)), "{raw:?}");
    }
}

#[test]
fn emails_with_symbols_or_control_characters_are_refused() {
    assert_eq!(
        Email::parse("ann\u{1F600}@example.com"),
        Err(UserValueError::DisallowedCharacter(0x1F600))
    );
    assert_eq!(
        Email::parse("ann\u{7}@example.com"),
        Err(UserValueError::ControlCharacter(7))
    );
    assert!(Email::parse("josé.ßtraße@example.de").is_ok());
}

#[test]
fn emails_mixing_scripts_in_one_part_are_refused() {
    // A Cyrillic `а` (U+0430) among Latin letters, in the local part and in the domain; and
    // the same through a punycode label.
    for raw in [
        "\u{0430}nn@example.com",
        "ann@ex\u{0430}mple.com",
        "ann@xn--exmple-4nf.com",
    ] {
        assert_eq!(Email::parse(raw), Err(UserValueError::MixedScripts), "{raw:?}");
    }
    // One script in each part is fine, even two different ones; Japanese mixes by nature.
    assert!(Email::parse("иван@example.com").is_ok());
    assert!(Email::parse("やまだ太郎@example.jp").is_ok());
}

#[test]
fn names_are_trimmed_and_bounded() {
    assert_eq!(String::from(name("  Grace ")), "Grace");
    assert_eq!(UserName::parse("   "), Err(UserValueError::Empty));
    assert!(UserName::parse(&"é".repeat(200)).is_ok());
    assert_eq!(UserName::parse(&"é".repeat(201)), Err(UserValueError::TooLong(200)));
}

fn onboarding(progress: Option<serde_json::Value>, completed: Option<bool>) -> UserCommand {
    UserCommand::UpdateOnboarding {
        progress: progress.map(|p| OnboardingProgress::parse(p).unwrap()),
        completed,
    }
}

#[tokio::test]
async fn onboarding_records_only_what_really_changes() {
    let step = serde_json::json!({"step": 2});
    let progressed = UserEvent::UserOnboardingProgressChanged {
        progress: step.as_object().unwrap().clone(),
        at: t1(),
    };
    UserTester::with(())
        .given(vec![registered()])
        .when_async(as_me(onboarding(Some(step.clone()), Some(false))))
        .await
        .then_expect_events(vec![progressed.clone()]);
    UserTester::with(())
        .given(vec![registered(), progressed])
        .when_async(as_me(onboarding(Some(step), Some(true))))
        .await
        .then_expect_events(vec![UserEvent::UserOnboardingCompletionChanged {
            completed: true,
            at: t1(),
        }]);
    UserTester::with(())
        .given(vec![registered()])
        .when_async(Stamped::new(STRANGER, t1(), onboarding(None, Some(true))))
        .await
        .then_expect_error(UserError::NotFound);
}

#[test]
fn onboarding_progress_is_a_small_shallow_object() {
    use serde_json::json;
    assert!(OnboardingProgress::parse(json!({"a": {"b": [1, {"c": 2}]}})).is_ok());
    assert_eq!(OnboardingProgress::parse(json!([1])), Err(ValueError::NotAnObject));
    assert_eq!(
        OnboardingProgress::parse(json!({"t": "x".repeat(10_000)})),
        Err(ValueError::TooLong(10_000))
    );
    let deep = (0..8).fold(json!(1), |inner, _| json!([inner]));
    assert_eq!(
        OnboardingProgress::parse(json!({ "d": deep })),
        Err(ValueError::TooDeep(8))
    );
    let fits = (0..7).fold(json!(1), |inner, _| json!([inner]));
    assert!(OnboardingProgress::parse(json!({ "d": fits })).is_ok());
}
