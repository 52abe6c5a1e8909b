//! A completed work session's minutes reach its task as a task event, exactly once: through a
//! durable reactor that a crash or a second run cannot make count twice, and that a rebuild of
//! the read tables reproduces from task events alone.
use joan_commands::CommandService;
use joan_commands::reactor::{PomodoroMinutes, Reaction, drain, reset_checkpoint};
use joan_projections::rebuild::rebuild;

use super::*;
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

on_both_backends!(
    a_completed_work_session_adds_its_minutes_to_the_task_once,
    breaks_cancelled_sessions_and_deleted_tasks_add_nothing,
    a_project_member_may_work_on_a_shared_task,
    minutes_missed_when_the_reactor_was_down_arrive_after_a_restart,
);

async fn task(app: &TestApp, token: &str, id: &str) -> Value {
    let reply = app.get(&format!("/api/v1/tasks/{id}")).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn a_completed_work_session_adds_its_minutes_to_the_task_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let id = create_task(&app, &token, json!({"title": "Write", "actual_minutes": 10})).await;
    started(
        &app,
        &token,
        json!({"type": "work", "duration_minutes": 30, "task_id": id}),
    )
    .await;
    assert_eq!(task(&app, &token, &id).await["actual_minutes"], 10);
    assert_eq!(complete(&app, &token).await.status, StatusCode::OK);
    // `complete` waited for the reaction: the very next read shows the minutes.
    let credited = task(&app, &token, &id).await;
    assert_eq!(credited["actual_minutes"], 40);
    let activity = app
        .get(&format!("/api/v1/tasks/{id}/activity"))
        .token(&token)
        .send()
        .await;
    let logged: Vec<&Value> = activity
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "pomodoro_logged")
        .collect();
    assert_eq!(logged.len(), 1, "{}", activity.text);
    assert_eq!(logged[0]["details"]["minutes"], 30);

    // A crash after the task's event but before the checkpoint hands the event again: run the
    // reaction over the whole log once more, from no checkpoint at all.
    let core = &app.state.core;
    settle(core).await;
    let again = PomodoroMinutes::new(CommandService::new(core.store.clone(), ()));
    reset_checkpoint(&core.store, again.name()).await.unwrap();
    drain(&core.store, &again).await.unwrap();
    drain(&core.store, &again).await.unwrap();
    assert_eq!(task(&app, &token, &id).await, credited);

    // A second session counts too; a rebuild of every read table from the log gives the same.
    started(
        &app,
        &token,
        json!({"type": "work", "duration_minutes": 5, "task_id": id}),
    )
    .await;
    complete(&app, &token).await;
    assert_eq!(task(&app, &token, &id).await["actual_minutes"], 45);
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "pomodoro");
}

async fn breaks_cancelled_sessions_and_deleted_tasks_add_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let id = create_task(&app, &token, json!({"title": "Write"})).await;
    started(&app, &token, json!({"type": "short_break", "task_id": id})).await;
    complete(&app, &token).await;
    started(&app, &token, json!({"type": "work", "task_id": id})).await;
    app.post(CANCEL).token(&token).send().await;
    assert_eq!(task(&app, &token, &id).await["actual_minutes"], Value::Null);

    // The task is deleted while its session runs: the completion stands, the reaction passes
    // over it and goes on to the next one.
    started(&app, &token, json!({"type": "work", "task_id": id})).await;
    let deleted = app.delete(&format!("/api/v1/tasks/{id}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let done = complete(&app, &token).await;
    assert_eq!((done.status, &done.body["completed"]), (StatusCode::OK, &json!(true)));
    let other = create_task(&app, &token, json!({"title": "Next"})).await;
    started(
        &app,
        &token,
        json!({"type": "work", "duration_minutes": 3, "task_id": other}),
    )
    .await;
    complete(&app, &token).await;
    assert_eq!(task(&app, &token, &other).await["actual_minutes"], 3);
}

async fn a_project_member_may_work_on_a_shared_task(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.register_and_login("owner@example.com").await;
    let member = app.register_and_login("member@example.com").await;
    let viewer = app.register_and_login("viewer@example.com").await;
    let project = app
        .post("/api/v1/projects")
        .token(&owner.access)
        .json(&json!({"name": "Shared"}))
        .send()
        .await;
    let project = project.body["id"].as_str().unwrap().to_string();
    for (who, role) in [(&member, "member"), (&viewer, "viewer")] {
        let added = app
            .post(&format!("/api/v1/projects/{project}/members"))
            .token(&owner.access)
            .json(&json!({"user_id": who.user_id, "role": role}))
            .send()
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    }
    let id = create_task(&app, &owner.access, json!({"title": "Ours", "project_id": project})).await;
    start(&app, &viewer.access, json!({"type": "work", "task_id": id}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    started(
        &app,
        &member.access,
        json!({"type": "work", "duration_minutes": 20, "task_id": id}),
    )
    .await;
    complete(&app, &member.access).await;
    let credited = task(&app, &owner.access, &id).await;
    assert_eq!(credited["actual_minutes"], 20);
}

async fn minutes_missed_when_the_reactor_was_down_arrive_after_a_restart(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let id = create_task(&app, &token, json!({"title": "Write"})).await;
    started(
        &app,
        &token,
        json!({"type": "work", "duration_minutes": 25, "task_id": id}),
    )
    .await;
    // The process dies between the completion and the task's command: here, its reactor stops.
    for reactor in &app.state.core.reactors {
        reactor.abort();
    }
    assert_eq!(complete(&app, &token).await.status, StatusCode::OK);
    assert_eq!(task(&app, &token, &id).await["actual_minutes"], Value::Null);
    // Started again (another node over the same database), the reactor resumes from its
    // checkpoint and the minutes arrive, once.
    let restarted = app.second_node().await;
    settle(&restarted.state.core).await;
    assert_eq!(task(&restarted, &token, &id).await["actual_minutes"], 25);
}
