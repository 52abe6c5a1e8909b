//! The conventions every resource keeps, checked the same way for each: one [`Case`] (a few
//! lines) per resource. Another user's id is a 404 on every id route, with or without
//! `If-Match`, and changes nothing; a stale `If-Match` is 412; an `Idempotency-Key` replays;
//! bad input is a 4xx problem+json that appends no event; history lists every change; `as_of`
//! gives the past state; a rebuild by replay equals the live tables.
use axum::http::{Method, StatusCode};
use joan_projections::rebuild::rebuild;
use serde_json::{Value, json};

use crate::app::{Reply, TestApp};
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

/// What the suite needs to know of one resource.
struct Case {
    /// The collection (`/api/v1/tasks`).
    base: &'static str,
    /// A valid creation body.
    create: fn() -> Value,
    /// A valid change, and a field it changes (to tell the past state from the present).
    change: fn() -> Value,
    field: &'static str,
    /// Bodies that are not valid creations, as raw text (malformed, wrong types, unknown fields).
    invalid: &'static [&'static str],
    /// Further routes on one resource (`POST {id}/complete`), with their bodies.
    actions: &'static [(&'static str, &'static str, Option<&'static str>)],
}

on_both_backends!(
    tasks_keep_the_conventions,
    boards_keep_the_conventions,
    goals_keep_the_conventions,
    projects_keep_the_conventions,
    clients_keep_the_conventions,
    folders_keep_the_conventions,
    notes_keep_the_conventions,
    templates_keep_the_conventions,
    activities_keep_the_conventions,
    activity_goals_keep_the_conventions,
    prompts_keep_the_conventions,
    ai_providers_keep_the_conventions,
);

async fn ai_providers_keep_the_conventions(backend: Backend) {
    conform(backend, &AI_PROVIDERS).await;
}

const AI_PROVIDERS: Case = Case {
    base: "/api/v1/ai/providers",
    create: || {
        json!({"provider_type": "openai", "provider_name": "Conformance", "api_key": "sk-conformance-1234",
                      "model_name": "gpt-4o-mini", "priority": 2})
    },
    change: || json!({"provider_name": "Changed", "priority": 3}),
    field: "provider_name",
    invalid: &[
        "{",
        r#"{"provider_type": "skynet", "provider_name": "x", "model_name": "m"}"#,
        r#"{"provider_type": "openai", "provider_name": "", "model_name": "m"}"#,
        r#"{"provider_type": "openai", "provider_name": "x", "model_name": "m", "temperature": 9}"#,
        r#"{"provider_type": "openai", "provider_name": "x", "model_name": "m", "nope": 1}"#,
        r#"[]"#,
    ],
    actions: &[("POST", "/test", None)],
};

async fn tasks_keep_the_conventions(backend: Backend) {
    conform(backend, &TASKS).await;
}

async fn boards_keep_the_conventions(backend: Backend) {
    conform(backend, &BOARDS).await;
}

async fn goals_keep_the_conventions(backend: Backend) {
    conform(backend, &GOALS).await;
}

async fn projects_keep_the_conventions(backend: Backend) {
    conform(backend, &PROJECTS).await;
}

async fn clients_keep_the_conventions(backend: Backend) {
    conform(backend, &CLIENTS).await;
}

async fn folders_keep_the_conventions(backend: Backend) {
    conform(backend, &FOLDERS).await;
}

async fn notes_keep_the_conventions(backend: Backend) {
    conform(backend, &NOTES).await;
}

async fn templates_keep_the_conventions(backend: Backend) {
    conform(backend, &TEMPLATES).await;
}

async fn activities_keep_the_conventions(backend: Backend) {
    conform(backend, &ACTIVITIES).await;
}

async fn activity_goals_keep_the_conventions(backend: Backend) {
    conform(backend, &ACTIVITY_GOALS).await;
}

async fn prompts_keep_the_conventions(backend: Backend) {
    conform(backend, &PROMPTS).await;
}

const PROMPTS: Case = Case {
    base: "/api/v1/ai/prompts",
    create: || json!({"name": "Summarise", "category": "writing", "template": "Summarise {text} in {words} words"}),
    change: || json!({"name": "Changed", "is_favorite": true}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": ""}"#,
        r#"{"name": "x", "template": " "}"#,
        r#"{"name": "x", "template": 5}"#,
        r#"{"name": "x", "template": "t", "category": ""}"#,
        r#"{"name": "x", "template": "t", "nope": 1}"#,
        r#"[]"#,
    ],
    actions: &[],
};

const TASKS: Case = Case {
    base: "/api/v1/tasks",
    create: || json!({"title": "Conformance", "priority": 2, "tags": ["a"]}),
    change: || json!({"title": "Changed", "priority": 4}),
    field: "title",
    invalid: &[
        "{",
        r#"{"title": ""}"#,
        r#"{"title": 5}"#,
        r#"{"title": "x", "priority": 99}"#,
        r#"{"title": "x", "nope": 1}"#,
        r#"[]"#,
    ],
    actions: &[
        ("POST", "/complete", None),
        ("POST", "/reopen", None),
        ("GET", "/activity", None),
    ],
};

const BOARDS: Case = Case {
    base: "/api/v1/kanban/boards",
    create: || json!({"name": "Conformance", "settings": {"wip": 3}}),
    change: || json!({"name": "Changed", "description": "now described"}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": ""}"#,
        r#"{"name": ["x"]}"#,
        r#"{"name": "x", "columns": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#,
        r#"{"name": "x", "nope": 1}"#,
    ],
    actions: &[(
        "POST",
        "/move",
        Some(r#"{"task_id": "00000000-0000-0000-0000-000000000001", "column_id": "todo", "position": 0}"#),
    )],
};

const GOALS: Case = Case {
    base: "/api/v1/goals",
    create: || json!({"title": "Conformance", "type": "habit", "metrics": {"days": 30}}),
    change: || json!({"title": "Changed", "progress": 40}),
    field: "title",
    invalid: &[
        "{",
        r#"{"title": ""}"#,
        r#"{"title": "x", "progress": 101}"#,
        r#"{"title": "x", "type": "dream"}"#,
        r#"{"title": "x", "metrics": [1]}"#,
        r#"{"title": "x", "nope": 1}"#,
    ],
    actions: &[
        ("POST", "/tasks/00000000-0000-0000-0000-000000000001", None),
        ("DELETE", "/tasks/00000000-0000-0000-0000-000000000001", None),
    ],
};

const PROJECTS: Case = Case {
    base: "/api/v1/projects",
    create: || json!({"name": "Conformance", "budget": "1000.50", "start_date": "2026-01-01"}),
    change: || json!({"name": "Changed", "hourly_rate": "85"}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": ""}"#,
        r#"{"name": "x", "budget": 12.5}"#,
        r#"{"name": "x", "budget": "1.23456"}"#,
        r#"{"name": "x", "start_date": "2026-02-30"}"#,
        r#"{"name": "x", "status": "sleeping"}"#,
        r#"{"name": "x", "nope": 1}"#,
    ],
    actions: &[
        ("GET", "/members", None),
        (
            "POST",
            "/members",
            Some(r#"{"user_id": "00000000-0000-0000-0000-000000000001", "role": "viewer"}"#),
        ),
        (
            "PATCH",
            "/members/00000000-0000-0000-0000-000000000001",
            Some(r#"{"role": "viewer"}"#),
        ),
        ("DELETE", "/members/00000000-0000-0000-0000-000000000001", None),
    ],
};

const CLIENTS: Case = Case {
    base: "/api/v1/clients",
    create: || json!({"name": "Acme", "email": "ops@acme.example", "phone": "+1 555 0100"}),
    change: || json!({"name": "Acme Ltd", "status": "inactive", "phone": null}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": ""}"#,
        r#"{"name": "x", "email": "not an email"}"#,
        r#"{"name": "x", "phone": "call me"}"#,
        r#"{"name": "x", "status": "gone"}"#,
        r#"{"name": "x", "nope": 1}"#,
    ],
    actions: &[],
};

const FOLDERS: Case = Case {
    base: "/api/v1/folders",
    create: || json!({"name": "Conformance", "color": "#112233", "icon": "star"}),
    change: || json!({"name": "Changed", "position": 3}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": ""}"#,
        r#"{"name": "x", "color": "blue"}"#,
        r#"{"name": "x", "nope": 1}"#,
    ],
    actions: &[],
};

const NOTES: Case = Case {
    base: "/api/v1/notes",
    create: || json!({"title": "Conformance", "content": "# Hello", "tags": ["a"]}),
    change: || json!({"content": "*changed*", "is_pinned": true}),
    field: "content_html",
    invalid: &[
        "{",
        r#"{"title": ""}"#,
        r#"{"title": "x", "is_pinned": "yes"}"#,
        r#"{"title": "x", "nope": 1}"#,
    ],
    actions: &[],
};

const TEMPLATES: Case = Case {
    base: "/api/v1/schedule/templates",
    create: || json!({"name": "Workday", "blocks": [{"start": "09:00", "end": "12:00", "title": "Focus"}]}),
    change: || json!({"name": "Changed", "is_default": true}),
    field: "name",
    invalid: &[
        "{",
        r#"{"name": "", "blocks": []}"#,
        r#"{"name": "x", "blocks": [{"start": "09:00", "end": "10:00", "title": "A"}, {"start": "09:30", "end": "11:00", "title": "B"}]}"#,
        r#"{"name": "x", "blocks": [{"start": "25:00", "end": "26:00", "title": "A"}]}"#,
        r#"{"name": "x", "blocks": [], "nope": 1}"#,
    ],
    actions: &[("POST", "/apply", Some(r#"{"date": "2026-01-05"}"#))],
};

const ACTIVITIES: Case = Case {
    base: "/api/v1/activities",
    create: || json!({"type": "running", "name": "Run", "date": "2026-03-01", "mood_before": 4, "tags": ["a"]}),
    change: || json!({"name": "Long run", "mood_after": 8, "duration_minutes": 45}),
    field: "name",
    invalid: &[
        "{",
        r#"{"type": "running", "name": ""}"#,
        r#"{"type": "running", "name": "x", "mood_before": 11}"#,
        r#"{"type": "running", "name": "x", "duration_minutes": 1441}"#,
        r#"{"type": "running", "name": "x", "time": "7:00"}"#,
        r#"{"type": "running", "name": "x", "nope": 1}"#,
    ],
    actions: &[],
};

const ACTIVITY_GOALS: Case = Case {
    base: "/api/v1/activities/goals",
    create: || json!({"activity_type": "running", "target_frequency": "weekly", "target_count": 3}),
    change: || json!({"activity_type": "cycling", "target_duration_minutes": 90}),
    field: "activity_type",
    invalid: &[
        "{",
        r#"{"activity_type": ""}"#,
        r#"{"activity_type": "x", "target_frequency": "hourly", "target_count": 1}"#,
        r#"{"activity_type": "x", "target_count": 0}"#,
        r#"{"activity_type": "x", "target_count": 1, "nope": 1}"#,
    ],
    actions: &[],
};

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

fn is_problem(reply: &Reply) -> bool {
    reply.header("content-type") == Some("application/problem+json") && reply.body["code"].is_string()
}

async fn conform(backend: Backend, case: &Case) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();

    // An Idempotency-Key replays the first response and appends nothing.
    let create = |key: &'static str| {
        app.post(case.base)
            .token(&owner)
            .header("idempotency-key", key)
            .json(&(case.create)())
    };
    let created = create("conformance-1").send().await;
    assert_eq!(created.status, StatusCode::CREATED, "{}: {}", case.base, created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    let path = format!("{}/{id}", case.base);
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    let after_create = events(&app).await;
    let replayed = create("conformance-1").send().await;
    assert_eq!(
        (replayed.status, &replayed.body),
        (StatusCode::CREATED, &created.body),
        "{}",
        case.base
    );
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        events(&app).await,
        after_create,
        "{}: a replay appended events",
        case.base
    );

    // Bad input is a 4xx problem+json and appends nothing.
    for body in case.invalid {
        for (method, target) in [(Method::POST, case.base), (Method::PATCH, path.as_str())] {
            let reply = app
                .call(method.clone(), target)
                .token(&owner)
                .raw("application/json", body.to_string())
                .send()
                .await;
            assert!(
                reply.status.is_client_error() && is_problem(&reply),
                "{method} {target} {body}: {} {}",
                reply.status,
                reply.text
            );
        }
    }
    assert_eq!(
        events(&app).await,
        after_create,
        "{}: bad input appended events",
        case.base
    );

    // A change with the current If-Match succeeds; a stale one is 412 and changes nothing.
    let changed = app
        .patch(&path)
        .token(&owner)
        .header("if-match", "\"1\"")
        .json(&(case.change)())
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let last = changed.body["version"].as_i64().unwrap();
    assert!(last > 1, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some(format!("\"{last}\"").as_str()));
    let version = events(&app).await;
    let stale = app
        .patch(&path)
        .token(&owner)
        .header("if-match", "\"1\"")
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(
        (stale.status, stale.code()),
        (StatusCode::PRECONDITION_FAILED, "stale_version")
    );
    assert_eq!(events(&app).await, version);

    // Another user's id is a 404 on every id route, with or without If-Match, whatever the
    // version named, and changes nothing; the same as an id that names nothing.
    let before = app.get(&path).token(&owner).send().await;
    let mut routes: Vec<(Method, String, Option<String>)> = vec![
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/history"), None),
        (Method::GET, format!("{path}?as_of=2020-01-01T00:00:00Z"), None),
        (Method::PATCH, path.clone(), Some((case.change)().to_string())),
        (Method::DELETE, path.clone(), None),
    ];
    for (method, suffix, body) in case.actions {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        routes.push((method, format!("{path}{suffix}"), body.map(str::to_string)));
    }
    let unknown = format!("{}/{}", case.base, uuid::Uuid::new_v4());
    for (method, target, body) in &routes {
        let tags = [format!("\"{last}\""), "\"1\"".to_string(), format!("\"{}\"", last + 1)];
        for if_match in std::iter::once(None).chain(tags.iter().map(|t| Some(t.as_str()))) {
            for (token, target) in [(&stranger, target.clone()), (&owner, target.replace(&path, &unknown))] {
                let mut call = app.call(method.clone(), &target).token(token);
                if let Some(tag) = if_match {
                    call = call.header("if-match", tag);
                }
                if let Some(body) = body {
                    call = call.raw("application/json", body.clone());
                }
                let reply = call.send().await;
                assert_eq!(
                    (reply.status, reply.code()),
                    (StatusCode::NOT_FOUND, "not_found"),
                    "{method} {target} If-Match {if_match:?}: {}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(
        events(&app).await,
        version,
        "{}: a stranger changed something",
        case.base
    );
    let after = app.get(&path).token(&owner).send().await;
    assert_eq!((after.status, &after.body), (before.status, &before.body));

    // History lists every change, oldest first; as_of shows the state before the change.
    let history = app.get(&format!("{path}/history")).token(&owner).send().await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    let entries = history.body.as_array().unwrap();
    let sequences: Vec<i64> = entries.iter().map(|e| e["sequence"].as_i64().unwrap()).collect();
    assert_eq!(sequences, (1..=last).collect::<Vec<_>>(), "{}", history.text);
    let created_at = created.body["created_at"].as_str().unwrap();
    let past = app
        .get(&format!("{path}?as_of={created_at}"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(past.status, StatusCode::OK, "{}", past.text);
    assert_eq!(past.body[case.field], created.body[case.field], "{}", past.text);
    assert_eq!(past.header("etag"), Some("\"1\""));
    assert_ne!(after.body[case.field], created.body[case.field]);

    // Deleted, the resource is gone for its owner too, and so is a second delete; its history
    // stays (the audit trail) and ends with the deletion.
    let deleted = app.call(Method::DELETE, &path).token(&owner).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    for method in [Method::GET, Method::DELETE] {
        let gone = app.call(method.clone(), &path).token(&owner).send().await;
        assert_eq!(
            gone.status,
            StatusCode::NOT_FOUND,
            "{method} {path} after delete: {}",
            gone.text
        );
    }
    let history = app.get(&format!("{path}/history")).token(&owner).send().await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text);
    assert_eq!(
        history.body.as_array().map(Vec::len),
        Some(last as usize + 1),
        "{}",
        history.text
    );

    // A rebuild by replay gives exactly the live tables.
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, case.base);
}
