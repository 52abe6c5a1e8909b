//! `/api/v1/tasks` through the real router.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    a_task_goes_through_its_whole_life_over_http,
    as_of_shows_the_task_as_it_was,
    the_list_filters_pages_and_counts,
    bad_input_is_refused_with_a_clear_problem_and_changes_nothing,
    another_users_task_is_a_404_on_every_route_and_stays_unchanged,
    two_patches_with_the_same_if_match_one_wins_one_is_412,
    an_idempotency_key_retry_replays_the_first_response_and_appends_nothing,
    a_batch_creates_all_tasks_or_none,
);

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post("/api/v1/tasks").token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

async fn event_count(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn a_task_goes_through_its_whole_life_over_http(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let created = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "  Write the report ", "priority": 3, "tags": ["work", "work", "q4"], "due_date": "2026-12-01"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.header("location"), Some(format!("/api/v1/tasks/{id}").as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["title"], "Write the report");
    assert_eq!(created.body["status"], "pending");
    assert_eq!(created.body["tags"], json!(["work", "q4"]));

    let got = app.get(&format!("/api/v1/tasks/{id}")).token(&token).send().await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, created.body);

    let patched = app
        .patch(&format!("/api/v1/tasks/{id}"))
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"status": "in_progress", "description": "draft", "due_date": null}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.body["status"], "in_progress");
    assert_eq!(patched.body["due_date"], Value::Null);
    assert_eq!(patched.header("etag"), Some("\"4\""));

    let done = app
        .post(&format!("/api/v1/tasks/{id}/complete"))
        .token(&token)
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["status"], "completed");
    assert!(done.body["completed_at"].is_string());
    let again = app
        .post(&format!("/api/v1/tasks/{id}/complete"))
        .token(&token)
        .send()
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "already_completed")
    );

    let reopened = app
        .post(&format!("/api/v1/tasks/{id}/reopen"))
        .token(&token)
        .send()
        .await;
    assert_eq!(reopened.body["status"], "pending");
    assert_eq!(reopened.body["completed_at"], Value::Null);

    let activity = app
        .get(&format!("/api/v1/tasks/{id}/activity"))
        .token(&token)
        .send()
        .await;
    let actions: Vec<&str> = activity
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "reopened",
            "completed",
            "status_changed",
            "due_date_changed",
            "description_changed",
            "created"
        ]
    );
    assert_eq!(activity.header("x-total-count"), Some("6"));
    let status_change = &activity.body[2]["details"];
    assert_eq!(
        (status_change["from"].as_str(), status_change["to"].as_str()),
        (Some("pending"), Some("in_progress"))
    );

    let deleted = app.delete(&format!("/api/v1/tasks/{id}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/tasks/{id}"))
            .token(&token)
            .send()
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let history = app
        .get(&format!("/api/v1/tasks/{id}/history"))
        .token(&token)
        .send()
        .await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"TaskCreated"));
    assert_eq!(types.last(), Some(&"TaskDeleted"));
    assert_eq!(history.body[0]["data"]["title"], "Write the report");
}

async fn as_of_shows_the_task_as_it_was(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let task = create(&app, &token, json!({"title": "first name"})).await;
    let id = task["id"].as_str().unwrap();
    let between = task["created_at"].as_str().unwrap().to_string();
    tokio::task::yield_now().await;
    let renamed = app
        .patch(&format!("/api/v1/tasks/{id}"))
        .token(&token)
        .json(&json!({"title": "second name"}))
        .send()
        .await;
    assert_eq!(renamed.body["title"], "second name");
    let then = app
        .get(&format!("/api/v1/tasks/{id}?as_of={}", between.replace('+', "%2B")))
        .token(&token)
        .send()
        .await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.text);
    assert_eq!(then.body["title"], "first name");
    assert_eq!(then.header("etag"), Some("\"1\""));
    let before = app
        .get(&format!("/api/v1/tasks/{id}?as_of=2000-01-01T00:00:00Z"))
        .token(&token)
        .send()
        .await;
    assert_eq!(before.status, StatusCode::NOT_FOUND);
    let bad = app
        .get(&format!("/api/v1/tasks/{id}?as_of=yesterday"))
        .token(&token)
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_list_filters_pages_and_counts(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let folder = uuid::Uuid::new_v4().to_string();
    for i in 0..7 {
        create(&app, &token, json!({"title": format!("Task {i}"), "priority": i % 3, "tags": if i % 2 == 0 { json!(["even"]) } else { json!(["odd"]) }})).await;
    }
    create(
        &app,
        &token,
        json!({"title": "Buy 100% milk_now", "folder_id": folder, "due_date": "2026-01-10", "status": "todo"}),
    )
    .await;
    let other = app.token_for_new_user();
    create(&app, &other, json!({"title": "not mine"})).await;

    let all = app.get("/api/v1/tasks?limit=3").token(&token).send().await;
    assert_eq!(all.header("x-total-count"), Some("8"));
    assert_eq!(all.body.as_array().unwrap().len(), 3);
    assert_eq!(all.body[0]["title"], "Buy 100% milk_now", "newest first");
    let rest = app.get("/api/v1/tasks?limit=3&offset=6").token(&token).send().await;
    assert_eq!(rest.body.as_array().unwrap().len(), 2);

    // Pages join up to the whole list, and every listed task is exactly what GET shows.
    let whole = app.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(whole.header("content-type"), Some("application/json"));
    let whole = whole.body.as_array().unwrap().clone();
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        let page = app
            .get(&format!("/api/v1/tasks?limit=3&offset={offset}"))
            .token(&token)
            .send()
            .await;
        paged.extend(page.body.as_array().unwrap().iter().cloned());
    }
    assert_eq!(paged, whole);
    for listed in &whole {
        let id = listed["id"].as_str().unwrap();
        let got = app.get(&format!("/api/v1/tasks/{id}")).token(&token).send().await;
        assert_eq!(&got.body, listed);
    }
    let beyond = app.get("/api/v1/tasks?offset=50").token(&token).send().await;
    assert_eq!(
        (beyond.body.clone(), beyond.header("x-total-count")),
        (json!([]), Some("8"))
    );

    let count = |q: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.get(&format!("/api/v1/tasks?{q}"))
                .token(&token)
                .send()
                .await
                .header("x-total-count")
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(count("tag=even").await, "4");
    assert_eq!(count("priority=2").await, "2");
    assert_eq!(count("status=todo").await, "1");
    assert_eq!(
        count(Box::leak(format!("folder_id={folder}").into_boxed_str())).await,
        "1"
    );
    // `q` searches words (full text), never substrings: `%` and `_` are no wildcards.
    assert_eq!(count("q=MILK").await, "1");
    assert_eq!(count("q=100%25").await, "1");
    assert_eq!(count("q=milk_now").await, "1");
    assert_eq!(count("q=k_n").await, "0");
    assert_eq!(count("q=ilk").await, "0");
    assert_eq!(count("q=0%25").await, "1", "the word 0, of Task 0");
    assert_eq!(count("q=%25").await, "0", "a % in q is no wildcard (and no word)");
    assert_eq!(count("due_before=2026-02-01").await, "1");
    assert_eq!(count("due_after=2026-02-01").await, "0");
    assert_eq!(count("goal_id=00000000-0000-0000-0000-000000000001").await, "0");

    for bad in [
        "status=nope",
        "priority=9",
        "limit=0",
        "limit=201",
        "offset=-1",
        "due_before=soon",
        "folder_id=x",
    ] {
        let reply = app.get(&format!("/api/v1/tasks?{bad}")).token(&token).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", reply.text);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"));
    }
}

async fn bad_input_is_refused_with_a_clear_problem_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let before = event_count(&app).await;
    let post = |body: &'static str| app.post("/api/v1/tasks").token(&token).raw("application/json", body);

    let malformed = post("{\"title\": ").send().await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (StatusCode::BAD_REQUEST, "malformed_body")
    );
    let wrong_type = post(r#"{"title": 5}"#).send().await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_type.body["errors"][0]["field"], "title");
    let unknown = post(r#"{"title": "x", "owner": "me"}"#).send().await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.body["errors"][0]["field"], "owner");
    let missing = post(r#"{"priority": 1}"#).send().await;
    assert_eq!(
        (missing.status, missing.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("title"))
    );

    for (body, field) in [
        (json!({"title": "   "}), "title"),
        (json!({"title": "x".repeat(501)}), "title"),
        (json!({"title": "ok", "status": "done-ish"}), "status"),
        (json!({"title": "ok", "priority": 7}), "priority"),
        (json!({"title": "ok", "due_date": "2026-13-45"}), "due_date"),
        (json!({"title": "ok", "tags": [""]}), "tags"),
        (json!({"title": "ok", "estimated_minutes": -5}), "estimated_minutes"),
    ] {
        let reply = app.post("/api/v1/tasks").token(&token).json(&body).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{}", reply.text);
    }
    let ok_500 = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "é".repeat(500)}))
        .send()
        .await;
    assert_eq!(
        ok_500.status,
        StatusCode::CREATED,
        "500 characters is the limit, not 500 bytes"
    );

    let form = app
        .post("/api/v1/tasks")
        .token(&token)
        .raw("text/plain", "title=x")
        .send()
        .await;
    assert_eq!(
        (form.status, form.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    let huge = format!(r#"{{"title": "x", "description": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let too_big = app
        .post("/api/v1/tasks")
        .token(&token)
        .raw("application/json", huge)
        .send()
        .await;
    assert_eq!(
        (too_big.status, too_big.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );

    let id = ok_500.body["id"].as_str().unwrap();
    let null_title = app
        .patch(&format!("/api/v1/tasks/{id}"))
        .token(&token)
        .json(&json!({"title": null}))
        .send()
        .await;
    assert_eq!(null_title.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_patch = app
        .patch(&format!("/api/v1/tasks/{id}"))
        .token(&token)
        .json(&json!({"user_id": "x"}))
        .send()
        .await;
    assert_eq!(unknown_patch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let not_uuid = app.get("/api/v1/tasks/not-a-uuid").token(&token).send().await;
    assert_eq!(not_uuid.status, StatusCode::NOT_FOUND);

    assert_eq!(event_count(&app).await, before + 1, "only the valid create appended");
    let unauthenticated = app.post("/api/v1/tasks").json(&json!({"title": "x"})).send().await;
    assert_eq!(
        (unauthenticated.status, unauthenticated.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}

async fn another_users_task_is_a_404_on_every_route_and_stays_unchanged(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (owner, intruder) = (app.token_for_new_user(), app.token_for_new_user());
    let task = create(&app, &owner, json!({"title": "private"})).await;
    let id = task["id"].as_str().unwrap();
    let before = event_count(&app).await;
    let path = format!("/api/v1/tasks/{id}");
    let replies = [
        app.get(&path).token(&intruder).send().await,
        app.get(&format!("{path}?as_of=2100-01-01T00:00:00Z"))
            .token(&intruder)
            .send()
            .await,
        app.patch(&path)
            .token(&intruder)
            .json(&json!({"title": "mine now"}))
            .send()
            .await,
        app.delete(&path).token(&intruder).send().await,
        app.post(&format!("{path}/complete")).token(&intruder).send().await,
        app.post(&format!("{path}/reopen")).token(&intruder).send().await,
        app.get(&format!("{path}/activity")).token(&intruder).send().await,
        app.get(&format!("{path}/history")).token(&intruder).send().await,
    ];
    for reply in replies {
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{}",
            reply.text
        );
    }
    let list = app.get("/api/v1/tasks").token(&intruder).send().await;
    assert_eq!(list.body, json!([]));
    assert_eq!(event_count(&app).await, before);
    assert_eq!(app.get(&path).token(&owner).send().await.body, task);
}

async fn two_patches_with_the_same_if_match_one_wins_one_is_412(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let task = create(&app, &token, json!({"title": "contended"})).await;
    let path = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    let first = app
        .patch(&path)
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "A"}));
    let second = app
        .patch(&path)
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "B"}));
    let (a, b) = tokio::join!(first.send(), second.send());
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
    let stale = if a.status == StatusCode::OK { &b } else { &a };
    assert_eq!(stale.code(), "stale_version");
    let now = app.get(&path).token(&token).send().await;
    assert_eq!(now.header("etag"), Some("\"2\""));
    let bad = app
        .patch(&path)
        .token(&token)
        .header("if-match", "soon")
        .json(&json!({"title": "C"}))
        .send()
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let stale_delete = app.delete(&path).token(&token).header("if-match", "\"1\"").send().await;
    assert_eq!(stale_delete.status, StatusCode::PRECONDITION_FAILED);
}

async fn an_idempotency_key_retry_replays_the_first_response_and_appends_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let body = json!({"title": "once only"});
    let first = app
        .post("/api/v1/tasks")
        .token(&token)
        .header("idempotency-key", "k-1")
        .json(&body)
        .send()
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let after_first = event_count(&app).await;
    let retry = app
        .post("/api/v1/tasks")
        .token(&token)
        .header("idempotency-key", "k-1")
        .json(&body)
        .send()
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("location"), first.header("location"));
    assert_eq!(retry.header("etag"), Some("\"1\""));
    assert_eq!(event_count(&app).await, after_first);

    let other_body = app
        .post("/api/v1/tasks")
        .token(&token)
        .header("idempotency-key", "k-1")
        .json(&json!({"title": "different"}))
        .send()
        .await;
    assert_eq!(
        (other_body.status, other_body.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    // Keys belong to their user: someone else's identical key is a new request.
    let stranger = app
        .post("/api/v1/tasks")
        .token(&app.token_for_new_user())
        .header("idempotency-key", "k-1")
        .json(&body)
        .send()
        .await;
    assert_eq!(stranger.status, StatusCode::CREATED);
    assert_ne!(stranger.body["id"], first.body["id"]);

    // Concurrent twins: one creates, the other replays.
    let (a, b) = tokio::join!(
        app.post("/api/v1/tasks")
            .token(&token)
            .header("idempotency-key", "k-2")
            .json(&body)
            .send(),
        app.post("/api/v1/tasks")
            .token(&token)
            .header("idempotency-key", "k-2")
            .json(&body)
            .send()
    );
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a.body["id"], b.body["id"]);
    let list = app.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(list.header("x-total-count"), Some("2"));

    let id = first.body["id"].as_str().unwrap();
    let done = app
        .post(&format!("/api/v1/tasks/{id}/complete"))
        .token(&token)
        .header("idempotency-key", "c-1")
        .send()
        .await;
    let done_again = app
        .post(&format!("/api/v1/tasks/{id}/complete"))
        .token(&token)
        .header("idempotency-key", "c-1")
        .send()
        .await;
    assert_eq!((done.status, done_again.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(done.body, done_again.body);
}

async fn a_batch_creates_all_tasks_or_none(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let ok = app
        .post("/api/v1/tasks/batch")
        .token(&token)
        .json(&json!({"tasks": [{"title": "one"}, {"title": "two", "priority": 2}, {"title": "three"}]}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body.as_array().unwrap().len(), 3);
    assert_eq!(ok.body[1]["priority"], 2);
    let before = event_count(&app).await;
    let bad = app
        .post("/api/v1/tasks/batch")
        .token(&token)
        .json(&json!({"tasks": [{"title": "fine"}, {"title": ""}, {"title": "also fine", "status": "??"}]}))
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["tasks[1].title", "tasks[2].status"]);
    assert_eq!(event_count(&app).await, before);
    let empty = app
        .post("/api/v1/tasks/batch")
        .token(&token)
        .json(&json!({"tasks": []}))
        .send()
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(list.header("x-total-count"), Some("3"));
}
