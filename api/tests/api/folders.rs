//! `/api/v1/folders` through the real router: the tree's rules, deleting with and without
//! contents, and strangers.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    moving_a_folder_under_itself_or_its_subtree_is_422_and_changes_nothing,
    deleting_a_folder_that_holds_anything_is_409_unless_its_contents_move_to_the_parent,
    another_users_folders_are_404_and_cannot_be_a_parent,
    folder_fields_are_checked,
    racing_moves_of_two_folders_under_each_other_never_make_a_cycle,
);

pub const FOLDERS: &str = "/api/v1/folders";

pub async fn create_folder(app: &TestApp, token: &str, body: Value) -> String {
    let reply = app.post(FOLDERS).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn event_count(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let reply = app.get(path).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    reply.body
}

async fn moving_a_folder_under_itself_or_its_subtree_is_422_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let top = create_folder(&app, &token, json!({"name": "Top"})).await;
    let child = create_folder(&app, &token, json!({"name": "Child", "parent_id": top})).await;
    let grandchild = create_folder(&app, &token, json!({"name": "Grandchild", "parent_id": child})).await;
    let before = event_count(&app).await;
    let top_path = format!("{FOLDERS}/{top}");
    for parent in [&top, &child, &grandchild] {
        let reply = app
            .patch(&top_path)
            .token(&token)
            .json(&json!({"parent_id": parent, "name": "Renamed"}))
            .send()
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{parent}: {}",
            reply.text
        );
        assert_eq!(reply.body["errors"][0]["field"], "parent_id", "{}", reply.text);
    }
    assert_eq!(event_count(&app).await, before);
    let unchanged = get(&app, &token, &top_path).await;
    assert_eq!(
        (unchanged["parent_id"].clone(), unchanged["name"].clone()),
        (Value::Null, json!("Top"))
    );

    // Sideways and up are fine: the grandchild to the top, then the top under it.
    let path = format!("{FOLDERS}/{grandchild}");
    let up = app
        .patch(&path)
        .token(&token)
        .json(&json!({"parent_id": null}))
        .send()
        .await;
    assert_eq!(
        (up.status, up.body["parent_id"].clone()),
        (StatusCode::OK, Value::Null),
        "{}",
        up.text
    );
    let under = app
        .patch(&top_path)
        .token(&token)
        .json(&json!({"parent_id": grandchild}))
        .send()
        .await;
    assert_eq!(under.status, StatusCode::OK, "{}", under.text);
    assert_eq!(under.body["parent_id"], json!(grandchild));
    let children = app
        .get(&format!("{FOLDERS}?parent_id={grandchild}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(children.header("x-total-count"), Some("1"));
    assert_eq!(children.body[0]["id"], json!(top));
}

async fn deleting_a_folder_that_holds_anything_is_409_unless_its_contents_move_to_the_parent(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let parent = create_folder(&app, &token, json!({"name": "Parent"})).await;
    let folder = create_folder(&app, &token, json!({"name": "Doomed", "parent_id": parent})).await;
    let child = create_folder(&app, &token, json!({"name": "Child", "parent_id": folder})).await;
    let note = app
        .post("/api/v1/notes")
        .token(&token)
        .json(&json!({"title": "In it", "folder_id": folder}))
        .send()
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text);
    let note = note.body["id"].as_str().unwrap().to_string();
    let task = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "Filed", "folder_id": folder}))
        .send()
        .await;
    let task = task.body["id"].as_str().unwrap().to_string();
    let path = format!("{FOLDERS}/{folder}");

    let before = event_count(&app).await;
    for target in [path.clone(), format!("{path}?move_contents=false")] {
        let refused = app.delete(&target).token(&token).send().await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::CONFLICT, "folder_not_empty"),
            "{}",
            refused.text
        );
    }
    let stale = app
        .delete(&format!("{path}?move_contents=true"))
        .token(&token)
        .header("if-match", "\"9\"")
        .send()
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.text);
    assert_eq!(event_count(&app).await, before, "a refused delete changed something");
    get(&app, &token, &path).await;

    let deleted = app
        .delete(&format!("{path}?move_contents=true"))
        .token(&token)
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(app.get(&path).token(&token).send().await.status, StatusCode::NOT_FOUND);
    let child = get(&app, &token, &format!("{FOLDERS}/{child}")).await;
    assert_eq!(child["parent_id"], json!(parent));
    let note_now = get(&app, &token, &format!("/api/v1/notes/{note}")).await;
    assert_eq!(note_now["folder_id"], json!(parent));
    let task_now = get(&app, &token, &format!("/api/v1/tasks/{task}")).await;
    assert_eq!(task_now["folder_id"], json!(parent));
    // Each move is in the moved item's own history.
    let note_history = get(&app, &token, &format!("/api/v1/notes/{note}/history")).await;
    assert_eq!(note_history[1]["type"], "NoteFolderChanged", "{note_history}");
    let task_history = get(&app, &token, &format!("/api/v1/tasks/{task}/history")).await;
    assert_eq!(task_history[1]["type"], "TaskFolderChanged", "{task_history}");
    let folder_history = get(&app, &token, &format!("{path}/history")).await;
    assert_eq!(
        folder_history.as_array().unwrap().last().unwrap()["type"],
        "FolderDeleted"
    );

    // At the top of the tree, the contents go to the top; an empty folder just goes.
    let moved = app
        .delete(&format!("{FOLDERS}/{parent}?move_contents=true"))
        .token(&token)
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.text);
    let child_now = get(&app, &token, &format!("{FOLDERS}/{}", child["id"].as_str().unwrap())).await;
    assert_eq!(child_now["parent_id"], Value::Null);
    let note_now = get(&app, &token, &format!("/api/v1/notes/{note}")).await;
    assert_eq!(note_now["folder_id"], Value::Null);
    let empty = app
        .delete(&format!("{FOLDERS}/{}", child["id"].as_str().unwrap()))
        .token(&token)
        .send()
        .await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT, "{}", empty.text);
}

async fn another_users_folders_are_404_and_cannot_be_a_parent(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let folder = create_folder(&app, &owner, json!({"name": "Private", "color": "#AABBCC"})).await;
    let path = format!("{FOLDERS}/{folder}");
    let before = event_count(&app).await;
    for reply in [
        app.get(&path).token(&stranger).send().await,
        app.get(&format!("{path}/history")).token(&stranger).send().await,
        app.patch(&path)
            .token(&stranger)
            .json(&json!({"name": "Mine"}))
            .send()
            .await,
        app.patch(&path)
            .token(&stranger)
            .json(&json!({"parent_id": null}))
            .send()
            .await,
        app.delete(&format!("{path}?move_contents=true"))
            .token(&stranger)
            .send()
            .await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    }
    let list = app.get(FOLDERS).token(&stranger).send().await;
    assert_eq!(
        (list.body.clone(), list.header("x-total-count")),
        (json!([]), Some("0"))
    );
    for (target, body) in [
        (FOLDERS, json!({"name": "Sub", "parent_id": folder})),
        ("/api/v1/notes", json!({"title": "Note", "folder_id": folder})),
    ] {
        let reply = app.post(target).token(&stranger).json(&body).send().await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{target}: {}",
            reply.text
        );
    }
    let mine = create_folder(&app, &stranger, json!({"name": "Mine"})).await;
    let reply = app
        .patch(&format!("{FOLDERS}/{mine}"))
        .token(&stranger)
        .json(&json!({"parent_id": folder}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert_eq!(
        event_count(&app).await,
        before + 1,
        "only the stranger's own folder was made"
    );
    let owned = get(&app, &owner, &path).await;
    assert_eq!(
        (owned["name"].clone(), owned["color"].clone()),
        (json!("Private"), json!("#aabbcc"))
    );
}

async fn folder_fields_are_checked(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    // Only the ceremony catalog Joan defines at startup is in the log.
    let catalog = app.state.core.store.count_events().await.unwrap();
    let token = app.token_for_new_user();
    for body in [
        json!({"name": ""}),
        json!({"name": "x", "color": "red"}),
        json!({"name": "x", "color": "#12345"}),
        json!({"name": "x", "icon": ""}),
        json!({"name": "x", "position": -1}),
        json!({"name": "x", "position": 1.5}),
        json!({"name": "x", "parent_id": "nope"}),
        json!({"name": "x", "extra": 1}),
    ] {
        let reply = app.post(FOLDERS).token(&token).json(&body).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
    }
    assert_eq!(app.state.core.store.count_events().await.unwrap(), catalog);
    let made = app
        .post(FOLDERS)
        .token(&token)
        .json(&json!({"name": " Work ", "icon": "📁", "position": 2, "description": "d"}))
        .send()
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(
        (
            made.body["name"].clone(),
            made.body["icon"].clone(),
            made.body["position"].clone()
        ),
        (json!("Work"), json!("📁"), json!(2))
    );
}

async fn racing_moves_of_two_folders_under_each_other_never_make_a_cycle(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    for round in 0..20 {
        let a = create_folder(&app, &token, json!({"name": format!("A{round}")})).await;
        let b = create_folder(&app, &token, json!({"name": format!("B{round}")})).await;
        let (a_path, b_path) = (format!("{FOLDERS}/{a}"), format!("{FOLDERS}/{b}"));
        let a_under_b = json!({"parent_id": b});
        let b_under_a = json!({"parent_id": a});
        let (first, second) = tokio::join!(
            app.patch(&a_path).token(&token).json(&a_under_b).send(),
            app.patch(&b_path).token(&token).json(&b_under_a).send(),
        );
        let mut statuses = [first.status, second.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
            "round {round}: one move wins, the other would close a cycle: {} / {}",
            first.text,
            second.text
        );
        let parents = (
            get(&app, &token, &a_path).await["parent_id"].clone(),
            get(&app, &token, &b_path).await["parent_id"].clone(),
        );
        assert!(
            parents.0.is_null() || parents.1.is_null(),
            "round {round}: a cycle: {parents:?}"
        );
    }
}
