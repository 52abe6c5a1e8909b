//! Helpers shared by the integration tests.
use std::path::Path;

use joan_api::core::Core;
use joan_commands::db::Location;
use joan_commands::service::CommandContext;
use joan_commands::{Database, StoreOptions};
use joan_domain::task::{Description, NewTask, Priority, Tags, TaskChanges, TaskCommand, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

pub const JOAN: &str = env!("CARGO_BIN_EXE_joan");

pub fn sqlite_in(dir: &Path) -> Location {
    Location::Sqlite(dir.join("joan.db"))
}

pub async fn open_core(dir: &Path) -> Core {
    Core::open(&sqlite_in(dir), StoreOptions::default())
        .await
        .expect("open core")
}

/// Every projected table, row by row, in a stable order (checkpoint positions included).
pub async fn dump(db: &Database) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for table in ["tasks", "task_activities", "task_daily_stats"] {
        let columns: Vec<(String,)> = db
            .fetch_all(
                &format!("select name from pragma_table_info('{table}') order by cid"),
                &[],
            )
            .await
            .unwrap();
        let list = columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ");
        let rows: Vec<(String,)> = db
            .fetch_all(&format!("select json_array({list}) as r from {table} order by r"), &[])
            .await
            .unwrap();
        out.push((table.to_string(), rows.into_iter().map(|r| r.0).collect()));
    }
    let checkpoints: Vec<(String,)> = db
        .fetch_all(
            "select name || '=' || position from projector_checkpoints order by name",
            &[],
        )
        .await
        .unwrap();
    out.push(("checkpoints".into(), checkpoints.into_iter().map(|r| r.0).collect()));
    out
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
                id,
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
                due_date: rng.random_bool(0.2).then(|| None),
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
