//! Boards: create, read, list, change, delete, and the ways a request is refused.
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    a_board_goes_through_its_whole_life_over_http,
    a_board_keeps_every_field_it_is_created_with_as_real_json,
    the_board_list_pages_in_board_order_and_counts,
    if_match_with_a_stale_version_is_412_and_changes_nothing,
    invalid_board_bodies_are_422_with_the_field_named,
    creating_with_an_idempotency_key_twice_creates_one_board,
    every_kanban_route_is_documented,
);

async fn a_board_goes_through_its_whole_life_over_http(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let created = app
        .post(BOARDS)
        .token(&token)
        .json(&json!({"name": "  Sprint 12 "}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.header("location"), Some(board_path(&id).as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["name"], "Sprint 12");
    assert_eq!(
        created.body["columns"],
        json!([
            {"id": "todo", "name": "To do", "status": "todo"},
            {"id": "in_progress", "name": "In progress", "status": "in_progress"},
            {"id": "completed", "name": "Completed", "status": "completed"},
        ])
    );
    assert_eq!(created.body["settings"], json!({}));
    assert_eq!(created.body["cards"], json!([]));
    assert_eq!(created.body["version"], 1);

    let got = app.get(&board_path(&id)).token(&token).send().await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.header("etag"), Some("\"1\""));
    assert_eq!(got.body, created.body);

    let patched = app
        .patch(&board_path(&id))
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Sprint 13", "description": "two weeks", "settings": {"wip": {"in_progress": 3}}}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.header("etag"), Some("\"4\""));
    assert_eq!(patched.body["name"], "Sprint 13");
    assert_eq!(patched.body["description"], "two weeks");
    assert_eq!(patched.body["settings"], json!({"wip": {"in_progress": 3}}));

    let same = app
        .patch(&board_path(&id))
        .token(&token)
        .json(&json!({"name": "Sprint 13"}))
        .send()
        .await;
    assert_eq!(same.header("etag"), Some("\"4\""), "a change to nothing is no event");

    let list = app.get(BOARDS).token(&token).send().await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("x-total-count"), Some("1"));
    assert_eq!(list.body[0]["name"], "Sprint 13");
    assert!(list.body[0].get("cards").is_none());

    let history = app
        .get(&format!("{}/history", board_path(&id)))
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
    assert_eq!(
        types,
        [
            "BoardCreated",
            "BoardRenamed",
            "BoardDescriptionChanged",
            "BoardSettingsChanged"
        ]
    );
    assert_eq!(history.body[1]["data"]["from"], "Sprint 12");

    let then = app
        .get(&format!(
            "{}?as_of={}",
            board_path(&id),
            created.body["created_at"].as_str().unwrap()
        ))
        .token(&token)
        .send()
        .await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.text);
    assert_eq!(
        (then.body["name"].as_str(), then.header("etag")),
        (Some("Sprint 12"), Some("\"1\""))
    );
    assert!(then.body.get("cards").is_none());

    let deleted = app
        .delete(&board_path(&id))
        .token(&token)
        .header("if-match", "\"4\"")
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        app.get(&board_path(&id)).token(&token).send().await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&board_path(&id)).token(&token).send().await.status,
        StatusCode::NOT_FOUND
    );
    let patch_deleted = app
        .patch(&board_path(&id))
        .token(&token)
        .json(&json!({"name": "ghost"}))
        .send()
        .await;
    assert_eq!(patch_deleted.status, StatusCode::NOT_FOUND);
    let list = app.get(BOARDS).token(&token).send().await;
    assert_eq!(
        (list.header("x-total-count"), list.body.clone()),
        (Some("0"), json!([]))
    );
}

async fn a_board_keeps_every_field_it_is_created_with_as_real_json(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let project = uuid::Uuid::new_v4().to_string();
    let board = create_board(
        &app,
        &token,
        json!({
            "name": "Release",
            "description": "Everything for 2.0",
            "project_id": project,
            "columns": [
                {"id": "backlog", "name": " Backlog "},
                {"id": "review", "name": "Review", "status": "review"},
                {"id": "shipped", "name": "Shipped", "status": "completed"},
            ],
            "settings": {"colors": ["red", "blue"], "compact": true},
        }),
    )
    .await;
    assert_eq!(board["description"], "Everything for 2.0");
    assert_eq!(board["project_id"], project);
    assert_eq!(
        board["columns"],
        json!([
            {"id": "backlog", "name": "Backlog", "status": null},
            {"id": "review", "name": "Review", "status": "review"},
            {"id": "shipped", "name": "Shipped", "status": "completed"},
        ])
    );
    assert_eq!(board["settings"], json!({"colors": ["red", "blue"], "compact": true}));
    assert_eq!(board["kanban_position"], 0);
    let second = create_board(&app, &token, json!({"name": "Second"})).await;
    assert_eq!(second["kanban_position"], 1);

    let cleared = app
        .patch(&board_path(board["id"].as_str().unwrap()))
        .token(&token)
        .json(&json!({"description": null, "project_id": null}))
        .send()
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(
        (&cleared.body["description"], &cleared.body["project_id"]),
        (&Value::Null, &Value::Null)
    );
}

async fn the_board_list_pages_in_board_order_and_counts(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    for name in ["one", "two", "three"] {
        create_board(&app, &token, json!({ "name": name })).await;
    }
    create_board(&app, &app.token_for_new_user(), json!({"name": "not mine"})).await;
    let page = app
        .get(&format!("{BOARDS}?limit=2&offset=1"))
        .token(&token)
        .send()
        .await;
    assert_eq!(page.header("x-total-count"), Some("3"));
    let names: Vec<&str> = page
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["two", "three"]);
    let past = app.get(&format!("{BOARDS}?offset=10")).token(&token).send().await;
    assert_eq!(
        (past.header("x-total-count"), past.body.clone()),
        (Some("3"), json!([]))
    );
    for bad in ["limit=0", "limit=201", "offset=-1", "limit=x"] {
        let reply = app.get(&format!("{BOARDS}?{bad}")).token(&token).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(app.get(BOARDS).send().await.status, StatusCode::UNAUTHORIZED);
}

async fn if_match_with_a_stale_version_is_412_and_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = create_board(&app, &token, json!({"name": "Stable"})).await;
    let id = board["id"].as_str().unwrap();
    let renamed = app
        .patch(&board_path(id))
        .token(&token)
        .json(&json!({"name": "Renamed"}))
        .send()
        .await;
    assert_eq!(renamed.header("etag"), Some("\"2\""));
    let before = event_count(&app).await;

    let stale_patch = app
        .patch(&board_path(id))
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Lost update"}))
        .send()
        .await;
    assert_eq!(
        (stale_patch.status, stale_patch.code()),
        (StatusCode::PRECONDITION_FAILED, "stale_version")
    );
    let stale_delete = app
        .delete(&board_path(id))
        .token(&token)
        .header("if-match", "\"1\"")
        .send()
        .await;
    assert_eq!(stale_delete.status, StatusCode::PRECONDITION_FAILED);
    let garbled = app
        .delete(&board_path(id))
        .token(&token)
        .header("if-match", "yesterday")
        .send()
        .await;
    assert_eq!(
        (garbled.status, garbled.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );

    assert_eq!(event_count(&app).await, before);
    let now = app.get(&board_path(id)).token(&token).send().await;
    assert_eq!(
        (now.body["name"].as_str(), now.header("etag")),
        (Some("Renamed"), Some("\"2\""))
    );
}

async fn invalid_board_bodies_are_422_with_the_field_named(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let many: Vec<Value> = (0..51).map(|i| json!({"id": format!("c{i}"), "name": "C"})).collect();
    let cases = [
        (json!({"name": "x", "colour": "red"}), "colour"),
        (json!({"name": "  "}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        (json!({"description": "no name"}), "name"),
        (json!({"name": "x", "columns": []}), "columns"),
        (json!({"name": "x", "columns": many}), "columns"),
        (
            json!({"name": "x", "columns": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}),
            "columns[1].id",
        ),
        (
            json!({"name": "x", "columns": [{"id": "a", "name": ""}]}),
            "columns[0].name",
        ),
        (
            json!({"name": "x", "columns": [{"id": "a", "name": "A", "status": "done"}]}),
            "columns[0].status",
        ),
        (
            json!({"name": "x", "columns": [{"id": "a", "name": "A", "wip": 3}]}),
            "columns[0].wip",
        ),
        (json!({"name": "x", "settings": [1, 2]}), "settings"),
        (json!({"name": "x", "project_id": "not-a-uuid"}), "project_id"),
    ];
    for (body, field) in cases {
        let reply = app.post(BOARDS).token(&token).json(&body).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"));
        let fields: Vec<&str> = reply.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{body}: {fields:?}");
    }

    let board = create_board(&app, &token, json!({"name": "Valid"})).await;
    let id = board["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"version": 7}), "version"),
        (json!({"user_id": uuid::Uuid::new_v4()}), "user_id"),
        (json!({"name": null}), "name"),
        (json!({"columns": null}), "columns"),
        (json!({"settings": null}), "settings"),
        (json!({"settings": "dark"}), "settings"),
    ] {
        let reply = app.patch(&board_path(id)).token(&token).json(&body).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
        assert_eq!(reply.body["errors"][0]["field"], field, "{body}");
    }
    let not_json = app.post(BOARDS).token(&token).raw("text/plain", "name=x").send().await;
    assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let malformed = app.post(BOARDS).token(&token).raw("application/json", "{").send().await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let after = app.get(&board_path(id)).token(&token).send().await;
    assert_eq!(after.body, board, "refused changes leave the board alone");
    assert_eq!(
        app.get(BOARDS).token(&token).send().await.header("x-total-count"),
        Some("1")
    );
}

async fn creating_with_an_idempotency_key_twice_creates_one_board(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let send = |body: Value| {
        let (app, token) = (&app, token.clone());
        async move {
            app.post(BOARDS)
                .token(&token)
                .header("idempotency-key", "board-1")
                .json(&body)
                .send()
                .await
        }
    };
    let first = send(json!({"name": "Once"})).await;
    let again = send(json!({"name": "Once"})).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = send(json!({"name": "Twice"})).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(BOARDS).token(&token).send().await.header("x-total-count"),
        Some("1")
    );
}

async fn every_kanban_route_is_documented(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let spec = app.get("/api/openapi.json").send().await.body;
    for (path, methods) in [
        ("/api/v1/kanban/boards", &["get", "post"][..]),
        ("/api/v1/kanban/boards/{id}", &["get", "patch", "delete"][..]),
        ("/api/v1/kanban/boards/{id}/move", &["post"][..]),
        ("/api/v1/kanban/boards/{id}/history", &["get"][..]),
    ] {
        for method in methods {
            let op = &spec["paths"][path][method];
            assert_eq!(op["tags"], json!(["kanban"]), "{method} {path}");
            assert!(op["security"][0]["bearer"].is_array(), "{method} {path}");
        }
    }
}
