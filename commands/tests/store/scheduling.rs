//! SQLite's writer thread runs under `SCHED_BATCH`, at the process's nice value.
use joan_commands::db;
use joan_commands::{EventStore, StoreOptions};

use crate::backend::{Backend, TestDb};
use crate::support::event;

/// The fields of a `/proc/.../stat` file from the third on, and the name before them.
fn stat(path: &std::path::Path) -> Option<(String, Vec<String>)> {
    let stat = std::fs::read_to_string(path).ok()?; // a thread may have ended
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    Some((name, rest.split_whitespace().map(str::to_owned).collect()))
}

/// `(policy, nice)` from the fields of [`stat`]: nice is the 19th field, policy the 41st.
fn policy_and_nice(fields: &[String]) -> (i64, i64) {
    (fields[41 - 3].parse().unwrap(), fields[19 - 3].parse().unwrap())
}

/// `(policy, nice)` of every thread of this process named `name`.
fn threads_named(name: &str) -> Vec<(i64, i64)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|entry| stat(&entry.unwrap().path().join("stat")))
        .filter(|(thread, _)| thread == name)
        .map(|(_, fields)| policy_and_nice(&fields))
        .collect()
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
    let (_, process) = stat(std::path::Path::new("/proc/self/stat")).unwrap();
    let (_, process_nice) = policy_and_nice(&process);
    let writers = threads_named("joan-writer");
    assert!(!writers.is_empty(), "no writer thread found");
    for (policy, nice) in writers {
        assert_eq!(policy, SCHED_BATCH, "the writer keeps the default policy");
        assert_eq!(nice, process_nice, "the writer's nice value changed");
    }
}
