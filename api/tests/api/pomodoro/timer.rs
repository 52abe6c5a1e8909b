//! One running session at a time, lengths from the settings, the long-break rhythm.
use super::*;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    one_session_runs_at_a_time_and_ends_by_complete_or_cancel,
    lengths_come_from_the_settings_unless_given,
    after_the_set_number_of_work_sessions_the_suggested_break_is_long,
    invalid_starts_are_refused_field_by_field_and_append_nothing,
    settings_have_defaults_versions_and_history,
);

async fn one_session_runs_at_a_time_and_ends_by_complete_or_cancel(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let idle = app.get(CURRENT).token(&token).send().await;
    assert_eq!(idle.status, StatusCode::OK, "{}", idle.text);
    assert_eq!(idle.body["session"], Value::Null);
    assert_eq!(idle.body["next_type"], "work");

    let created = start(&app, &token, json!({"type": "work", "notes": "draft"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let session = &created.body;
    let path = format!("{SESSIONS}/{}", session["id"].as_str().unwrap());
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(
        (&session["type"], &session["duration_minutes"], &session["completed"]),
        (&json!("work"), &json!(25), &json!(false))
    );
    assert_eq!(session["ended_at"], Value::Null);

    let running = app.get(CURRENT).token(&token).send().await;
    assert_eq!(running.body["session"], *session);
    let left = running.body["remaining_seconds"].as_i64().unwrap();
    assert!((1490..=1500).contains(&left), "{}", running.text);
    assert_eq!(running.body["next_type"], "short_break");

    let before = events(&app).await;
    start(&app, &token, json!({"type": "short_break"}))
        .await
        .assert_problem(StatusCode::CONFLICT, "session_running");
    assert_eq!(events(&app).await, before);

    let done = complete(&app, &token).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        (&done.body["id"], &done.body["completed"]),
        (&session["id"], &json!(true))
    );
    assert!(done.body["ended_at"].is_string());
    for route in [COMPLETE, CANCEL] {
        app.post(route)
            .token(&token)
            .send()
            .await
            .assert_problem(StatusCode::CONFLICT, "no_running_session");
    }

    started(&app, &token, json!({"type": "short_break"})).await;
    let cancelled = app
        .post(CANCEL)
        .token(&token)
        .json(&json!({"reason": "phone call"}))
        .send()
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(
        (&cancelled.body["completed"], &cancelled.body["cancel_reason"]),
        (&json!(false), &json!("phone call"))
    );
    // A cancelled session does not count: the last one that ran its course was work, so a
    // break is still suggested.
    let after = app.get(CURRENT).token(&token).send().await;
    assert_eq!(
        (&after.body["session"], &after.body["next_type"]),
        (&Value::Null, &json!("short_break"))
    );
    // Without a body, cancel is fine too.
    started(&app, &token, json!({"type": "work"})).await;
    let bare = app.post(CANCEL).token(&token).send().await;
    assert_eq!(
        (bare.status, &bare.body["cancel_reason"]),
        (StatusCode::OK, &Value::Null)
    );
}

async fn lengths_come_from_the_settings_unless_given(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let changed = app
        .patch(SETTINGS)
        .token(&token)
        .json(&json!({"work_duration": 50, "short_break_duration": 7, "long_break_duration": 20}))
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    for (kind, minutes) in [("work", 50), ("short_break", 7), ("long_break", 20)] {
        let session = started(&app, &token, json!({"type": kind})).await;
        assert_eq!(session["duration_minutes"], minutes, "{kind}");
        app.post(CANCEL).token(&token).send().await;
    }
    let given = started(&app, &token, json!({"type": "work", "duration_minutes": 240})).await;
    assert_eq!(given["duration_minutes"], 240);
    let current = app.get(CURRENT).token(&token).send().await;
    assert_eq!(
        current.body["ends_at"].as_str().map(str::len),
        Some(27),
        "{}",
        current.text
    );
}

async fn after_the_set_number_of_work_sessions_the_suggested_break_is_long(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    app.patch(SETTINGS)
        .token(&token)
        .json(&json!({"sessions_until_long_break": 2}))
        .send()
        .await;
    let next = async |app: &TestApp| app.get(CURRENT).token(&token).send().await.body["next_type"].clone();
    let mut seen = Vec::new();
    for kind in ["work", "short_break", "work", "long_break", "work"] {
        started(&app, &token, json!({"type": kind})).await;
        assert_eq!(complete(&app, &token).await.status, StatusCode::OK);
        seen.push(next(&app).await);
    }
    assert_eq!(seen, ["short_break", "work", "long_break", "work", "short_break"]);
    let current = app.get(CURRENT).token(&token).send().await;
    assert_eq!(current.body["work_sessions_since_long_break"], 1);
    assert_eq!(current.body["sessions_until_long_break"], 2);
    // While work runs, what comes after it is suggested.
    started(&app, &token, json!({"type": "work"})).await;
    assert_eq!(next(&app).await, "long_break");
}

async fn invalid_starts_are_refused_field_by_field_and_append_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (token, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let theirs = create_task(&app, &stranger, json!({"title": "Theirs"})).await;
    let before = events(&app).await;
    let bad = start(
        &app,
        &token,
        json!({"type": "nap", "duration_minutes": 0, "notes": "a\u{0}b", "task_id": theirs}),
    )
    .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["type", "duration_minutes", "notes", "task_id"]);
    for body in [
        json!({"type": "work", "duration_minutes": 241}),
        json!({"type": "work", "task_id": theirs}),
        json!({"type": "work", "task_id": "not a uuid"}),
        json!({"type": "work", "extra": 1}),
        json!({}),
    ] {
        let reply = start(&app, &token, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
    }
    let reason = app
        .post(CANCEL)
        .token(&token)
        .json(&json!({"reason": " "}))
        .send()
        .await;
    reason.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let settings = app
        .patch(SETTINGS)
        .token(&token)
        .json(&json!({"work_duration": 0, "sessions_until_long_break": 13, "sound_enabled": null}))
        .send()
        .await;
    settings.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        settings.body["errors"].as_array().unwrap().len(),
        3,
        "{}",
        settings.text
    );
    assert_eq!(events(&app).await, before);
}

async fn settings_have_defaults_versions_and_history(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let defaults = app.get(SETTINGS).token(&token).send().await;
    assert_eq!(defaults.header("etag"), None);
    let expected = json!({"work_duration": 25, "short_break_duration": 5, "long_break_duration": 15,
        "sessions_until_long_break": 4, "auto_start_breaks": false, "auto_start_pomodoros": false,
        "sound_enabled": true, "version": 0});
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(&defaults.body[field], value, "{field}: {}", defaults.text);
    }
    app.patch(SETTINGS)
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"sound_enabled": false}))
        .send()
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
    let changed = app
        .patch(SETTINGS)
        .token(&token)
        .json(&json!({"sound_enabled": false, "auto_start_breaks": true}))
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some("\"3\""));
    let created_at = changed.body["created_at"].as_str().unwrap().to_string();
    started(&app, &token, json!({"type": "work"})).await;
    app.patch(SETTINGS)
        .token(&token)
        .header("if-match", "\"3\"")
        .json(&json!({"work_duration": 30}))
        .send()
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
    let current = app
        .patch(SETTINGS)
        .token(&token)
        .header("if-match", "\"4\"")
        .json(&json!({"work_duration": 30}))
        .send()
        .await;
    assert_eq!(
        (current.status, &current.body["work_duration"]),
        (StatusCode::OK, &json!(30))
    );

    let history = app.get(&format!("{SETTINGS}/history")).token(&token).send().await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "PomodoroOpened",
            "PomodoroAutoStartBreaksChanged",
            "PomodoroSoundChanged",
            "PomodoroWorkDurationChanged"
        ]
    );
    let past = app
        .get(&format!("{SETTINGS}?as_of={created_at}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(
        (&past.body["work_duration"], &past.body["sound_enabled"]),
        (&json!(25), &json!(false))
    );
    let other = app.token_for_new_user();
    let theirs = app.get(SETTINGS).token(&other).send().await;
    assert_eq!(theirs.body["sound_enabled"], true);
}

on_both_backends!(two_concurrent_starts_give_one_session);

async fn two_concurrent_starts_give_one_session(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let (a, b) = tokio::join!(
        start(&app, &token, json!({"type": "work"})),
        start(&app, &token, json!({"type": "long_break"}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{} / {}",
        a.text,
        b.text
    );
    let list = app.get(SESSIONS).token(&token).send().await;
    assert_eq!(list.header("x-total-count"), Some("1"));
}
