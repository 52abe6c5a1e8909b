//! SQLite's writer thread runs under `SCHED_BATCH`, at the process's nice value.
use joan_commands::db;
use joan_commands::{EventStore, StoreOptions};

use crate::backend::{Backend, TestDb};
use crate::support::event;

/// `(policy, nice)` of every thread of this process named `name`, from `/proc`.
fn threads_named(name: &str) -> Vec<(i64, i64)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").unwrap() {
        let Ok(stat) = std::fs::read_to_string(entry.unwrap().path().join("stat")) else {
            continue; // the thread has ended
        };
        let (head, rest) = stat.rsplit_once(')').unwrap();
        if head.split_once('(').unwrap().1 != name {
            continue;
        }
        // After the name come the fields from the third on: nice is the 19th, policy the 41st.
        let fields: Vec<&str> = rest.split_whitespace().collect();
        found.push((fields[41 - 3].parse().unwrap(), fields[19 - 3].parse().unwrap()));
    }
    found
}

#[tokio::test]
async fn the_sqlite_writer_waits_its_turn_instead_of_preempting_requests() {
    let db = TestDb::create(Backend::Sqlite).await.expect("sqlite");
    db::migrate(&db.location).await.unwrap();
    let store = EventStore::open(&db.location, StoreOptions::default(), vec![])
        .await
        .unwrap();
    store.append(vec![event("scheduled", 1)], None).await.unwrap();

    const SCHED_BATCH: i64 = 3;
    let process = std::fs::read_to_string("/proc/self/stat").unwrap();
    let process_nice: i64 = process
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .nth(19 - 3)
        .unwrap()
        .parse()
        .unwrap();
    let writers = threads_named("joan-writer");
    assert!(!writers.is_empty(), "no writer thread found");
    for (policy, nice) in writers {
        assert_eq!(policy, SCHED_BATCH, "the writer keeps the default policy");
        assert_eq!(nice, process_nice, "the writer's nice value changed");
    }
}
