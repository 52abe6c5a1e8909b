//! Helpers shared by the integration tests.
use std::process::Command;

use joan_api::core::Core;
use joan_commands::db::Location;
use joan_commands::service::CommandContext;
use joan_commands::{Database, StoreOptions};
use joan_domain::task::{Description, NewTask, Priority, Tags, TaskChanges, TaskCommand, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use joan_projections::Projections;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::backend::TestDb;

pub const JOAN: &str = env!("CARGO_BIN_EXE_joan");

pub async fn open_core_at(location: &Location) -> Core {
    Core::open(location, StoreOptions::default()).await.expect("open core")
}

/// A `joan` command pointed at `db`.
pub fn joan(db: &TestDb) -> Command {
    let mut command = Command::new(JOAN);
    command.args(db.cli_args());
    command
}

/// Every projected table, row by row, in a stable order, and the checkpoints (cursors
/// included). Rows are rendered by the database (SQLite: a JSON array, PostgreSQL: the row
/// literal), so only dumps of one backend compare.
pub async fn dump(db: &Database) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let projections = Projections::new();
    let tables = projections.all().iter().flat_map(|(_, p)| p.tables().iter().copied());
    for table in tables {
        let sql = if db.is_postgres() {
            format!("select t::text as r from {table} t order by r")
        } else {
            let columns: Vec<(String,)> = db
                .fetch_all(
                    &format!("select name from pragma_table_info('{table}') order by cid"),
                    &[],
                )
                .await
                .unwrap();
            let list = columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ");
            format!("select json_array({list}) as r from {table} order by r")
        };
        let rows: Vec<(String,)> = db.fetch_all(&sql, &[]).await.unwrap();
        out.push((table.to_string(), rows.into_iter().map(|r| r.0).collect()));
    }
    let checkpoints: Vec<(String,)> = db
        .fetch_all(
            "select name || '=' || position || '/' || tx from projector_checkpoints order by name",
            &[],
        )
        .await
        .unwrap();
    out.push(("checkpoints".into(), checkpoints.into_iter().map(|r| r.0).collect()));
    out
}

/// `select <columns> <rest>`, each row rendered as a JSON array text, on either backend;
/// `rest` may order by `r`, the rendered row.
pub async fn json_rows(db: &Database, columns: &str, rest: &str) -> Vec<String> {
    let array = if db.is_postgres() {
        "json_build_array"
    } else {
        "json_array"
    };
    let sql = format!("select cast({array}({columns}) as text) as r {rest}");
    let rows: Vec<(String,)> = db.fetch_all(&sql, &[]).await.unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// Fails with the first differences of two dumps (a whole dump is too long to read).
#[track_caller]
pub fn assert_same_dump(actual: &[(String, Vec<String>)], expected: &[(String, Vec<String>)], context: &str) {
    for ((table, a), (_, e)) in actual.iter().zip(expected) {
        if a != e {
            let missing: Vec<&String> = e.iter().filter(|r| !a.contains(r)).take(3).collect();
            let extra: Vec<&String> = a.iter().filter(|r| !e.contains(r)).take(3).collect();
            panic!(
                "{context}: table {table} differs ({} rows, expected {}); missing {missing:?}; unexpected {extra:?}",
                a.len(),
                e.len()
            );
        }
    }
    assert_eq!(actual.len(), expected.len(), "{context}: different tables");
}

/// The rows of `table` in a dump.
pub fn rows<'d>(dump: &'d [(String, Vec<String>)], table: &str) -> &'d [String] {
    dump.iter()
        .find(|(t, _)| t == table)
        .map(|(_, rows)| rows.as_slice())
        .unwrap_or_else(|| panic!("no table {table} in the dump"))
}

/// Waits until every catch-up projector has applied the whole log.
pub async fn settle(core: &Core) {
    let head = *core.store.head().borrow();
    tokio::time::timeout(std::time::Duration::from_secs(60), core.wait_for(head))
        .await
        .expect("catch-up projectors did not reach the head");
}

fn stamp(user: UserId, rng: &mut StdRng) -> CommandContext {
    // Spread over several days so the per-day statistics have more than one row per user.
    let micros = 1_790_000_000_000_000 + rng.random_range(0..5 * 86_400_000_000i64);
    CommandContext::new(user, Timestamp::from_unix_micros(micros))
}

/// Runs `count` random task commands (create, update, complete, reopen, delete) for three
/// users; domain refusals (completing a completed task...) are part of the mix.
pub async fn mixed_workload(core: &Core, count: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let users: Vec<UserId> = (0..3).map(|_| UserId(Uuid::from_u128(rng.random()))).collect();
    let mut tasks: Vec<(Uuid, UserId)> = Vec::new();
    for n in 0..count {
        let user = users[rng.random_range(0..users.len())];
        let ctx = stamp(user, &mut rng);
        if tasks.is_empty() || rng.random_range(0..4) == 0 {
            let id = Uuid::from_u128(rng.random());
            let new = NewTask {
                id: id.into(),
                title: Title::parse(&format!("task {n}")).unwrap(),
                priority: Priority::parse(rng.random_range(0..=4)).unwrap(),
                tags: Tags::parse(&["a", "b"][..rng.random_range(0..=2)]).unwrap(),
                ..NewTask::default()
            };
            core.tasks
                .execute(&id.to_string(), &ctx, TaskCommand::Create(new), None, None)
                .await
                .unwrap();
            tasks.push((id, user));
            continue;
        }
        let (id, owner) = tasks[rng.random_range(0..tasks.len())];
        let ctx = CommandContext { actor: owner, ..ctx };
        let command = match rng.random_range(0..10) {
            0 => TaskCommand::Complete,
            1 => TaskCommand::Reopen,
            2 => TaskCommand::Delete,
            _ => TaskCommand::Update(TaskChanges {
                title: rng
                    .random_bool(0.3)
                    .then(|| Title::parse(&format!("renamed {n}")).unwrap()),
                description: rng.random_bool(0.3).then(|| Some(Description::parse("notes").unwrap())),
                status: rng
                    .random_bool(0.5)
                    .then(|| TaskStatus::ALL[rng.random_range(0..TaskStatus::ALL.len())]),
                priority: rng
                    .random_bool(0.3)
                    .then(|| Priority::parse(rng.random_range(0..=4)).unwrap()),
                due_date: rng.random_bool(0.2).then_some(None),
                ..TaskChanges::default()
            }),
        };
        // Refusals (already completed, deleted...) are expected; anything else is a bug.
        if let Err(e) = core.tasks.execute(&id.to_string(), &ctx, command, None, None).await {
            assert!(
                matches!(e, joan_commands::CommandError::Domain(_)),
                "unexpected failure: {e}"
            );
        }
    }
}
