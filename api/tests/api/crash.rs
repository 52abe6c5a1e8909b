//! SIGKILL in the middle of appends loses nothing acknowledged and leaves every read table
//! and checkpoint equal to a replay of the log.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use joan_commands::args;
use joan_projections::rebuild::rebuild;
use rand::Rng;

use crate::support::{JOAN, dump, open_core};

fn run_and_kill(dir: &std::path::Path) -> Vec<String> {
    let mut child = Command::new(JOAN)
        .arg("--data-dir")
        .arg(dir)
        .args([
            "bench",
            "commands",
            "--writers",
            "16",
            "--commands",
            "100000000",
            "--print-acks",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("ack ").map(String::from))
            .collect::<Vec<_>>()
    });
    // Kill at a random moment once appends are flowing.
    let started = Instant::now();
    while std::fs::metadata(dir.join("joan.db-wal")).map(|m| m.len()).unwrap_or(0) == 0
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(rand::rng().random_range(200..1500)));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    reader.join().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_appends_survive_sigkill_and_projections_match_a_replay() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let dir_path = dir.path().to_path_buf();
        let acked = tokio::task::spawn_blocking(move || run_and_kill(&dir_path))
            .await
            .unwrap();
        assert!(
            !acked.is_empty(),
            "round {round}: the child acknowledged nothing before the kill"
        );

        let core = open_core(dir.path()).await;
        for id in &acked {
            let n = core
                .store
                .db()
                .fetch_scalar_i64(
                    "select count(*) from events where aggregate_id = $1",
                    &args![id.as_str()],
                )
                .await
                .unwrap();
            assert_eq!(n, 1, "round {round}: acknowledged task {id} is missing from the log");
            let row = core
                .store
                .db()
                .fetch_scalar_i64("select count(*) from tasks where id = $1", &args![id.as_str()])
                .await
                .unwrap();
            assert_eq!(
                row, 1,
                "round {round}: acknowledged task {id} is missing from the tasks table"
            );
        }
        let head = *core.store.head().borrow();
        core.wait_for(head).await;
        let recovered = dump(core.store.db()).await;
        rebuild(&core.store, core.projections.all(), &()).await.unwrap();
        assert_eq!(
            dump(core.store.db()).await,
            recovered,
            "round {round}: tables differ from a replay"
        );
        core.close().await;
    }
}
