//! `/api/v1/kanban/boards` through the real router, and the kanban projection on both backends.
use axum::http::StatusCode;
use joan_commands::Database;
use serde_json::{Value, json};

use crate::app::{Reply, TestApp};
use crate::support::json_rows;

mod boards;
mod moves;
mod replay;

pub const BOARDS: &str = "/api/v1/kanban/boards";

pub fn board_path(id: &str) -> String {
    format!("{BOARDS}/{id}")
}

pub async fn create_board(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post(BOARDS).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

/// A board with two status-less columns whose ids sort the other way round from the board's order.
pub async fn two_column_board(app: &TestApp, token: &str) -> String {
    let board = create_board(
        app,
        token,
        json!({"name": "Plain", "columns": [{"id": "z_first", "name": "First"}, {"id": "a_second", "name": "Second"}]}),
    )
    .await;
    board["id"].as_str().unwrap().to_string()
}

pub async fn create_task(app: &TestApp, token: &str, title: &str) -> String {
    let reply = app
        .post("/api/v1/tasks")
        .token(token)
        .json(&json!({ "title": title }))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

pub async fn move_task(app: &TestApp, token: &str, board: &str, task: &str, column: &str, position: i64) -> Reply {
    app.post(&format!("{}/move", board_path(board)))
        .token(token)
        .json(&json!({"task_id": task, "column_id": column, "position": position}))
        .send()
        .await
}

pub async fn moved(app: &TestApp, token: &str, board: &str, task: &str, column: &str, position: i64) -> Value {
    let reply = move_task(app, token, board, task, column, position).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

/// The board's cards as (column, tasks in position order), checking positions run 0..n-1.
pub fn layout(board: &Value) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for card in board["cards"].as_array().unwrap() {
        let column = card["column_id"].as_str().unwrap().to_string();
        let task = card["task_id"].as_str().unwrap().to_string();
        match out.last_mut() {
            Some((c, tasks)) if *c == column => tasks.push(task),
            _ => {
                assert!(out.iter().all(|(c, _)| *c != column), "column {column} is split");
                out.push((column, vec![task]));
            }
        }
        let (_, tasks) = out.last().unwrap();
        assert_eq!(card["position"], tasks.len() - 1, "gap or repeat in {board}");
    }
    out
}

pub fn col(column: &str, tasks: &[&String]) -> (String, Vec<String>) {
    (column.to_string(), tasks.iter().map(|t| t.to_string()).collect())
}

pub async fn create_tasks(app: &TestApp, token: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(create_task(app, token, &format!("t{i}")).await);
    }
    ids
}

/// The task's status and completion time.
pub async fn task_status(app: &TestApp, token: &str, task: &str) -> (Value, Value) {
    let reply = app.get(&format!("/api/v1/tasks/{task}")).token(token).send().await;
    (reply.body["status"].clone(), reply.body["completed_at"].clone())
}

pub async fn event_count(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

/// Every row of the kanban tables, in a stable order.
pub async fn kanban_rows(db: &Database) -> Vec<String> {
    let boards = json_rows(
        db,
        "id, user_id, name, description, project_id, columns, settings, kanban_position, version, created_at, \
         updated_at",
        "from kanban_boards order by r",
    )
    .await;
    let cards = json_rows(
        db,
        "board_id, task_id, column_id, position",
        "from kanban_cards order by r",
    )
    .await;
    boards.into_iter().chain(cards).collect()
}
