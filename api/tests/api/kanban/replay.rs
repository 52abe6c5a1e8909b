//! The kanban tables rebuilt from the log are the tables the live projection built.
use joan_commands::service::CommandContext;
use joan_domain::board::{BoardCommand, BoardName, Column, Columns, NewBoard};
use joan_domain::task::{NewTask, TaskCommand, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use joan_projections::Projector;
use joan_projections::kanban::KanbanProjector;
use joan_projections::kanban_queries;
use joan_projections::rebuild::rebuild;
use joan_projections::registry::Mode;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::app::TestApp;
use crate::backend::{Backend, TestDb, on_both_backends};
use crate::support::{dump, open_core_at, settle};

on_both_backends!(a_rebuild_of_the_kanban_tables_gives_the_same_rows,);

async fn a_rebuild_of_the_kanban_tables_gives_the_same_rows(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let other = app.token_for_new_user();
    let boards = [
        two_column_board(&app, &token).await,
        create_board(&app, &token, json!({"name": "Flow"})).await["id"]
            .as_str()
            .unwrap()
            .to_string(),
        two_column_board(&app, &other).await,
    ];
    let mut tasks = Vec::new();
    for n in 0..8 {
        tasks.push(create_task(&app, &token, &format!("t{n}")).await);
    }
    let other_task = create_task(&app, &other, "theirs").await;
    for (n, task) in tasks.iter().enumerate() {
        let column = ["z_first", "a_second"][n % 2];
        moved(&app, &token, &boards[0], task, column, (n as i64 * 7) % 5).await;
        let flow = ["todo", "in_progress", "completed"][n % 3];
        moved(&app, &token, &boards[1], task, flow, 0).await;
    }
    moved(&app, &other, &boards[2], &other_task, "a_second", 0).await;
    moved(&app, &token, &boards[0], &tasks[3], "z_first", 0).await;
    app.delete(&format!("/api/v1/tasks/{}", tasks[5]))
        .token(&token)
        .send()
        .await;
    app.patch(&board_path(&boards[0]))
        .token(&token)
        .json(&json!({"name": "Renamed", "columns": [{"id": "a_second", "name": "Kept"}]}))
        .send()
        .await;
    app.delete(&board_path(&boards[1])).token(&token).send().await;

    let core = &app.state.core;
    let live = kanban_rows(core.store.db()).await;
    assert!(live.len() >= 5, "{live:?}");
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    assert_eq!(kanban_rows(core.store.db()).await, live);
    let kanban_only = core.projections.find(KanbanProjector::default().name()).unwrap();
    assert_eq!(kanban_only.0, Mode::Inline);
    rebuild(&core.store, &[kanban_only], &()).await.unwrap();
    assert_eq!(
        kanban_rows(core.store.db()).await,
        live,
        "the kanban projector needs no other table"
    );
}

on_both_backends!(cards_stay_ordered_and_replay_identically);

/// The projector's SQL on each backend, driven through the command services: the same moves
/// give the same layout, and a rebuild of every projection gives the same rows.
async fn cards_stay_ordered_and_replay_identically(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let core = open_core_at(&db.location).await;
    let owner = UserId(Uuid::from_u128(1));
    let ctx = |n: i64| CommandContext::new(owner, Timestamp::from_unix_micros(1_790_000_000_000_000 + n));
    let board = Uuid::from_u128(0xb0a2d);
    let columns = Columns::parse(vec![
        Column::parse("doing", "Doing", Some(TaskStatus::InProgress)).unwrap(),
        Column::parse("done", "Done", Some(TaskStatus::Completed)).unwrap(),
    ])
    .unwrap();
    let new_board = NewBoard {
        id: board.into(),
        name: BoardName::parse("Both").unwrap(),
        columns,
        ..NewBoard::default()
    };
    core.boards
        .execute_new(&board.to_string(), &ctx(0), BoardCommand::Create(new_board), None)
        .await
        .unwrap();
    let tasks: Vec<String> = (1..=4u128)
        .map(|n| Uuid::from_u128(0x7a5c_0000 + n).to_string())
        .collect();
    for (n, id) in tasks.iter().enumerate() {
        let new = NewTask {
            id: Uuid::parse_str(id).unwrap().into(),
            title: Title::parse(&format!("t{n}")).unwrap(),
            ..NewTask::default()
        };
        core.tasks
            .execute_new(id, &ctx(1), TaskCommand::Create(new), None)
            .await
            .unwrap();
    }
    // Positions beyond the column's end are clamped by the projector itself.
    let moves = [
        (0, "doing", 0),
        (1, "doing", 0),
        (2, "doing", 1),
        (3, "doing", 99),
        (1, "done", 9),
        (3, "doing", 0),
    ];
    for (i, (task, column, position)) in moves.into_iter().enumerate() {
        let command = TaskCommand::MoveOnBoard {
            board_id: board.into(),
            column_id: column.into(),
            position,
            status: Some(if column == "done" {
                TaskStatus::Completed
            } else {
                TaskStatus::InProgress
            }),
        };
        core.tasks
            .execute(&tasks[task], &ctx(2 + i as i64), command, None, None)
            .await
            .unwrap();
    }
    core.tasks
        .execute(&tasks[2], &ctx(10), TaskCommand::Delete, None, None)
        .await
        .unwrap();

    let cards = kanban_queries::cards(&mut core.store.db(), &board.to_string())
        .await
        .unwrap();
    let seen: Vec<(&str, i64, &str, Option<&str>)> = cards
        .iter()
        .map(|c| {
            let task = tasks.iter().position(|t| *t == c.task_id).unwrap();
            (
                c.column_id.as_str(),
                c.position,
                ["t0", "t1", "t2", "t3"][task],
                c.status.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("doing", 0, "t3", Some("in_progress")),
            ("doing", 1, "t0", Some("in_progress")),
            ("done", 0, "t1", Some("completed")),
        ]
    );
    let row = joan_projections::table::get::<joan_projections::boards::BoardRow>(
        &mut core.store.db(),
        &owner.to_string(),
        &board.to_string(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((row.version, row.kanban_position), (1, 0));

    settle(&core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(&core).await;
    assert_eq!(dump(core.store.db()).await, live);
    core.close().await;
}
