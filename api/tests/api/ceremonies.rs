//! `/ceremonies`: the seeded templates, a full Writing Race session, refused transitions,
//! strangers, the AI config and query through a fake `Llm`, and the seam that records AI steps.
//! Sessions are not a plain JSON collection (started by `POST .../start`, never deleted), so
//! the conventions of conformance.rs are checked here: strangers' 404 with and without
//! `If-Match`, 412, idempotent replays, bad input appending nothing, history, `as_of`, rebuild.
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use joan_api::ai::{AiFailure, ChainSource, ChatRequest, Completion, Llm, ProviderKind, ProviderSpec};
use joan_api::http::error::ApiError;
use joan_api::routes::ceremonies::ai::{ai_step_finished, ai_step_started};
use joan_domain::ceremony::session::AiOutcome;
use joan_domain::{Timestamp, UserId};
use joan_projections::rebuild::rebuild;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::{Reply, TestApp};
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

on_both_backends!(
    the_three_ceremonies_are_listed_in_order_with_their_components,
    the_catalog_is_defined_once_whatever_the_number_of_nodes,
    a_writing_race_runs_from_start_to_completion,
    an_ended_session_refuses_further_changes,
    another_users_session_is_not_found_and_changes_nothing,
    a_session_only_links_what_the_caller_can_use,
    the_ai_config_lists_every_ai_step_and_the_callers_providers,
    an_ai_query_fills_the_prompt_and_calls_the_chain,
    ai_steps_are_recorded_once_in_the_session,
);

const TEMPLATES: &str = "/api/v1/ceremonies/templates";
const START: &str = "/api/v1/ceremonies/sessions/start";
const SESSIONS: &str = "/api/v1/ceremonies/sessions";

async fn templates(app: &TestApp, token: &str) -> Vec<Value> {
    let reply = app.get(TEMPLATES).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body.as_array().unwrap().clone()
}

/// The template named `name`.
async fn template(app: &TestApp, token: &str, name: &str) -> Value {
    templates(app, token)
        .await
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no template {name}"))
}

fn types(template: &Value) -> Vec<&str> {
    template["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect()
}

/// The component of `template` of type `kind`.
fn component<'t>(template: &'t Value, kind: &str) -> &'t Value {
    template["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == kind)
        .unwrap()
}

async fn start(app: &TestApp, token: &str, body: Value) -> Reply {
    app.post(START).token(token).json(&body).send().await
}

async fn started(app: &TestApp, token: &str, template: &Value) -> Value {
    let reply = start(app, token, json!({"template_id": template["id"]})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.patch(&format!("{SESSIONS}/{id}"))
        .token(token)
        .json(&body)
        .send()
        .await
}

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn the_three_ceremonies_are_listed_in_order_with_their_components(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let all = templates(&app, &token).await;
    let names: Vec<&str> = all.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Daily Planning", "Writing Race", "Weekly Review"]);
    let race = &all[1];
    assert_eq!(types(race), ["timer", "writing_area", "ai_processor", "task_review"]);
    assert_eq!(component(race, "timer")["config"]["minutes"], 15);
    assert_eq!(types(&all[0]), ["task_review", "ai_processor", "confirm"]);
    assert_eq!(
        types(&all[2]),
        ["metrics_review", "writing_area", "ai_processor", "task_review"]
    );
    // The components come in the template's order, and the ids match.
    let ids: Vec<&Value> = race["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(
        race["component_ids"].as_array().unwrap().iter().collect::<Vec<_>>(),
        ids
    );
    for t in &all {
        let ai = component(t, "ai_processor");
        let prompt = ai["ai_prompt_template"].as_str().unwrap();
        assert!(prompt.contains("{input."), "{prompt}");
        assert_eq!(ai["config"]["output_format"], "json");
        assert_eq!(ai["config"]["output_schema"]["type"], "object");
        assert_eq!(t["is_active"], true);
    }
    let race_prompt = component(race, "ai_processor")["ai_prompt_template"].as_str().unwrap();
    assert!(race_prompt.contains("{input.text}") && race_prompt.contains("estimated_minutes"));

    let one = app
        .get(&format!("{TEMPLATES}/{}", race["id"].as_str().unwrap()))
        .token(&token)
        .send()
        .await;
    assert_eq!((one.status, &one.body), (StatusCode::OK, race));
    let unknown = app
        .get(&format!("{TEMPLATES}/{}", Uuid::new_v4()))
        .token(&token)
        .send()
        .await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let anonymous = app.get(TEMPLATES).send().await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // Every route is in the OpenAPI document.
    let spec = app.get("/api/openapi.json").send().await;
    for path in [
        "/api/v1/ceremonies/templates",
        "/api/v1/ceremonies/templates/{id}",
        "/api/v1/ceremonies/sessions/start",
        "/api/v1/ceremonies/sessions/history",
        "/api/v1/ceremonies/sessions/{id}",
        "/api/v1/ceremonies/sessions/{id}/complete",
        "/api/v1/ceremonies/sessions/{id}/cancel",
        "/api/v1/ceremonies/sessions/{id}/history",
        "/api/v1/ceremonies/ai/config",
        "/api/v1/ceremonies/ai/query",
        "/api/v1/ai/prompts",
        "/api/v1/ai/prompts/{id}",
        "/api/v1/ai/prompts/{id}/history",
    ] {
        assert!(spec.body["paths"][path].is_object(), "{path} is not documented");
    }
}

async fn the_catalog_is_defined_once_whatever_the_number_of_nodes(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let before = events(&app).await;
    // Daily Planning (3 steps), Writing Race (4), Weekly Review (4): one event for each
    // component and template.
    assert_eq!(before, 4 + 5 + 5);
    let (second, third) = tokio::join!(app.second_node(), app.second_node());
    assert_eq!(events(&app).await, before, "another start recorded the catalog again");
    let token = app.token_for_new_user();
    assert_eq!(templates(&second, &token).await, templates(&third, &token).await);
    assert_eq!(templates(&second, &token).await.len(), 3);
}

async fn a_writing_race_runs_from_start_to_completion(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let race = template(&app, &token, "Writing Race").await;
    let session = started(&app, &token, &race).await;
    let id = session["id"].as_str().unwrap().to_string();
    assert_eq!(session["status"], "in_progress");
    assert_eq!(session["current_step"], 0);
    assert_eq!(session["template_id"], race["id"]);
    assert_eq!(session["steps"].as_array().unwrap().len(), 4);
    assert_eq!(session["steps"][2]["type"], "ai_processor");
    assert_eq!(session["input_data"], json!({}));

    // Step 0 (timer) then step 1 (writing), each recorded before moving on.
    let timer = patch(
        &app,
        &token,
        &id,
        json!({"input_data": {"minutes": 10}, "current_step": 1}),
    )
    .await;
    assert_eq!(timer.status, StatusCode::OK, "{}", timer.text);
    assert_eq!(timer.body["current_step"], 1);
    let text = "Call the bank about the loan. Finish the slides for Monday.";
    let written = patch(
        &app,
        &token,
        &id,
        json!({"input_data": {"text": text, "word_count": 11}, "notes": "good flow", "current_step": 2}),
    )
    .await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.text);
    assert_eq!(
        written.body["input_data"],
        json!({"0": {"minutes": 10}, "1": {"text": text, "word_count": 11}})
    );
    assert_eq!(written.body["notes"], "good flow");
    assert_eq!(
        written.header("etag"),
        Some(format!("\"{}\"", written.body["version"]).as_str())
    );

    // The review step keeps two tasks; the session completes with them.
    let kept = json!({"tasks": [{"title": "Call the bank", "priority": 3, "estimated_minutes": 15}]});
    let review = patch(&app, &token, &id, json!({"current_step": 3})).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text);
    let reviewed = patch(&app, &token, &id, json!({"input_data": kept})).await;
    assert_eq!(reviewed.body["input_data"]["3"], kept);
    let before_complete = reviewed.body.clone();
    let done = app
        .post(&format!("{SESSIONS}/{id}/complete"))
        .token(&token)
        .header("idempotency-key", "race-done")
        .json(&json!({"tasks_created": 1, "output_data": kept}))
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["status"], "completed");
    assert_eq!(done.body["tasks_created"], 1);
    assert_eq!(done.body["notes_created"], 0);
    assert_eq!(done.body["duration_minutes"], 0);
    assert_eq!(done.body["output_data"], kept);
    assert!(done.body["completed_at"].is_string());
    let count = events(&app).await;
    let replayed = app
        .post(&format!("{SESSIONS}/{id}/complete"))
        .token(&token)
        .header("idempotency-key", "race-done")
        .json(&json!({"tasks_created": 1, "output_data": kept}))
        .send()
        .await;
    assert_eq!((replayed.status, &replayed.body), (StatusCode::OK, &done.body));
    assert_eq!(events(&app).await, count);

    // History, as_of and the caller's list show it.
    let history = app.get(&format!("{SESSIONS}/{id}/history")).token(&token).send().await;
    let kinds: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "CeremonySessionStarted",
            "CeremonyStepInputRecorded",
            "CeremonySessionStepChanged",
            "CeremonyStepInputRecorded",
            "CeremonySessionNotesChanged",
            "CeremonySessionStepChanged",
            "CeremonySessionStepChanged",
            "CeremonyStepInputRecorded",
            "CeremonySessionCompleted",
        ]
    );
    let at = before_complete["updated_at"].as_str().unwrap();
    let past = app
        .get(&format!("{SESSIONS}/{id}?as_of={at}"))
        .token(&token)
        .send()
        .await;
    assert_eq!((past.status, &past.body), (StatusCode::OK, &before_complete));
    let other = started(&app, &token, &template(&app, &token, "Daily Planning").await).await;
    let list = app.get(&format!("{SESSIONS}/history")).token(&token).send().await;
    assert_eq!(list.header("x-total-count"), Some("2"));
    assert_eq!(list.body[0]["id"], other["id"], "newest first");
    let completed = app
        .get(&format!(
            "{SESSIONS}/history?status=completed&template_id={}",
            race["id"].as_str().unwrap()
        ))
        .token(&token)
        .send()
        .await;
    assert_eq!(completed.body.as_array().unwrap().len(), 1, "{}", completed.text);
    assert_eq!(completed.body[0], done.body);
    let bad = app
        .get(&format!("{SESSIONS}/history?status=done"))
        .token(&token)
        .send()
        .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // A rebuild by replay gives exactly the live tables.
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "ceremony sessions");
}

async fn an_ended_session_refuses_further_changes(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let race = template(&app, &token, "Writing Race").await;
    let id = started(&app, &token, &race).await["id"].as_str().unwrap().to_string();

    // Past the last step, bad values and unknown fields: 4xx, nothing recorded.
    let count = events(&app).await;
    for body in [
        json!({"current_step": 4}),
        json!({"current_step": -1}),
        json!({"input_data": [1]}),
        json!({"input_data": null}),
        json!({"notes": 5}),
        json!({"status": "completed"}),
    ] {
        let reply = patch(&app, &token, &id, body.clone()).await;
        assert!(reply.status.is_client_error(), "{body}: {}", reply.text);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"));
    }
    let reply = patch(&app, &token, &id, json!({"current_step": 4})).await;
    assert_eq!(reply.body["errors"][0]["field"], "current_step", "{}", reply.text);
    for body in [
        json!({"tasks_created": -1}),
        json!({"output_data": "text"}),
        json!({"x": 1}),
    ] {
        let reply = app
            .post(&format!("{SESSIONS}/{id}/complete"))
            .token(&token)
            .json(&body)
            .send()
            .await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(events(&app).await, count);

    // A stale If-Match is 412.
    let stale = app
        .patch(&format!("{SESSIONS}/{id}"))
        .token(&token)
        .header("if-match", "\"7\"")
        .json(&json!({"current_step": 1}))
        .send()
        .await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");

    // Completed (without a body), it cannot be completed, cancelled or changed again.
    let done = app
        .post(&format!("{SESSIONS}/{id}/complete"))
        .token(&token)
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let count = events(&app).await;
    for action in ["complete", "cancel"] {
        let again = app
            .post(&format!("{SESSIONS}/{id}/{action}"))
            .token(&token)
            .send()
            .await;
        again.assert_problem(StatusCode::CONFLICT, "session_ended");
    }
    patch(&app, &token, &id, json!({"notes": "late"}))
        .await
        .assert_problem(StatusCode::CONFLICT, "session_ended");
    assert_eq!(events(&app).await, count);

    // Cancelled, the same.
    let other = started(&app, &token, &race).await["id"].as_str().unwrap().to_string();
    let cancelled = app
        .post(&format!("{SESSIONS}/{other}/cancel"))
        .token(&token)
        .send()
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");
    for action in ["complete", "cancel"] {
        let again = app
            .post(&format!("{SESSIONS}/{other}/{action}"))
            .token(&token)
            .send()
            .await;
        again.assert_problem(StatusCode::CONFLICT, "session_ended");
    }
}

async fn another_users_session_is_not_found_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (owner, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let race = template(&app, &owner, "Writing Race").await;
    let first = start(&app, &owner, json!({"template_id": race["id"]})).await;
    let id = first.body["id"].as_str().unwrap().to_string();
    let path = format!("{SESSIONS}/{id}");
    let before = app.get(&path).token(&owner).send().await;
    let count = events(&app).await;
    let routes = [
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/history"), None),
        (Method::GET, format!("{path}?as_of=2030-01-01T00:00:00Z"), None),
        (Method::PATCH, path.clone(), Some(json!({"current_step": 1}))),
        (Method::POST, format!("{path}/complete"), None),
        (Method::POST, format!("{path}/cancel"), None),
    ];
    let unknown = format!("{SESSIONS}/{}", Uuid::new_v4());
    for (method, target, body) in &routes {
        for if_match in [None, Some("\"1\""), Some("\"2\"")] {
            for (token, target) in [(&stranger, target.clone()), (&owner, target.replace(&path, &unknown))] {
                let mut call = app.call(method.clone(), &target).token(token);
                if let Some(tag) = if_match {
                    call = call.header("if-match", tag);
                }
                if let Some(body) = body {
                    call = call.json(body);
                }
                let reply = call.send().await;
                assert_eq!(
                    (reply.status, reply.code()),
                    (StatusCode::NOT_FOUND, "not_found"),
                    "{method} {target} {if_match:?}: {}",
                    reply.text
                );
            }
        }
    }
    assert_eq!(events(&app).await, count, "a stranger changed something");
    let after = app.get(&path).token(&owner).send().await;
    assert_eq!(after.body, before.body);
    let theirs = app.get(&format!("{SESSIONS}/history")).token(&stranger).send().await;
    assert_eq!(theirs.body, json!([]));
    assert_eq!(theirs.header("x-total-count"), Some("0"));

    // An Idempotency-Key replays the first start.
    let keyed = |token: &str| {
        app.post(START)
            .token(token)
            .header("idempotency-key", "start-1")
            .json(&json!({"template_id": race["id"]}))
    };
    let a = keyed(&owner).send().await;
    let count = events(&app).await;
    let b = keyed(&owner).send().await;
    assert_eq!((b.status, &b.body), (StatusCode::CREATED, &a.body));
    assert_eq!(b.header("idempotent-replayed"), Some("true"));
    assert_eq!(events(&app).await, count);
}

async fn a_session_only_links_what_the_caller_can_use(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (owner, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let planning = template(&app, &owner, "Daily Planning").await;
    let project = app
        .post("/api/v1/projects")
        .token(&owner)
        .json(&json!({"name": "Launch"}))
        .send()
        .await;
    assert_eq!(project.status, StatusCode::CREATED, "{}", project.text);
    let task = app
        .post("/api/v1/tasks")
        .token(&owner)
        .json(&json!({"title": "Plan the launch"}))
        .send()
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.text);
    let (project, task) = (&project.body["id"], &task.body["id"]);

    let linked = start(
        &app,
        &owner,
        json!({"template_id": planning["id"], "project_id": project, "task_id": task}),
    )
    .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
    assert_eq!((&linked.body["project_id"], &linked.body["task_id"]), (project, task));

    let count = events(&app).await;
    for body in [
        json!({"template_id": planning["id"], "project_id": project}),
        json!({"template_id": planning["id"], "task_id": task}),
        json!({"template_id": Uuid::new_v4()}),
    ] {
        start(&app, &stranger, body)
            .await
            .assert_problem(StatusCode::NOT_FOUND, "not_found");
    }
    for body in [
        json!({}),
        json!({"template_id": "nope"}),
        json!({"template_id": planning["id"], "x": 1}),
    ] {
        start(&app, &stranger, body)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(events(&app).await, count);
}

/// A fake `Llm` that answers with `answer` and keeps what it was asked.
struct FakeLlm {
    answer: Value,
    asked: Mutex<Vec<(Vec<Uuid>, ChatRequest)>>,
}

#[async_trait]
impl Llm for FakeLlm {
    async fn complete(&self, chain: &[ProviderSpec], request: &ChatRequest) -> Result<Completion, AiFailure> {
        self.asked
            .lock()
            .unwrap()
            .push((chain.iter().map(|p| p.id).collect(), request.clone()));
        let provider = chain.first().expect("a chain");
        Ok(Completion {
            text: self.answer.to_string(),
            json: Some(self.answer.clone()),
            provider_id: provider.id,
            provider_kind: provider.kind,
            model: provider.model.clone(),
            tokens_in: 120,
            tokens_out: 40,
            latency_ms: 5,
            cost_micro_usd: 0,
            attempts: 1,
        })
    }
}

/// One local provider for every user.
struct FakeChain(Uuid);

#[async_trait]
impl ChainSource for FakeChain {
    async fn chain(&self, _: UserId) -> Result<Vec<ProviderSpec>, ApiError> {
        Ok(vec![ProviderSpec {
            id: self.0,
            kind: ProviderKind::Ollama,
            name: "Local".into(),
            endpoint: None,
            model: "smollm2".into(),
            max_tokens: None,
            temperature: None,
            key: None,
            priority: 0,
        }])
    }
}

fn wire(app: &TestApp, answer: Value) -> (Arc<FakeLlm>, Uuid) {
    let llm = Arc::new(FakeLlm {
        answer,
        asked: Mutex::new(Vec::new()),
    });
    let provider = Uuid::new_v4();
    app.state.ceremony_ai.wire(llm.clone(), Arc::new(FakeChain(provider)));
    (llm, provider)
}

async fn the_ai_config_lists_every_ai_step_and_the_callers_providers(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let unwired = app.get("/api/v1/ceremonies/ai/config").token(&token).send().await;
    assert_eq!(unwired.status, StatusCode::OK, "{}", unwired.text);
    assert_eq!(unwired.body["providers"], json!([]));
    let steps = unwired.body["components"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["template_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Daily Planning", "Writing Race", "Weekly Review"]);
    let race = &steps[1];
    assert_eq!(race["variables"], json!(["input.minutes", "input.text"]));
    assert_eq!(race["output_format"], "json");
    assert_eq!(race["temperature_override"], 0.3);
    assert_eq!(race["max_tokens_override"], 1500);
    assert!(race["output_schema"]["properties"]["tasks"].is_object());

    let (_, provider) = wire(&app, json!({}));
    let wired = app.get("/api/v1/ceremonies/ai/config").token(&token).send().await;
    assert_eq!(
        wired.body["providers"],
        json!([{"id": provider, "kind": "ollama", "name": "Local", "model": "smollm2", "priority": 0}])
    );
}

async fn an_ai_query_fills_the_prompt_and_calls_the_chain(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let race = template(&app, &token, "Writing Race").await;
    let ai = component(&race, "ai_processor")["id"].clone();
    let query = |body: Value| app.post("/api/v1/ceremonies/ai/query").token(&token).json(&body);
    let input = json!({"minutes": 15, "text": "Call the bank tomorrow", "word_count": 4});

    let unwired = query(json!({"component_id": ai, "input": input})).send().await;
    unwired.assert_problem(StatusCode::CONFLICT, "ai_no_provider");

    let answer = json!({"summary": "Money matters.", "tasks": [
        {"title": "Call the bank", "priority": 3, "estimated_minutes": 15}]});
    let (llm, provider) = wire(&app, answer.clone());
    let reply = query(json!({"component_id": ai, "input": input})).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["json"], answer);
    assert_eq!(reply.body["provider_id"], json!(provider));
    assert_eq!(
        (reply.body["tokens_in"].as_u64(), reply.body["tokens_out"].as_u64()),
        (Some(120), Some(40))
    );
    let asked = llm.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    let (chain, request) = &asked[0];
    assert_eq!(chain, &[provider]);
    assert!(request.prompt.contains("Call the bank tomorrow") && request.prompt.contains("15 minutes"));
    assert!(!request.prompt.contains("{input."), "{}", request.prompt);
    assert!(request.json);
    assert_eq!(request.max_tokens, Some(1500));
    assert!(request.json_schema.as_ref().unwrap()["properties"]["summary"].is_object());

    // What the prompt needs must be there; only AI steps run; an unknown one is 404.
    let missing = query(json!({"component_id": ai, "input": {"text": "x"}})).send().await;
    missing.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(missing.text.contains("{input.minutes}"), "{}", missing.text);
    let timer = component(&race, "timer")["id"].clone();
    query(json!({"component_id": timer, "input": input}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    query(json!({"component_id": Uuid::new_v4(), "input": input}))
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    query(json!({"component_id": ai, "input": [1]}))
        .send()
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(llm.asked.lock().unwrap().len(), 1, "a refused query reached the model");
}

async fn ai_steps_are_recorded_once_in_the_session(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let race = template(&app, &token, "Writing Race").await;
    let body = started(&app, &token, &race).await;
    let user = UserId(body["user_id"].as_str().unwrap().parse().unwrap());
    let session: joan_domain::CeremonySessionId = body["id"].as_str().unwrap().parse().unwrap();
    let id_of =
        |kind| -> joan_domain::CeremonyComponentId { component(&race, kind)["id"].as_str().unwrap().parse().unwrap() };
    let (ai, timer) = (id_of("ai_processor"), id_of("timer"));
    let core = &app.state.core;
    let (execution, now) = (Uuid::new_v4(), Timestamp::parse("2030-01-01T00:00:00Z").unwrap());

    ai_step_started(core, user, session, ai, execution, now).await.unwrap();
    let path = format!("{SESSIONS}/{session}");
    let running = app.get(&path).token(&token).send().await;
    let run = &running.body["ai_steps"][ai.to_string()];
    assert_eq!(
        (&run["status"], &run["execution_id"]),
        (&json!("running"), &json!(execution))
    );

    let output = json!({"summary": "s", "tasks": []});
    ai_step_finished(
        core,
        user,
        session,
        ai,
        execution,
        AiOutcome::Output(output.clone()),
        now,
    )
    .await
    .unwrap();
    let count = events(&app).await;
    ai_step_finished(
        core,
        user,
        session,
        ai,
        execution,
        AiOutcome::Error("again".into()),
        now,
    )
    .await
    .unwrap();
    assert_eq!(events(&app).await, count, "a second result was recorded");
    let done = app.get(&path).token(&token).send().await;
    let run = &done.body["ai_steps"][ai.to_string()];
    assert_eq!(
        (&run["status"], &run["output"], &run["error"]),
        (&json!("succeeded"), &output, &Value::Null)
    );

    // Not an AI step, another execution never started, another user: refused.
    assert!(
        ai_step_started(core, user, session, timer, execution, now)
            .await
            .is_err()
    );
    assert!(
        ai_step_finished(
            core,
            user,
            session,
            ai,
            Uuid::new_v4(),
            AiOutcome::Error("x".into()),
            now
        )
        .await
        .is_err()
    );
    let stranger = UserId(Uuid::new_v4());
    assert!(
        ai_step_started(core, stranger, session, ai, Uuid::new_v4(), now)
            .await
            .is_err()
    );
    assert_eq!(events(&app).await, count);
}
