//! Executions end to end: the steps run through the in-process queue and the fake model.
use joan_api::ai::StepResult;
use joan_api::ai::queue::{InProcessQueue, ResultSink};
use joan_api::ai::workflows::{StepResults, reactions};
use joan_commands::reactor::{drain, reset_checkpoint};

use super::*;
use crate::backend::on_both_backends;
use crate::support::settle;

on_both_backends!(
    text_becomes_tasks_exactly_once_even_when_the_process_manager_runs_again,
    a_user_input_step_waits_for_its_answer,
    a_cancelled_execution_ignores_the_late_answer,
    a_models_failure_fails_the_execution_with_its_reason,
);

async fn tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let reply = app.get("/api/v1/tasks").token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body.as_array().unwrap().clone()
}

async fn history_len(app: &TestApp, token: &str, id: &str) -> usize {
    let reply = app.get(&format!("{EXECUTIONS}/{id}/history")).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body.as_array().unwrap().len()
}

async fn ai_metrics(app: &TestApp, token: &str) -> Value {
    settle(&app.state.core).await;
    let reply = app.get("/api/v1/ai/metrics").token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn text_becomes_tasks_exactly_once_even_when_the_process_manager_runs_again(backend: Backend) {
    let llm = FakeLlm::new();
    let Some(app) = app_with(backend, llm.clone()).await else {
        return;
    };
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &inbox_template()).await;
    let started = app
        .post(EXECUTIONS)
        .token(&token)
        .json(&json!({"template_id": template, "input": {"text": "buy milk, call Ann"}}))
        .send()
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    let id = started.body["id"].as_str().unwrap().to_string();
    assert_eq!(started.header("location"), Some(format!("{EXECUTIONS}/{id}").as_str()));

    let done = until(&app, &token, &id, |v| status(v) == "completed").await;
    let steps = done["steps"].as_array().unwrap();
    let statuses: Vec<&str> = steps.iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["completed"; 4], "{done}");
    assert_eq!(
        steps[0]["output"], "buy milk, call Ann",
        "the input answered the first step"
    );
    assert_eq!(
        steps[1]["output"],
        "summary of Find actionable items in: buy milk, call Ann"
    );
    assert_eq!(steps[1]["provider"], "openai_compatible");
    assert_eq!(steps[1]["model"], "fake-1");
    assert_eq!(
        (steps[1]["tokens_in"].clone(), steps[1]["latency_ms"].clone()),
        (json!(12), json!(5))
    );
    assert_eq!(steps[2]["output"][0]["title"], "Buy milk");
    assert!(done["completed_at"].is_string());

    let made = tasks(&app, &token).await;
    let mut titles: Vec<&str> = made.iter().map(|t| t["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(titles, ["Buy milk", "Call Ann"]);
    let created: Vec<&Value> = steps[3]["output"].as_array().unwrap().iter().collect();
    assert!(made.iter().all(|t| created.contains(&&t["id"])), "{done}");
    let milk = made.iter().find(|t| t["title"] == "Buy milk").unwrap();
    assert_eq!(milk["priority"], 2);
    assert_eq!(llm.calls.load(Ordering::SeqCst), 2);
    let metrics = ai_metrics(&app, &token).await;
    assert_eq!(
        (metrics["requests"].clone(), metrics["tokens"].clone()),
        (json!(2), json!(2 * (12 + 34))),
        "both model calls are in the request log: {metrics}"
    );
    assert_eq!(metrics["by_provider"][0]["model"], "fake-1", "{metrics}");

    // A crash before the checkpoints moved hands every event again: run the process manager
    // and the dispatcher over the whole log from no checkpoint.
    let core = &app.state.core;
    settle(core).await;
    let events = history_len(&app, &token, &id).await;
    let results = Arc::new(StepResults::new(&core.store));
    let queue = Arc::new(InProcessQueue::start(1, llm.clone(), results.clone()));
    for reaction in reactions(
        &core.store,
        joan_api::ai::wiring::chain_source(&core.store),
        queue,
        results,
    ) {
        reset_checkpoint(&core.store, reaction.name()).await.unwrap();
        drain(&core.store, reaction.as_ref()).await.unwrap();
    }
    assert_eq!(tasks(&app, &token).await.len(), 2, "no task was created twice");
    assert_eq!(
        history_len(&app, &token, &id).await,
        events,
        "nothing was recorded again"
    );
    assert_eq!(llm.calls.load(Ordering::SeqCst), 2, "no step went to the model again");
    settle(core).await;
    assert_eq!(
        ai_metrics(&app, &token).await["requests"],
        2,
        "no call was logged twice"
    );

    let stranger = app.token_for_new_user();
    let theirs = app.get(&format!("{EXECUTIONS}/{id}")).token(&stranger).send().await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let history = app
        .get(&format!("{EXECUTIONS}/{id}/history"))
        .token(&stranger)
        .send()
        .await;
    assert_eq!(history.status, StatusCode::NOT_FOUND);
}

async fn a_user_input_step_waits_for_its_answer(backend: Backend) {
    let Some(app) = app_with(backend, FakeLlm::new()).await else {
        return;
    };
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &inbox_template()).await;
    let start = || {
        app.post(EXECUTIONS)
            .token(&token)
            .header("Idempotency-Key", "start-once")
            .json(&json!({"template_id": template}))
    };
    let started = start().send().await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    let id = started.body["id"].as_str().unwrap().to_string();
    let replayed = start().send().await;
    assert_eq!(
        (replayed.status, replayed.body["id"].as_str()),
        (StatusCode::ACCEPTED, Some(id.as_str())),
        "the same key starts nothing new: {}",
        replayed.text
    );
    let waiting = until(&app, &token, &id, |v| status(v) == "waiting_input").await;
    assert_eq!(waiting["steps"][0]["status"], "waiting_input");
    assert_eq!(waiting["current_step"], 0);
    assert!(tasks(&app, &token).await.is_empty());

    let input = format!("{EXECUTIONS}/{id}/input");
    let wrong = app.post(&input).token(&token).json(&json!({"other": "x"})).send().await;
    wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(wrong.body["errors"][0]["field"], "text");
    let stranger = app.token_for_new_user();
    let theirs = app
        .post(&input)
        .token(&stranger)
        .json(&json!({"text": "x"}))
        .send()
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let answered = app
        .post(&input)
        .token(&token)
        .json(&json!({"text": "water plants"}))
        .send()
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
    assert_eq!(answered.body["steps"][0]["output"], "water plants");
    let done = until(&app, &token, &id, |v| status(v) == "completed").await;
    assert_eq!(done["input"]["text"], "water plants");
    assert_eq!(tasks(&app, &token).await.len(), 2);

    // `as_of` replays the execution and its steps: as they were while waiting, and as they
    // are now (exactly the live view).
    let as_of = |at: &Value| {
        let at = at.as_str().unwrap().replace('+', "%2B");
        app.get(&format!("{EXECUTIONS}/{id}?as_of={at}")).token(&token).send()
    };
    let then = as_of(&waiting["updated_at"]).await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.text);
    assert_eq!(
        (status(&then.body), then.body["steps"][0]["status"].as_str()),
        ("waiting_input", Some("waiting_input"))
    );
    assert_eq!(then.body["steps"][0]["output"], Value::Null);
    let now = as_of(&done["updated_at"]).await;
    assert_eq!(now.body, done, "as_of the last change is the live view");
    let theirs = app
        .get(&format!(
            "{EXECUTIONS}/{id}?as_of={}",
            done["updated_at"].as_str().unwrap().replace('+', "%2B")
        ))
        .token(&stranger)
        .send()
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let again = app
        .post(&input)
        .token(&token)
        .json(&json!({"text": "more"}))
        .send()
        .await;
    again.assert_problem(StatusCode::CONFLICT, "not_waiting_input");
    let cancel = app
        .post(&format!("{EXECUTIONS}/{id}/cancel"))
        .token(&token)
        .send()
        .await;
    cancel.assert_problem(StatusCode::CONFLICT, "execution_finished");
}

async fn a_cancelled_execution_ignores_the_late_answer(backend: Backend) {
    let gate = Arc::new(Semaphore::new(0));
    let llm = FakeLlm::held(gate.clone());
    let Some(app) = app_with(backend, llm.clone()).await else {
        return;
    };
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &inbox_template()).await;
    let started = app
        .post(EXECUTIONS)
        .token(&token)
        .json(&json!({"template_id": template, "input": {"text": "x"}}))
        .send()
        .await;
    let id = started.body["id"].as_str().unwrap().to_string();
    until(&app, &token, &id, |v| v["steps"][1]["status"] == "running").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while llm.calls.load(Ordering::SeqCst) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the step never reached the model"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let cancel = format!("{EXECUTIONS}/{id}/cancel");
    let cancelled = app.post(&cancel).token(&token).send().await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(cancelled.body["steps"][1]["status"], "cancelled");
    let events = history_len(&app, &token, &id).await;

    // The model answers after all: the answer is stored nowhere, and nothing moves on.
    let core = &app.state.core;
    let results = StepResults::new(&core.store);
    let late = llm.answer(&ChatRequest::default());
    let result = StepResult {
        execution_id: id.parse().unwrap(),
        step: 1,
        attempt: 1,
        outcome: Ok(late),
    };
    results.deliver(result).await.unwrap();
    settle(core).await;
    let after = app.post(&cancel).token(&token).send().await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "a second cancel is accepted: {}",
        after.text
    );
    let view = execution(&app, &token, &id).await;
    assert_eq!(status(&view), "cancelled");
    assert!(view["steps"][1]["output"].is_null(), "{view}");
    assert_eq!(history_len(&app, &token, &id).await, events);
    assert!(tasks(&app, &token).await.is_empty());
    let stranger = app.token_for_new_user();
    let theirs = app.post(&cancel).token(&stranger).send().await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
}

async fn a_models_failure_fails_the_execution_with_its_reason(backend: Backend) {
    let Some(app) = app_with(backend, FakeLlm::failing()).await else {
        return;
    };
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &inbox_template()).await;
    let started = app
        .post(EXECUTIONS)
        .token(&token)
        .json(&json!({"template_id": template, "input": {"text": "x"}}))
        .send()
        .await;
    let id = started.body["id"].as_str().unwrap().to_string();
    let failed = until(&app, &token, &id, |v| status(v) == "failed").await;
    assert_eq!(failed["steps"][1]["status"], "failed");
    assert_eq!(failed["steps"][1]["error"], "rate_limited: 429 Too Many Requests");
    assert!(failed["error"].as_str().unwrap().contains("analyze"), "{failed}");
    assert_eq!(failed["steps"][2]["status"], "pending");
    assert!(tasks(&app, &token).await.is_empty());
    let metrics = ai_metrics(&app, &token).await;
    assert_eq!(
        (metrics["requests"].clone(), metrics["failures"].clone()),
        (json!(1), json!(1)),
        "the failed call is logged: {metrics}"
    );
}
