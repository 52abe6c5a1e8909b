//! Several `joan` processes on one PostgreSQL database: kill -9 the node that runs the
//! catch-up projectors, and another node takes them over from the checkpoint.
use std::time::{Duration, Instant};

use joan_commands::db::pg::{LockKind, named_lock};
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
    use joan_projections::tasks::TaskRow;

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
            id: id.into(),
            title,
            ..NewTask::default()
        });
        writer
            .tasks
            .execute_new(&id.to_string(), &ctx, create, None)
            .await
            .unwrap();
        let row = joan_projections::table::get::<TaskRow>(&mut reader.store.db(), &user.to_string(), &id.to_string())
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
        let row = joan_projections::table::get::<TaskRow>(&mut writer.store.db(), &user.to_string(), &id.to_string())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.title.as_str(), row.version), ("renamed", 2));
    }
    a.close().await;
    b.close().await;
}

/// Two nodes take PATCHes of the same tasks at once, each with the `If-Match` its client read
/// (from either node): every request is answered 200, 409 or 412, no two requests win on the
/// same version, and the final row holds exactly the accepted changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conflicting_patches_on_two_nodes_lose_no_update() {
    use axum::http::StatusCode;
    use serde_json::json;

    use crate::app::TestApp;

    let Some(a) = TestApp::new(Backend::Postgres).await else {
        return;
    };
    let b = std::sync::Arc::new(a.second_node().await);
    let a = std::sync::Arc::new(a);
    let token = a.token_for_new_user();
    let mut tasks = Vec::new();
    for n in 0..3 {
        let created = a
            .post("/api/v1/tasks")
            .token(&token)
            .json(&json!({"title": format!("task {n}")}))
            .send()
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        tasks.push(created.body["id"].as_str().unwrap().to_string());
    }

    let mut handles = Vec::new();
    for writer in 0..24 {
        let (read_on, write_on) = match writer % 4 {
            0 => (a.clone(), a.clone()),
            1 => (a.clone(), b.clone()),
            2 => (b.clone(), a.clone()),
            _ => (b.clone(), b.clone()),
        };
        let (token, task) = (token.clone(), tasks[writer % tasks.len()].clone());
        handles.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            for round in 0..5 {
                let path = format!("/api/v1/tasks/{task}");
                let seen = read_on.get(&path).token(&token).send().await;
                let etag = seen.header("etag").unwrap().to_string();
                let title = format!("w{writer} r{round}");
                let reply = write_on
                    .patch(&path)
                    .token(&token)
                    .header("if-match", &etag)
                    .json(&json!({"title": title}))
                    .send()
                    .await;
                match reply.status {
                    StatusCode::OK => {
                        let version: i64 = reply.header("etag").unwrap().trim_matches('"').parse().unwrap();
                        let read: i64 = etag.trim_matches('"').parse().unwrap();
                        assert_eq!(version, read + 1, "a PATCH applied on a version it did not read");
                        accepted.push((task.clone(), version, title));
                    }
                    StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT => {}
                    other => panic!("unexpected {other}: {}", reply.text),
                }
            }
            accepted
        }));
    }
    let mut accepted = Vec::new();
    for handle in handles {
        accepted.extend(handle.await.unwrap());
    }
    for task in &tasks {
        let mut won: Vec<&(String, i64, String)> = accepted.iter().filter(|(t, ..)| t == task).collect();
        won.sort_by_key(|(_, version, _)| *version);
        let versions: Vec<i64> = won.iter().map(|(_, v, _)| *v).collect();
        assert_eq!(
            versions,
            (2..2 + won.len() as i64).collect::<Vec<_>>(),
            "two winners on one version, or a gap"
        );
        // Both nodes read the same final row: the last accepted change, at the last version.
        for node in [&a, &b] {
            let row = node.get(&format!("/api/v1/tasks/{task}")).token(&token).send().await;
            let last = won.last().expect("no PATCH of this task was accepted");
            assert_eq!(row.body["title"], last.2.as_str());
            assert_eq!(row.header("etag"), Some(format!("\"{}\"", last.1).as_str()));
        }
    }
}
