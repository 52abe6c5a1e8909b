//! Moving tasks on boards: ordering, statuses, activity, deletions, and another user's things.
use axum::http::StatusCode;
use joan_commands::Arg;
use serde_json::{Value, json};

use super::*;
use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    moves_insert_at_the_top_middle_and_end_and_keep_positions_gapless,
    a_column_with_a_status_sets_the_task_status_and_the_move_shows_in_the_activity,
    deleting_a_task_takes_its_card_off_and_closes_the_gap,
    dropping_a_column_or_the_board_takes_its_cards_off_but_keeps_the_tasks,
    bad_moves_are_refused_and_change_nothing,
    another_users_board_or_task_is_not_found_on_every_route_and_nothing_changes,
);

async fn moves_insert_at_the_top_middle_and_end_and_keep_positions_gapless(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = two_column_board(&app, &token).await;
    let mut t = Vec::new();
    for n in 0..4 {
        t.push(create_task(&app, &token, &format!("card {n}")).await);
    }
    let (first, second) = ("z_first", "a_second");

    let b = moved(&app, &token, &board, &t[0], first, 0).await;
    assert_eq!(layout(&b), [col(first, &[&t[0]])]);
    assert_eq!(b["cards"][0]["title"], "card 0");
    assert_eq!(
        b["cards"][0]["status"], "pending",
        "a column without status leaves it alone"
    );
    let b = moved(&app, &token, &board, &t[1], first, 0).await;
    assert_eq!(layout(&b), [col(first, &[&t[1], &t[0]])], "top");
    let b = moved(&app, &token, &board, &t[2], first, 1).await;
    assert_eq!(layout(&b), [col(first, &[&t[1], &t[2], &t[0]])], "middle");
    let b = moved(&app, &token, &board, &t[3], first, 99).await;
    assert_eq!(
        layout(&b),
        [col(first, &[&t[1], &t[2], &t[0], &t[3]])],
        "clamped to the end"
    );

    let b = moved(&app, &token, &board, &t[3], first, 0).await;
    assert_eq!(
        layout(&b),
        [col(first, &[&t[3], &t[1], &t[2], &t[0]])],
        "within a column, up"
    );
    let b = moved(&app, &token, &board, &t[1], first, 3).await;
    assert_eq!(
        layout(&b),
        [col(first, &[&t[3], &t[2], &t[0], &t[1]])],
        "within a column, to the end"
    );
    let b = moved(&app, &token, &board, &t[1], first, 10).await;
    assert_eq!(layout(&b), [col(first, &[&t[3], &t[2], &t[0], &t[1]])], "already last");
    let b = moved(&app, &token, &board, &t[2], first, 2).await;
    assert_eq!(
        layout(&b),
        [col(first, &[&t[3], &t[0], &t[2], &t[1]])],
        "within a column, down"
    );

    let b = moved(&app, &token, &board, &t[0], second, 0).await;
    assert_eq!(
        layout(&b),
        [col(first, &[&t[3], &t[2], &t[1]]), col(second, &[&t[0]])],
        "across columns, listed in the board's column order"
    );
    let b = moved(&app, &token, &board, &t[3], second, 7).await;
    assert_eq!(layout(&b), [col(first, &[&t[2], &t[1]]), col(second, &[&t[0], &t[3]])]);
    let b = moved(&app, &token, &board, &t[1], second, 1).await;
    assert_eq!(layout(&b), [col(first, &[&t[2]]), col(second, &[&t[0], &t[1], &t[3]])]);

    let got = app.get(&board_path(&board)).token(&token).send().await;
    assert_eq!(got.body["cards"], b["cards"]);
    assert_eq!(
        got.header("etag"),
        Some("\"1\""),
        "moves are the tasks' events, not the board's"
    );
}

async fn a_column_with_a_status_sets_the_task_status_and_the_move_shows_in_the_activity(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = create_board(&app, &token, json!({"name": "Flow"})).await;
    let board = board["id"].as_str().unwrap().to_string();
    let task = create_task(&app, &token, "Ship it").await;

    let b = moved(&app, &token, &board, &task, "in_progress", 0).await;
    assert_eq!(b["cards"][0]["status"], "in_progress");
    assert_eq!(
        task_status(&app, &token, &task).await,
        (json!("in_progress"), Value::Null)
    );

    moved(&app, &token, &board, &task, "completed", 0).await;
    let (now, completed_at) = task_status(&app, &token, &task).await;
    assert_eq!(now, "completed");
    assert!(completed_at.is_string());
    moved(&app, &token, &board, &task, "completed", 0).await;
    assert_eq!(
        task_status(&app, &token, &task).await,
        (json!("completed"), completed_at),
        "still completed, same time"
    );

    moved(&app, &token, &board, &task, "todo", 5).await;
    assert_eq!(
        task_status(&app, &token, &task).await,
        (json!("todo"), Value::Null),
        "reopened into the column's status"
    );

    let activity = app
        .get(&format!("/api/v1/tasks/{task}/activity"))
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
            "moved",
            "moved",
            "completed",
            "moved",
            "status_changed",
            "moved",
            "created"
        ]
    );
    assert_eq!(
        activity.body[1]["details"],
        json!({"board_id": board, "column_id": "todo", "position": 0}),
        "the position recorded is the one the card took"
    );
    assert_eq!(
        activity.body[6]["details"],
        json!({"board_id": board, "column_id": "in_progress", "position": 0})
    );
}

async fn deleting_a_task_takes_its_card_off_and_closes_the_gap(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = two_column_board(&app, &token).await;
    let other_board = two_column_board(&app, &token).await;
    let t: Vec<String> = create_tasks(&app, &token, 3).await;
    for task in &t {
        moved(&app, &token, &board, task, "z_first", 99).await;
    }
    moved(&app, &token, &other_board, &t[0], "a_second", 0).await;
    moved(&app, &token, &other_board, &t[2], "a_second", 0).await;

    let deleted = app
        .delete(&format!("/api/v1/tasks/{}", t[0]))
        .token(&token)
        .send()
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let b = app.get(&board_path(&board)).token(&token).send().await.body;
    assert_eq!(layout(&b), [col("z_first", &[&t[1], &t[2]])]);
    let o = app.get(&board_path(&other_board)).token(&token).send().await.body;
    assert_eq!(layout(&o), [col("a_second", &[&t[2]])]);

    let again = move_task(&app, &token, &board, &t[0], "z_first", 0).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a deleted task cannot be moved");
}

async fn dropping_a_column_or_the_board_takes_its_cards_off_but_keeps_the_tasks(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = two_column_board(&app, &token).await;
    let t: Vec<String> = create_tasks(&app, &token, 3).await;
    moved(&app, &token, &board, &t[0], "z_first", 0).await;
    moved(&app, &token, &board, &t[1], "a_second", 0).await;
    moved(&app, &token, &board, &t[2], "a_second", 1).await;

    let patched = app
        .patch(&board_path(&board))
        .token(&token)
        .json(
            &json!({"columns": [{"id": "a_second", "name": "Only"}, {"id": "new", "name": "New", "status": "review"}]}),
        )
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(layout(&patched.body), [col("a_second", &[&t[1], &t[2]])]);
    let gone = move_task(&app, &token, &board, &t[0], "z_first", 0).await;
    assert_eq!(
        (gone.status, gone.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("column_id"))
    );
    let b = moved(&app, &token, &board, &t[0], "new", 0).await;
    assert_eq!(b["cards"][2]["status"], "review");

    let deleted = app.delete(&board_path(&board)).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let left = app
        .state
        .core
        .store
        .db()
        .fetch_scalar_i64(
            "select count(*) from kanban_cards where board_id = $1",
            &[Arg::from(board.as_str())],
        )
        .await
        .unwrap();
    assert_eq!(left, 0);
    let tasks = app.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(tasks.header("x-total-count"), Some("3"));
    let late = move_task(&app, &token, &board, &t[0], "new", 0).await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
}

async fn bad_moves_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let board = two_column_board(&app, &token).await;
    let task = create_task(&app, &token, "t").await;
    let before = event_count(&app).await;
    let path = format!("{}/move", board_path(&board));
    let cases = [
        (
            json!({"task_id": task, "column_id": "nope", "position": 0}),
            "column_id",
        ),
        (
            json!({"task_id": task, "column_id": "z_first", "position": -1}),
            "position",
        ),
        (json!({"task_id": task, "column_id": "z_first"}), "position"),
        (
            json!({"task_id": "x", "column_id": "z_first", "position": 0}),
            "task_id",
        ),
        (
            json!({"task_id": task, "column_id": "z_first", "position": 0, "status": "done"}),
            "status",
        ),
    ];
    for (body, field) in cases {
        let reply = app.post(&path).token(&token).json(&body).send().await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
        assert_eq!(reply.body["errors"][0]["field"], field, "{body}");
    }
    let missing_task = move_task(&app, &token, &board, &uuid::Uuid::new_v4().to_string(), "z_first", 0).await;
    assert_eq!(missing_task.status, StatusCode::NOT_FOUND);
    let missing_board = move_task(&app, &token, &uuid::Uuid::new_v4().to_string(), &task, "z_first", 0).await;
    assert_eq!(missing_board.status, StatusCode::NOT_FOUND);
    let not_a_uuid = move_task(&app, &token, "board-1", &task, "z_first", 0).await;
    assert_eq!(not_a_uuid.status, StatusCode::NOT_FOUND);
    assert_eq!(event_count(&app).await, before);
}

// ---------------------------------------------------------------------------------------------
// Two users
// ---------------------------------------------------------------------------------------------

async fn another_users_board_or_task_is_not_found_on_every_route_and_nothing_changes(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let alice = app.token_for_new_user();
    let bob = app.token_for_new_user();
    let alices_board = two_column_board(&app, &alice).await;
    let alices_task = create_task(&app, &alice, "alice's").await;
    moved(&app, &alice, &alices_board, &alices_task, "z_first", 0).await;
    let bobs_board = two_column_board(&app, &bob).await;
    let bobs_task = create_task(&app, &bob, "bob's").await;

    let alices_view = app.get(&board_path(&alices_board)).token(&alice).send().await.body;
    let bobs_view = app.get(&board_path(&bobs_board)).token(&bob).send().await.body;
    let before = event_count(&app).await;
    let path = board_path(&alices_board);

    let replies = [
        app.get(&path).token(&bob).send().await,
        app.get(&format!("{path}?as_of=2100-01-01T00:00:00Z"))
            .token(&bob)
            .send()
            .await,
        app.get(&format!("{path}/history")).token(&bob).send().await,
        app.patch(&path).token(&bob).json(&json!({"name": "mine"})).send().await,
        app.patch(&path)
            .token(&bob)
            .header("if-match", "\"1\"")
            .json(&json!({"name": "mine"}))
            .send()
            .await,
        app.delete(&path).token(&bob).send().await,
        app.delete(&path).token(&bob).header("if-match", "\"1\"").send().await,
        // Bob's task onto Alice's board, Alice's task onto Bob's board, Alice's onto Alice's.
        move_task(&app, &bob, &alices_board, &bobs_task, "z_first", 0).await,
        move_task(&app, &bob, &bobs_board, &alices_task, "z_first", 0).await,
        move_task(&app, &bob, &alices_board, &alices_task, "a_second", 0).await,
    ];
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "case {i}: {}", reply.text);
        assert_eq!(reply.code(), "not_found", "case {i}");
    }
    let bobs_list = app.get(BOARDS).token(&bob).send().await;
    assert_eq!(bobs_list.header("x-total-count"), Some("1"));
    assert_eq!(bobs_list.body[0]["id"], bobs_board);

    assert_eq!(event_count(&app).await, before, "nothing was appended");
    assert_eq!(app.get(&path).token(&alice).send().await.body, alices_view);
    assert_eq!(
        app.get(&board_path(&bobs_board)).token(&bob).send().await.body,
        bobs_view
    );
    let alices_task_now = app
        .get(&format!("/api/v1/tasks/{alices_task}"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(alices_task_now.body["version"], 2, "only Alice's own move");
}
