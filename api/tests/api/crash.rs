//! SIGKILL in the middle of appends loses nothing acknowledged and leaves every read table
//! and checkpoint equal to a replay of the log, on SQLite and on PostgreSQL.
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use joan_api::core::Core;
use joan_commands::args;
use joan_projections::rebuild::rebuild;
use rand::Rng;

use crate::backend::{Backend, TestDb, on_both_backends};
use crate::support::{assert_same_dump, dump, joan, open_core_at, settle};

on_both_backends!(acknowledged_appends_survive_sigkill_and_projections_match_a_replay);

/// A `joan bench commands --print-acks` child writing to `db`, and the ids it acknowledged.
pub struct Writer {
    pub child: Child,
    acks: JoinHandle<Vec<String>>,
    first: mpsc::Receiver<()>,
}

impl Writer {
    pub fn spawn(db: &TestDb, writers: usize) -> Writer {
        let mut child = joan(db)
            .args([
                "bench",
                "commands",
                "--commands",
                "100000000",
                "--print-acks",
                "--writers",
            ])
            .arg(writers.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, first) = mpsc::channel();
        let acks = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(id) = line.strip_prefix("ack ") {
                    if acks.is_empty() {
                        let _ = tx.send(());
                    }
                    acks.push(id.to_string());
                }
            }
            acks
        });
        Writer { child, acks, first }
    }

    /// Waits (at most a minute) for the first acknowledged command.
    pub fn wait_for_first_ack(&self) {
        self.first
            .recv_timeout(Duration::from_secs(60))
            .expect("the child acknowledged nothing within a minute");
    }

    /// SIGKILL (on Unix); returns every id acknowledged before it.
    pub fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.acks.join().unwrap()
    }
}

/// Every acknowledged task is in the log once and in the tasks table.
pub async fn assert_acknowledged(core: &Core, acked: &[String], context: &str) {
    for id in acked {
        let n = core
            .store
            .db()
            .fetch_scalar_i64(
                "select count(*) from events where aggregate_id = $1",
                &args![id.as_str()],
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{context}: acknowledged task {id} is missing from the log");
        let row = core
            .store
            .db()
            .fetch_scalar_i64("select count(*) from tasks where id = $1", &args![id.as_str()])
            .await
            .unwrap();
        assert_eq!(
            row, 1,
            "{context}: acknowledged task {id} is missing from the tasks table"
        );
    }
}

/// Lets the catch-up projectors reach the head, then checks a rebuild changes nothing.
pub async fn assert_replay_matches(core: &Core, context: &str) {
    settle(core).await;
    let recovered = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    // Events the rebuild found unsettled (PostgreSQL) are the catch-up projectors' to apply.
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &recovered, context);
}

async fn acknowledged_appends_survive_sigkill_and_projections_match_a_replay(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    for round in 0..2 {
        let writer = Writer::spawn(&db, 16);
        let acked = tokio::task::spawn_blocking(move || {
            writer.wait_for_first_ack();
            // Kill at a random moment once appends are flowing.
            std::thread::sleep(Duration::from_millis(rand::rng().random_range(200..1500)));
            writer.kill()
        })
        .await
        .unwrap();
        assert!(!acked.is_empty(), "round {round}: nothing acknowledged");

        let core = open_core_at(&db.location).await;
        let context = format!("round {round}");
        assert_acknowledged(&core, &acked, &context).await;
        assert_replay_matches(&core, &context).await;
        core.close().await;
    }
}
