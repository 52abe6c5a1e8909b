//! Several stores (nodes) on one PostgreSQL database.
use std::collections::BTreeMap;
use std::time::Duration;

use joan_commands::{EventStore, StoreError, StoreOptions};

use crate::backend::Backend;
use crate::support::{event, open};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commands_on_two_nodes_never_lose_an_update() {
    let Some(t) = open(Backend::Postgres).await else { return };
    let other = EventStore::open(&t.db.location, StoreOptions::default(), vec![])
        .await
        .unwrap();
    let mut handles = Vec::new();
    for n in 0..60 {
        let store = if n % 2 == 0 { t.store.clone() } else { other.clone() };
        handles.push(tokio::spawn(async move {
            let version = store.load_stream("test", "hot").await.unwrap().len() as i64;
            (version + 1, store.append(vec![event("hot", version + 1)], None).await)
        }));
    }
    let mut winners: BTreeMap<i64, usize> = BTreeMap::new();
    for h in handles {
        match h.await.unwrap() {
            (sequence, Ok(_)) => *winners.entry(sequence).or_default() += 1,
            (sequence, Err(StoreError::Conflict { sequence: s, .. })) => assert_eq!(s, sequence),
            (_, Err(e)) => panic!("unexpected error {e}"),
        }
    }
    assert!(
        winners.values().all(|n| *n == 1),
        "two winners for one sequence: {winners:?}"
    );
    let stored: Vec<i64> = t
        .store
        .load_stream("test", "hot")
        .await
        .unwrap()
        .iter()
        .map(|e| e.sequence)
        .collect();
    assert_eq!(stored, (1..=winners.len() as i64).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_follows_appends_made_on_another_node() {
    let Some(t) = open(Backend::Postgres).await else { return };
    let other = EventStore::open(&t.db.location, StoreOptions::default(), vec![])
        .await
        .unwrap();
    let appended = other.append(vec![event("s", 1)], None).await.unwrap();
    let mut head = t.store.head();
    tokio::time::timeout(Duration::from_secs(5), head.wait_for(|h| *h >= appended.last_position))
        .await
        .expect("the head did not follow the other node")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_recovers_when_postgresql_drops_its_connections() {
    let Some(t) = open(Backend::Postgres).await else { return };
    t.store.append(vec![event("before", 1)], None).await.unwrap();
    // What a server restart does to this database's sessions.
    t.db.execute_outside(
        "select pg_terminate_backend(pid) from pg_stat_activity \
             where datname = current_database() and pid <> pg_backend_pid()",
    )
    .await;
    // Reads can be repeated: one on a connection that has gone away is retried on a new one
    // and answers at the first call.
    assert_eq!(t.store.count_events().await.unwrap(), 1);
    assert_eq!(t.store.load_stream("test", "before").await.unwrap().len(), 1);
    let mut attempts = 0;
    let appended = loop {
        attempts += 1;
        match t.store.append(vec![event("after", 1)], None).await {
            Ok(a) => break a,
            Err(e) if attempts < 3 => eprintln!("append {attempts} failed as expected: {e}"),
            Err(e) => panic!("the store did not recover: {e}"),
        }
    };
    assert!(appended.last_position > 0);
    assert_eq!(t.store.load_stream("test", "after").await.unwrap().len(), 1);
    assert_eq!(t.store.count_events().await.unwrap(), 2);
}
