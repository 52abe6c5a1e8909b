//! Templates: made with their steps checked, read back, and private to their owner.
use super::*;
use crate::backend::on_both_backends;

on_both_backends!(
    a_template_is_kept_with_its_steps_and_private,
    a_template_with_bad_steps_is_refused_beside_each_step,
);

async fn a_template_is_kept_with_its_steps_and_private(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let id = create_template(&app, &token, &inbox_template()).await;
    let one = app.get(&format!("{TEMPLATES}/{id}")).token(&token).send().await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.body["name"], "Extract tasks");
    assert_eq!(one.body["steps"][2]["output_format"], "json");
    assert_eq!(one.body["steps"][3]["endpoint"], "/tasks/batch");
    let list = app.get(TEMPLATES).token(&token).send().await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.text);

    let stranger = app.token_for_new_user();
    let theirs = app.get(&format!("{TEMPLATES}/{id}")).token(&stranger).send().await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let listed = app.get(TEMPLATES).token(&stranger).send().await;
    assert_eq!(listed.body, json!([]));
    let start = app
        .post(EXECUTIONS)
        .token(&stranger)
        .json(&json!({"template_id": id, "input": {"text": "x"}}))
        .send()
        .await;
    assert_eq!(start.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", start.text);
}

async fn a_template_with_bad_steps_is_refused_beside_each_step(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let body = json!({"name": "Broken", "steps": [
        {"name": "a", "type": "ai_process", "prompt": "use {steps.b.output}"},
        {"name": "b", "type": "user_input", "prompt": "?", "field": "x"},
        {"name": "b", "type": "api_call", "endpoint": "/users", "data": "{steps.a.output}"}
    ]});
    let reply = app.post(TEMPLATES).token(&token).json(&body).send().await;
    reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["steps[0].prompt", "steps[2].name", "steps[2].endpoint", "steps[2].data"],
        "{}",
        reply.text
    );
    let list = app.get(TEMPLATES).token(&token).send().await;
    assert_eq!(list.body, json!([]), "nothing was kept");
}
