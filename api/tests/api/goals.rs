//! Goals over HTTP: their fields, and progress that follows the linked tasks.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    a_goal_keeps_its_fields_and_achieving_it_stamps_completed_at,
    progress_follows_the_linked_tasks_as_they_are_completed_reopened_and_deleted,
    progress_set_by_hand_stays_until_handed_back,
    only_the_callers_tasks_and_goals_can_be_linked,
    the_task_list_filters_by_goal_and_a_deleted_goal_lists_nothing,
    goals_list_filters_by_status_and_type,
    a_rebuild_gives_the_same_progress,
);

const GOALS: &str = "/api/v1/goals";

async fn create_goal(app: &TestApp, token: &str, body: Value) -> String {
    let reply = app.post(GOALS).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn create_task(app: &TestApp, token: &str, title: &str) -> String {
    let reply = app
        .post("/api/v1/tasks")
        .token(token)
        .json(&json!({"title": title}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn link(app: &TestApp, token: &str, goal: &str, task: &str) -> crate::app::Reply {
    app.post(&format!("{GOALS}/{goal}/tasks/{task}"))
        .token(token)
        .send()
        .await
}

async fn progress(app: &TestApp, token: &str, goal: &str) -> i64 {
    let reply = app.get(&format!("{GOALS}/{goal}")).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["progress"].as_i64().unwrap()
}

async fn a_goal_keeps_its_fields_and_achieving_it_stamps_completed_at(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let created = app
        .post(GOALS)
        .token(&token)
        .json(
            &json!({"title": " Run a marathon ", "type": "milestone", "target_date": "2026-10-01",
            "metrics": {"km": 42}, "description": "under 4h"}),
        )
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = &created.body;
    assert_eq!(body["title"], "Run a marathon");
    assert_eq!(body["type"], "milestone");
    assert_eq!(body["status"], "active");
    assert_eq!(body["target_date"], "2026-10-01");
    assert_eq!(body["metrics"], json!({"km": 42}));
    assert_eq!(body["progress"], 0);
    assert_eq!(body["progress_manual"], false);
    assert_eq!(body["completed_at"], Value::Null);
    let id = body["id"].as_str().unwrap();
    let path = format!("{GOALS}/{id}");
    assert_eq!(app.get(&path).token(&token).send().await.body, created.body);

    let achieved = app
        .patch(&path)
        .token(&token)
        .json(&json!({"status": "achieved"}))
        .send()
        .await;
    assert_eq!(achieved.status, StatusCode::OK, "{}", achieved.text);
    assert!(achieved.body["completed_at"].is_string());
    let reopened = app
        .patch(&path)
        .token(&token)
        .json(&json!({"status": "active"}))
        .send()
        .await;
    assert_eq!(reopened.body["completed_at"], Value::Null);

    let invalid = app
        .patch(&path)
        .token(&token)
        .json(&json!({"status": "done", "progress": -1, "type": null}))
        .send()
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = invalid.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["type", "status", "progress"], "{}", invalid.text);
}

async fn progress_follows_the_linked_tasks_as_they_are_completed_reopened_and_deleted(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let goal = create_goal(&app, &token, json!({"title": "Ship v2"})).await;
    let tasks = [
        create_task(&app, &token, "a").await,
        create_task(&app, &token, "b").await,
        create_task(&app, &token, "c").await,
    ];
    // A task done before it is linked counts as done.
    let done = app
        .post(&format!("/api/v1/tasks/{}/complete", tasks[0]))
        .token(&token)
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK);
    for task in &tasks {
        let linked = link(&app, &token, &goal, task).await;
        assert_eq!(linked.status, StatusCode::OK, "{}", linked.text);
    }
    assert_eq!(progress(&app, &token, &goal).await, 33);
    // Linking again changes nothing.
    let again = link(&app, &token, &goal, &tasks[0]).await;
    assert_eq!(
        (again.status, again.body["progress"].as_i64()),
        (StatusCode::OK, Some(33))
    );

    app.post(&format!("/api/v1/tasks/{}/complete", tasks[1]))
        .token(&token)
        .send()
        .await;
    assert_eq!(progress(&app, &token, &goal).await, 66);
    let patched = app
        .patch(&format!("/api/v1/tasks/{}", tasks[2]))
        .token(&token)
        .json(&json!({"status": "completed"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(progress(&app, &token, &goal).await, 100);
    app.post(&format!("/api/v1/tasks/{}/reopen", tasks[2]))
        .token(&token)
        .send()
        .await;
    assert_eq!(progress(&app, &token, &goal).await, 66);
    let two_of_three = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339();

    // Deleting an open task leaves two done of two; unlinking one leaves one of one.
    let deleted = app
        .delete(&format!("/api/v1/tasks/{}", tasks[2]))
        .token(&token)
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(progress(&app, &token, &goal).await, 100);
    let unlinked = app
        .delete(&format!("{GOALS}/{goal}/tasks/{}", tasks[1]))
        .token(&token)
        .send()
        .await;
    assert_eq!(unlinked.status, StatusCode::NO_CONTENT, "{}", unlinked.text);
    let twice = app
        .delete(&format!("{GOALS}/{goal}/tasks/{}", tasks[1]))
        .token(&token)
        .send()
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    assert_eq!(progress(&app, &token, &goal).await, 100);
    app.post(&format!("/api/v1/tasks/{}/reopen", tasks[0]))
        .token(&token)
        .send()
        .await;
    assert_eq!(progress(&app, &token, &goal).await, 0);
    // The past shows the tasks' past: three linked, two done then.
    let past = app
        .get(&format!("{GOALS}/{goal}?as_of={}", two_of_three.replace('+', "%2B")))
        .token(&token)
        .send()
        .await;
    assert_eq!(past.body["progress"], 66, "{}", past.text);

    // The links are in the task's activity.
    let activity = app
        .get(&format!("/api/v1/tasks/{}/activity", tasks[1]))
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
        actions[..3],
        ["goal_unlinked", "completed", "goal_linked"],
        "{}",
        activity.text
    );
}

async fn progress_set_by_hand_stays_until_handed_back(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let goal = create_goal(&app, &token, json!({"title": "Read", "progress": 70})).await;
    let path = format!("{GOALS}/{goal}");
    let task = create_task(&app, &token, "chapter 1").await;
    assert_eq!(link(&app, &token, &goal, &task).await.body["progress"], 70);
    app.post(&format!("/api/v1/tasks/{task}/complete"))
        .token(&token)
        .send()
        .await;
    let by_hand = app.get(&path).token(&token).send().await;
    assert_eq!(
        (
            by_hand.body["progress"].as_i64(),
            by_hand.body["progress_manual"].as_bool()
        ),
        (Some(70), Some(true))
    );

    let handed_back = app
        .patch(&path)
        .token(&token)
        .json(&json!({"progress": null}))
        .send()
        .await;
    assert_eq!(handed_back.status, StatusCode::OK, "{}", handed_back.text);
    assert_eq!(handed_back.body["progress"], 100);
    assert_eq!(handed_back.body["progress_manual"], false);
    let by_hand_again = app
        .patch(&path)
        .token(&token)
        .json(&json!({"progress": 10}))
        .send()
        .await;
    assert_eq!(by_hand_again.body["progress"], 10);

    // The past state shows the progress set by hand then.
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    let at = history.body[0]["at"].as_str().unwrap();
    let past = app.get(&format!("{path}?as_of={at}")).token(&token).send().await;
    assert_eq!(past.body["progress"], 70, "{}", past.text);
}

async fn only_the_callers_tasks_and_goals_can_be_linked(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let goal = create_goal(&app, &owner, json!({"title": "Mine"})).await;
    let task = create_task(&app, &owner, "mine").await;
    let theirs = create_task(&app, &stranger, "theirs").await;
    let their_goal = create_goal(&app, &stranger, json!({"title": "Theirs"})).await;
    let events = app.state.core.store.count_events().await.unwrap();
    for (token, goal, task) in [
        (&owner, &goal, &theirs),
        (&owner, &their_goal, &task),
        (&stranger, &goal, &task),
        (&stranger, &goal, &theirs),
    ] {
        let reply = link(&app, token, goal, task).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{}",
            reply.text
        );
    }
    assert_eq!(app.state.core.store.count_events().await.unwrap(), events);
}

async fn the_task_list_filters_by_goal_and_a_deleted_goal_lists_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let goal = create_goal(&app, &token, json!({"title": "G"})).await;
    let linked = create_task(&app, &token, "linked").await;
    create_task(&app, &token, "other").await;
    link(&app, &token, &goal, &linked).await;
    let list = app
        .get(&format!("/api/v1/tasks?goal_id={goal}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(list.header("x-total-count"), Some("1"));
    assert_eq!(list.body[0]["id"], linked.as_str());
    let deleted = app.delete(&format!("{GOALS}/{goal}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let list = app
        .get(&format!("/api/v1/tasks?goal_id={goal}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(list.header("x-total-count"), Some("0"));
    assert_eq!(link(&app, &token, &goal, &linked).await.status, StatusCode::NOT_FOUND);
}

async fn goals_list_filters_by_status_and_type(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    create_goal(&app, &token, json!({"title": "a", "type": "habit"})).await;
    create_goal(
        &app,
        &token,
        json!({"title": "b", "type": "habit", "status": "abandoned"}),
    )
    .await;
    create_goal(&app, &token, json!({"title": "c"})).await;
    let titles = |reply: &crate::app::Reply| -> Vec<String> {
        reply
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["title"].as_str().unwrap().to_string())
            .collect()
    };
    let habits = app.get(&format!("{GOALS}?type=habit")).token(&token).send().await;
    assert_eq!(titles(&habits), ["b", "a"]);
    let active_habits = app
        .get(&format!("{GOALS}?type=habit&status=active"))
        .token(&token)
        .send()
        .await;
    assert_eq!(titles(&active_habits), ["a"]);
    assert_eq!(active_habits.header("x-total-count"), Some("1"));
    let bad = app
        .get(&format!("{GOALS}?type=dream&limit=0"))
        .token(&token)
        .send()
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 2, "{}", bad.text);
    let other = app.token_for_new_user();
    let none = app.get(GOALS).token(&other).send().await;
    assert_eq!(none.header("x-total-count"), Some("0"));
}

async fn a_rebuild_gives_the_same_progress(backend: Backend) {
    use crate::support::{assert_same_dump, dump, settle};
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let goal = create_goal(&app, &token, json!({"title": "G"})).await;
    for i in 0..4 {
        let task = create_task(&app, &token, &format!("t{i}")).await;
        link(&app, &token, &goal, &task).await;
        if i % 2 == 0 {
            app.post(&format!("/api/v1/tasks/{task}/complete"))
                .token(&token)
                .send()
                .await;
        }
    }
    assert_eq!(progress(&app, &token, &goal).await, 50);
    // The goals projector alone, replayed into fresh tables: the same rows.
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    let goals = core.projections.find("goals").unwrap();
    joan_projections::rebuild::rebuild(&core.store, &[goals], &())
        .await
        .unwrap();
    assert_same_dump(&dump(core.store.db()).await, &live, "goals");
    assert_eq!(progress(&app, &token, &goal).await, 50);
}
