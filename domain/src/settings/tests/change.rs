//! The first change creates the stream with the defaults; later ones change only what differs.
use super::*;

#[tokio::test]
async fn a_first_change_writes_the_defaults_then_the_change() {
    let mut defaults = created();
    if let SettingsEvent::SettingsCreated { at, .. } = &mut defaults {
        *at = t1();
    }
    SettingsTester::with(())
        .given_no_previous_events()
        .when_async(change(SettingsChanges {
            theme: Some(Theme::Dark),
            ..SettingsChanges::default()
        }))
        .await
        .then_expect_events(vec![
            defaults,
            SettingsEvent::SettingsThemeChanged {
                from: Theme::System,
                to: Theme::Dark,
                at: t1(),
            },
        ]);
}

#[tokio::test]
async fn a_first_change_to_the_defaults_writes_nothing() {
    SettingsTester::with(())
        .given_no_previous_events()
        .when_async(change(SettingsChanges {
            theme: Some(Theme::System),
            timezone: Some(Timezone::parse("UTC").unwrap()),
            openai_api_key: Some(None),
            ..SettingsChanges::default()
        }))
        .await
        .then_expect_events(vec![]);
}

#[tokio::test]
async fn only_fields_that_really_change_give_events_in_a_fixed_order() {
    let at = t1();
    SettingsTester::with(())
        .given(vec![created()])
        .when_async(change(SettingsChanges {
            timezone: Some(Timezone::parse("Europe/Paris").unwrap()),
            default_work_duration: Some(WorkMinutes::parse(25).unwrap()),
            default_break_duration: Some(BreakMinutes::parse(10).unwrap()),
            local_llm_url: Some(Some(LocalLlmUrl::parse("http://localhost:11434").unwrap())),
            notifications_enabled: Some(true),
            ..SettingsChanges::default()
        }))
        .await
        .then_expect_events(vec![
            SettingsEvent::SettingsBreakDurationChanged { from: 5, to: 10, at },
            SettingsEvent::SettingsLocalLlmUrlChanged {
                from: None,
                to: Some("http://localhost:11434".into()),
                at,
            },
            SettingsEvent::SettingsTimezoneChanged {
                from: "UTC".into(),
                to: "Europe/Paris".into(),
                at,
            },
        ]);
}

#[tokio::test]
async fn a_key_given_is_always_sealed_anew_and_a_clear_needs_a_key() {
    let at = t1();
    let set = SettingsEvent::SettingsApiKeySet {
        provider: Provider::OpenAi,
        key: sealed(1),
        at: t0(),
    };
    SettingsTester::with(())
        .given(vec![created(), set.clone()])
        .when_async(change(SettingsChanges {
            openai_api_key: Some(Some(sealed(2))),
            anthropic_api_key: Some(None),
            ..SettingsChanges::default()
        }))
        .await
        .then_expect_events(vec![SettingsEvent::SettingsApiKeySet {
            provider: Provider::OpenAi,
            key: sealed(2),
            at,
        }]);
    SettingsTester::with(())
        .given(vec![created(), set])
        .when_async(change(SettingsChanges {
            openai_api_key: Some(None),
            ..SettingsChanges::default()
        }))
        .await
        .then_expect_events(vec![SettingsEvent::SettingsApiKeyCleared {
            provider: Provider::OpenAi,
            at,
        }]);
}

#[tokio::test]
async fn another_user_cannot_change_someone_elses_settings() {
    SettingsTester::with(())
        .given(vec![created()])
        .when_async(Stamped::new(
            STRANGER,
            t1(),
            SettingsCommand::Change(SettingsChanges {
                theme: Some(Theme::Dark),
                ..SettingsChanges::default()
            }),
        ))
        .await
        .then_expect_error(SettingsError::NotFound);
}

#[test]
fn replaying_keeps_the_sealed_key_and_events_have_stable_names() {
    let mut settings = Settings::default();
    for event in [
        created(),
        SettingsEvent::SettingsApiKeySet {
            provider: Provider::Anthropic,
            key: sealed(3),
            at: t1(),
        },
    ] {
        settings.apply(event);
    }
    assert_eq!(settings.api_key(Provider::Anthropic), Some(&sealed(3)));
    assert_eq!(settings.api_key(Provider::OpenAi), None);
    assert_eq!(settings.life.updated_at, Some(t1()));
    assert_eq!(created().event_type(), "SettingsCreated");
    assert_eq!(created().event_version(), "1");
    assert_eq!(Settings::TYPE, "settings");
}
