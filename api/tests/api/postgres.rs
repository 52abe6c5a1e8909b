//! Several `joan` processes on one PostgreSQL database: kill -9 the node that runs the
//! catch-up projectors, and another node takes them over from the checkpoint.
use std::time::{Duration, Instant};

use joan_commands::pg::{LockKind, named_lock};
use joan_projections::Projections;
use joan_projections::registry::Mode;
use rand::Rng;
use sqlx::Connection;

use crate::backend::{Backend, TestDb};
use crate::crash::{Writer, assert_acknowledged, assert_replay_matches};
use crate::support::open_core_at;

/// The OS process id of the `joan` node running catch-up projector `name`, if one does.
async fn runner(db: &TestDb, name: &str) -> Option<u32> {
    let key = named_lock(LockKind::CatchUpRunner, name);
    let mut conn = sqlx::PgConnection::connect(db.url().unwrap()).await.unwrap();
    let row: Option<(String,)> = sqlx::query_as(
        "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid \
         where l.locktype = 'advisory' and l.granted and l.objsubid = 1 \
         and l.classid::bigint = $1 and l.objid::bigint = $2 \
         and l.database = (select oid from pg_database where datname = current_database())",
    )
    .bind(key >> 32)
    .bind(key & 0xffff_ffff)
    .fetch_optional(&mut conn)
    .await
    .unwrap();
    let _ = conn.close().await;
    row.and_then(|(app,)| app.rsplit_once("pid=").and_then(|(_, pid)| pid.parse().ok()))
}

async fn checkpoint(db: &TestDb, name: &str) -> i64 {
    let mut conn = sqlx::PgConnection::connect(db.url().unwrap()).await.unwrap();
    let row: Option<(i64,)> = sqlx::query_as("select position from projector_checkpoints where name = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    let _ = conn.close().await;
    row.map_or(0, |r| r.0)
}

/// Polls `check` every 50 ms for at most 30 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_node_that_runs_the_catch_up_projectors_hands_them_to_another() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let names: Vec<&str> = Projections::new()
        .all()
        .iter()
        .filter(|(m, _)| *m == Mode::CatchUp)
        .map(|(_, p)| p.name())
        .collect();
    let first = names[0];

    let a = Writer::spawn(&db, 8);
    let b = Writer::spawn(&db, 8);
    let (a, b) = tokio::task::spawn_blocking(move || {
        a.wait_for_first_ack();
        b.wait_for_first_ack();
        (a, b)
    })
    .await
    .unwrap();
    let pids = [a.child.id(), b.child.id()];
    eventually("a node runs the catch-up projector", || async {
        runner(&db, first).await.is_some_and(|pid| pids.contains(&pid))
    })
    .await;
    eventually("the projector has applied something", || async {
        checkpoint(&db, first).await > 0
    })
    .await;
    // Kill the runner at a random moment, most likely in the middle of a batch.
    tokio::time::sleep(Duration::from_millis(rand::rng().random_range(100..800))).await;
    let leader = runner(&db, first).await.unwrap();
    let (victim, survivor) = if leader == pids[0] { (a, b) } else { (b, a) };
    let survivor_pid = survivor.child.id();
    let mut acked = tokio::task::spawn_blocking(move || victim.kill()).await.unwrap();

    // The survivor takes every catch-up projector over and moves its checkpoint on.
    for name in &names {
        eventually("the surviving node runs the projector", || async {
            runner(&db, name).await == Some(survivor_pid)
        })
        .await;
    }
    let taken_over_at = checkpoint(&db, first).await;
    eventually("the surviving node applies new events", || async {
        checkpoint(&db, first).await > taken_over_at
    })
    .await;
    acked.extend(tokio::task::spawn_blocking(move || survivor.kill()).await.unwrap());

    // Nothing acknowledged was lost; nothing was applied twice or skipped: the tables equal a
    // replay of the log.
    let core = open_core_at(&db.location).await;
    assert_acknowledged(&core, &acked, "two nodes").await;
    assert_replay_matches(&core, "two nodes").await;
    core.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_on_one_node_sees_a_command_as_soon_as_it_returned_on_another() {
    use joan_commands::service::CommandContext;
    use joan_domain::task::{NewTask, TaskChanges, TaskCommand, Title};
    use joan_domain::{Timestamp, UserId};
    use joan_projections::task_queries;

    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let a = open_core_at(&db.location).await;
    let b = open_core_at(&db.location).await;
    let user = UserId(uuid::Uuid::new_v4());
    let ctx = CommandContext::new(user, Timestamp::from_unix_micros(1_790_000_000_000_000));
    for n in 0..30 {
        let (writer, reader) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let id = uuid::Uuid::new_v4();
        let title = Title::parse(&format!("task {n}")).unwrap();
        let create = TaskCommand::Create(NewTask {
            id,
            title,
            ..NewTask::default()
        });
        writer
            .tasks
            .execute_new(&id.to_string(), &ctx, create, None)
            .await
            .unwrap();
        let row = task_queries::get(reader.store.db(), &user.to_string(), &id.to_string())
            .await
            .unwrap()
            .expect("the other node does not see the task just created");
        assert_eq!(row.title, format!("task {n}"));

        let rename = TaskCommand::Update(TaskChanges {
            title: Some(Title::parse("renamed").unwrap()),
            ..TaskChanges::default()
        });
        reader
            .tasks
            .execute(&id.to_string(), &ctx, rename, Some(1), None)
            .await
            .unwrap();
        let row = task_queries::get(writer.store.db(), &user.to_string(), &id.to_string())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.title.as_str(), row.version), ("renamed", 2));
    }
    a.close().await;
    b.close().await;
}
