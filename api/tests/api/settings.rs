//! `/settings`: defaults until the first change, validation that changes nothing, and API keys
//! that are shown masked, read back only through `settings::api_key`, and never stored in the
//! clear (not in events, rows, the WAL or anything else in the data directory).
use axum::http::StatusCode;
use joan_api::routes::settings::api_key;
use joan_domain::UserId;
use joan_domain::settings::Provider;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, json_rows, settle};

on_both_backends!(
    a_user_has_the_defaults_until_a_first_change,
    invalid_settings_are_refused_field_by_field_and_change_nothing,
    api_keys_are_shown_masked_and_read_back_only_by_api_key,
    no_plaintext_key_is_stored_anywhere,
    onboarding_round_trips_and_refuses_what_is_not_a_small_object,
);

const OPENAI_KEY: &str = "sk-proj-PLAINTEXTsecret0123-9876abcd";
const ANTHROPIC_KEY: &str = "sk-ant-api03-PLAINTEXTsecret-zyxw";

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn a_user_has_the_defaults_until_a_first_change(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let defaults = app.get("/api/v1/settings").token(&token).send().await;
    assert_eq!(defaults.status, StatusCode::OK, "{}", defaults.text);
    assert_eq!(defaults.header("etag"), None);
    let expected = json!({
        "theme": "system", "notifications_enabled": true, "default_work_duration": 25,
        "default_break_duration": 5, "openai_api_key_set": false, "openai_api_key_mask": null,
        "anthropic_api_key_set": false, "anthropic_api_key_mask": null, "local_llm_enabled": false,
        "local_llm_url": null, "local_llm_model": null, "timezone": "UTC", "version": 0,
        "created_at": null, "updated_at": null,
    });
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(&defaults.body[field], value, "{field}: {}", defaults.text);
    }
    let history = app.get("/api/v1/settings/history").token(&token).send().await;
    assert_eq!((history.status, history.body.clone()), (StatusCode::OK, json!([])));
    // No version to match yet.
    app.patch("/api/v1/settings")
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"theme": "dark"}))
        .send()
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");

    let changed = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(
            &json!({"theme": "dark", "timezone": "Europe/Paris", "default_work_duration": 50,
            "local_llm_enabled": true, "local_llm_url": "http://localhost:11434", "local_llm_model": " llama3 "}),
        )
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some("\"7\""));
    assert_eq!(
        (
            &changed.body["theme"],
            &changed.body["timezone"],
            &changed.body["local_llm_model"]
        ),
        (&json!("dark"), &json!("Europe/Paris"), &json!("llama3"))
    );
    assert_eq!(changed.body["default_break_duration"], 5);
    let created_at = changed.body["created_at"].as_str().unwrap().to_string();
    let again = app.get("/api/v1/settings").token(&token).send().await;
    assert_eq!(again.body, changed.body);

    // The state at an instant: the defaults before the first change.
    let before = app
        .get(&format!("/api/v1/settings?as_of={}", "2020-01-01T00:00:00Z"))
        .token(&token)
        .send()
        .await;
    assert_eq!(
        (before.body["theme"].clone(), before.body["version"].clone()),
        (json!("system"), json!(0))
    );
    let then = app
        .get(&format!("/api/v1/settings?as_of={created_at}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(then.body["timezone"], "Europe/Paris", "{}", then.text);

    let stale = app
        .patch("/api/v1/settings")
        .token(&token)
        .header("if-match", "\"6\"")
        .json(&json!({"theme": "light"}))
        .send()
        .await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
    let history = app.get("/api/v1/settings/history").token(&token).send().await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "SettingsCreated");
    assert_eq!(types.len(), 7, "{}", history.text);
}

async fn invalid_settings_are_refused_field_by_field_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    app.patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"theme": "light"}))
        .send()
        .await;
    let before = app.get("/api/v1/settings").token(&token).send().await;
    let count = events(&app).await;
    let bad = json!({
        "theme": "blue", "timezone": "Mars/Olympus_Mons", "default_work_duration": 0,
        "default_break_duration": 121, "local_llm_url": "ftp://llm.example", "notifications_enabled": null,
        "openai_api_key": "sk has spaces", "local_llm_model": "",
    });
    let refused = app.patch("/api/v1/settings").token(&token).json(&bad).send().await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "default_break_duration",
            "default_work_duration",
            "local_llm_model",
            "local_llm_url",
            "notifications_enabled",
            "openai_api_key",
            "theme",
            "timezone",
        ]
    );
    for body in [
        json!({"timezone": "europe/paris"}),
        json!({"default_work_duration": 2.5}),
        json!({"local_llm_url": "http://me:pw@llm.example"}),
        json!({"nope": 1}),
    ] {
        let reply = app.patch("/api/v1/settings").token(&token).json(&body).send().await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(events(&app).await, count);
    assert_eq!(app.get("/api/v1/settings").token(&token).send().await.body, before.body);
}

/// A registered user's token and id.
async fn user(app: &TestApp, email: &str) -> (String, UserId) {
    let session = app.register_and_login(email).await;
    (session.access, session.user_id.parse().unwrap())
}

async fn api_keys_are_shown_masked_and_read_back_only_by_api_key(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (token, id) = user(&app, "keys@example.com").await;
    let (other, other_id) = user(&app, "other@example.com").await;
    assert_eq!(
        api_key(&app.state, id, Provider::OpenAi).await.unwrap().map(|_| ()),
        None
    );

    let set = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"openai_api_key": OPENAI_KEY, "anthropic_api_key": ANTHROPIC_KEY}))
        .send()
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.body["openai_api_key_set"], true);
    assert_eq!(set.body["openai_api_key_mask"], "sk-...abcd");
    assert_eq!(set.body["anthropic_api_key_mask"], "sk-...zyxw");
    for reply in [
        &set,
        &app.get("/api/v1/settings").token(&token).send().await,
        &app.get("/api/v1/settings/history").token(&token).send().await,
    ] {
        assert!(!reply.text.contains("PLAINTEXT"), "{}", reply.text);
        assert!(!reply.text.contains("ciphertext"), "{}", reply.text);
    }
    let history = app.get("/api/v1/settings/history").token(&token).send().await;
    assert!(history.text.contains("sk-...abcd"), "{}", history.text);

    let opened = api_key(&app.state, id, Provider::OpenAi).await.unwrap().unwrap();
    assert_eq!(opened.expose(), OPENAI_KEY);
    assert_eq!(format!("{opened:?}"), "Secret(<redacted>)");
    let opened = api_key(&app.state, id, Provider::Anthropic).await.unwrap().unwrap();
    assert_eq!(opened.expose(), ANTHROPIC_KEY);
    // Another user has no key, and sees none of this one.
    assert!(api_key(&app.state, other_id, Provider::OpenAi).await.unwrap().is_none());
    let theirs = app.get("/api/v1/settings").token(&other).send().await;
    assert_eq!(theirs.body["openai_api_key_set"], false);

    let cleared = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"openai_api_key": null}))
        .send()
        .await;
    assert_eq!(
        (
            cleared.body["openai_api_key_set"].clone(),
            cleared.body["openai_api_key_mask"].clone()
        ),
        (json!(false), Value::Null)
    );
    assert_eq!(cleared.body["anthropic_api_key_set"], true);
    assert!(api_key(&app.state, id, Provider::OpenAi).await.unwrap().is_none());

    // A rebuild by replay gives the same rows, and the key still opens.
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    joan_projections::rebuild::rebuild(&core.store, core.projections.all(), &())
        .await
        .unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "settings");
    let opened = api_key(&app.state, id, Provider::Anthropic).await.unwrap().unwrap();
    assert_eq!(opened.expose(), ANTHROPIC_KEY);
}

async fn no_plaintext_key_is_stored_anywhere(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (token, _) = user(&app, "disk@example.com").await;
    let set = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"openai_api_key": OPENAI_KEY, "anthropic_api_key": ANTHROPIC_KEY}))
        .send()
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.body["openai_api_key_mask"], "sk-...abcd");

    if backend == Backend::Postgres {
        let db = app.state.core.store.db();
        let mut stored = json_rows(db, "payload, metadata", "from events").await;
        let keys = "openai_api_key_encrypted, openai_api_key_mask, anthropic_api_key_encrypted, anthropic_api_key_mask";
        stored.extend(json_rows(db, keys, "from user_settings").await);
        assert!(!stored.is_empty());
        for text in stored {
            assert!(!text.contains(OPENAI_KEY) && !text.contains(ANTHROPIC_KEY), "{text}");
        }
        return;
    }
    // Every file of the data directory, as bytes: the database, its WAL, anything else.
    let (mut seen, mut masks) = (0, 0);
    let mut dirs = vec![app.db.dir().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            seen += bytes.len();
            masks += bytes.windows(10).filter(|w| *w == b"sk-...abcd").count();
            for key in [OPENAI_KEY, ANTHROPIC_KEY] {
                let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
                assert!(!found, "{} holds a plaintext key", path.display());
            }
        }
    }
    // The files read are the ones written: the mask beside the sealed key is there.
    assert!(seen > 0 && masks > 0, "the data directory holds no trace of the change");
}

async fn onboarding_round_trips_and_refuses_what_is_not_a_small_object(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (token, _) = user(&app, "onboarding@example.com").await;
    let fresh = app.get("/api/v1/onboarding").token(&token).send().await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
    assert_eq!(fresh.body, json!({"progress": {}, "completed": false}));

    let progress = json!({"step": 2, "seen": ["tasks", "boards"], "profile": {"name": true}});
    let saved = app
        .patch("/api/v1/onboarding")
        .token(&token)
        .json(&json!({"progress": progress}))
        .send()
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body, json!({"progress": progress, "completed": false}));
    let done = app
        .patch("/api/v1/onboarding")
        .token(&token)
        .json(&json!({"completed": true}))
        .send()
        .await;
    assert_eq!(done.body, json!({"progress": progress, "completed": true}));
    assert_eq!(app.get("/api/v1/onboarding").token(&token).send().await.body, done.body);

    let count = events(&app).await;
    let deep = (0..10).fold(json!(1), |inner, _| json!({"a": inner}));
    for body in [
        json!({"progress": [1, 2]}),
        json!({"progress": null}),
        json!({"completed": "yes"}),
        json!({"progress": {"text": "x".repeat(10_001)}}),
        json!({"progress": deep}),
        json!({"step": 3}),
    ] {
        let reply = app.patch("/api/v1/onboarding").token(&token).json(&body).send().await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(events(&app).await, count);
    assert_eq!(app.get("/api/v1/onboarding").token(&token).send().await.body, done.body);
}
