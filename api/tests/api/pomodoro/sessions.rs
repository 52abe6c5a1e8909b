//! Sessions as resources: filters, strangers, idempotent starts, history and `as_of`.
use super::*;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    sessions_are_listed_latest_first_with_date_task_and_type_filters,
    another_users_sessions_are_not_found_and_not_listed,
    an_idempotent_start_replays_and_appends_nothing,
    a_session_has_its_history_and_past_states,
);

async fn sessions_are_listed_latest_first_with_date_task_and_type_filters(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let task = create_task(&app, &token, json!({"title": "Write"})).await;
    let first = started(&app, &token, json!({"type": "work", "task_id": task})).await;
    complete(&app, &token).await;
    let second = started(&app, &token, json!({"type": "short_break"})).await;
    complete(&app, &token).await;
    let third = started(&app, &token, json!({"type": "work"})).await;

    let ids =
        |reply: &Reply| -> Vec<Value> { reply.body.as_array().unwrap().iter().map(|s| s["id"].clone()).collect() };
    let all = app.get(SESSIONS).token(&token).send().await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(
        ids(&all),
        [third["id"].clone(), second["id"].clone(), first["id"].clone()]
    );
    assert_eq!(all.header("x-total-count"), Some("3"));
    let by_task = app
        .get(&format!("{SESSIONS}?task_id={task}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(ids(&by_task), [first["id"].clone()]);
    let breaks = app
        .get(&format!("{SESSIONS}?type=short_break"))
        .token(&token)
        .send()
        .await;
    assert_eq!(ids(&breaks), [second["id"].clone()]);
    let today = first["started_at"].as_str().unwrap()[..10].to_string();
    let on_today = app
        .get(&format!("{SESSIONS}?from={today}&to={today}&limit=1&offset=1"))
        .token(&token)
        .send()
        .await;
    assert_eq!(
        (ids(&on_today), on_today.header("x-total-count")),
        (vec![second["id"].clone()], Some("3"))
    );
    let before = app.get(&format!("{SESSIONS}?to=2020-01-01")).token(&token).send().await;
    assert_eq!(before.body, json!([]));
    let after = app
        .get(&format!("{SESSIONS}?from=9999-12-31"))
        .token(&token)
        .send()
        .await;
    assert_eq!(after.body, json!([]));

    let bad = app
        .get(&format!("{SESSIONS}?from=yesterday&to=2026-02-30&type=nap&limit=0"))
        .token(&token)
        .send()
        .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 4, "{}", bad.text);
}

async fn another_users_sessions_are_not_found_and_not_listed(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (owner, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let session = started(&app, &owner, json!({"type": "work"})).await;
    let path = format!("{SESSIONS}/{}", session["id"].as_str().unwrap());
    let unknown = format!("{SESSIONS}/{}", uuid::Uuid::new_v4());
    for target in [
        path.clone(),
        format!("{path}/history"),
        format!("{path}?as_of=2030-01-01T00:00:00Z"),
    ] {
        for (token, target) in [(&stranger, target.clone()), (&owner, target.replace(&path, &unknown))] {
            app.get(&target)
                .token(token)
                .send()
                .await
                .assert_problem(StatusCode::NOT_FOUND, "not_found");
        }
    }
    let list = app.get(SESSIONS).token(&stranger).send().await;
    assert_eq!(
        (list.body.clone(), list.header("x-total-count")),
        (json!([]), Some("0"))
    );
    let theirs = app.get(CURRENT).token(&stranger).send().await;
    assert_eq!(theirs.body["session"], Value::Null);
    // The stranger's complete concerns their own timer, where nothing runs.
    complete(&app, &stranger)
        .await
        .assert_problem(StatusCode::CONFLICT, "no_running_session");
    assert_eq!(app.get(&path).token(&owner).send().await.body, session);
}

async fn an_idempotent_start_replays_and_appends_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let send = |key: &'static str, path: &'static str| {
        app.post(path)
            .token(&token)
            .header("idempotency-key", key)
            .json(&json!({"type": "work"}))
    };
    let first = send("start-1", START).send().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let after = events(&app).await;
    let again = send("start-1", START).send().await;
    assert_eq!((again.status, &again.body), (StatusCode::CREATED, &first.body));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(events(&app).await, after);

    let done = app
        .post(COMPLETE)
        .token(&token)
        .header("idempotency-key", "done-1")
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let replayed = app
        .post(COMPLETE)
        .token(&token)
        .header("idempotency-key", "done-1")
        .send()
        .await;
    assert_eq!((replayed.status, &replayed.body), (StatusCode::OK, &done.body));
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
}

async fn a_session_has_its_history_and_past_states(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let session = started(&app, &token, json!({"type": "work"})).await;
    let path = format!("{SESSIONS}/{}", session["id"].as_str().unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let done = complete(&app, &token).await.body;
    // Another session and a settings change do not show in this one's history.
    started(&app, &token, json!({"type": "short_break"})).await;
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    let entries: Vec<(&str, i64)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["sequence"].as_i64().unwrap()))
        .collect();
    assert_eq!(entries, [("PomodoroStarted", 2), ("PomodoroCompleted", 3)]);

    let started_at = session["started_at"].as_str().unwrap();
    let past = app
        .get(&format!("{path}?as_of={started_at}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(past.status, StatusCode::OK, "{}", past.text);
    assert_eq!(past.body, session);
    assert_eq!(past.header("etag"), Some("\"2\""));
    let now = app.get(&path).token(&token).send().await;
    assert_eq!(now.body, done);
    app.get(&format!("{path}?as_of=2020-01-01T00:00:00Z"))
        .token(&token)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
}
