//! Tails walk the log with a cursor that skips nothing, on both backends; on PostgreSQL
//! an event whose transaction commits late is read in its turn, not skipped.
use std::time::{Duration, Instant};

use joan_commands::store::tail::{self, Cursor, Horizon, Page};
use joan_commands::{EventStore, StoredEvent};
use sqlx::Connection;

use crate::backend::{Backend, on_both_backends};
use crate::support::{event, open};

on_both_backends!(tail_pages_walk_the_whole_log_in_order_and_stop_at_a_bound);

/// Settled reads wait for every older transaction of the whole PostgreSQL cluster (other
/// tests creating databases, too): poll until `want` events are settled after `after`.
async fn settled_page(store: &EventStore, after: Cursor, want: usize) -> Page {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = store.read_after(after, Horizon::Settled, 1_000).await.unwrap();
        if page.events.len() >= want || Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn walk(store: &EventStore, horizon: Horizon, page: i64) -> Vec<StoredEvent> {
    let mut cursor = Cursor::START;
    let mut out = Vec::new();
    loop {
        let p = store.read_after(cursor, horizon, page).await.unwrap();
        if p.events.is_empty() {
            assert_eq!(p.end, cursor, "an empty page keeps the cursor");
            return out;
        }
        assert!(p.end > cursor, "the cursor moves forward");
        cursor = p.end;
        out.extend(p.events);
    }
}

async fn tail_pages_walk_the_whole_log_in_order_and_stop_at_a_bound(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    for n in 0..5 {
        let events = (1..=5).map(|s| event(&format!("s{n}"), s)).collect();
        t.store.append(events, None).await.unwrap();
    }
    let log = t.store.read_from(0, 100).await.unwrap();
    assert_eq!(log.len(), 25);
    settled_page(&t.store, Cursor::START, 25).await;
    assert_eq!(walk(&t.store, Horizon::Settled, 7).await, log);
    assert_eq!(walk(&t.store, Horizon::Committed, 4).await, log);

    let bound = tail::settled_bound(t.store.db()).await.unwrap();
    t.store.append(vec![event("later", 1)], None).await.unwrap();
    assert_eq!(walk(&t.store, Horizon::Before(bound), 6).await, log, "the bound holds");
    let all = settled_page(&t.store, Cursor::START, 26).await;
    assert_eq!(all.events.len(), 26);
    assert_eq!(&all.events[..25], &log[..]);
    let last = all.events[25].position;
    assert!(last > log[24].position);
    assert_eq!(tail::cursor_at(t.store.db(), last).await.unwrap(), Some(all.end));
}

const INSERT: &str = "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
     payload, metadata, owner_id, recorded_at) values ('test', 'late', 1, 'Happened', '1', '{}', '{}', 'u1', 'now') \
     returning position";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_that_commits_late_is_read_in_its_turn_not_skipped() {
    let Some(t) = open(Backend::Postgres).await else { return };
    t.store.append(vec![event("early", 1)], None).await.unwrap();
    let early = settled_page(&t.store, Cursor::START, 1).await;
    assert_eq!(early.events.len(), 1);

    // Position p is taken by a transaction that stays open while p + 1 commits.
    let mut held = sqlx::PgConnection::connect(t.db.url().unwrap()).await.unwrap();
    sqlx::query("begin").execute(&mut held).await.unwrap();
    let (p,): (i64,) = sqlx::query_as(INSERT).fetch_one(&mut held).await.unwrap();
    let next = t.store.append(vec![event("next", 1)], None).await.unwrap();
    assert_eq!(next.last_position, p + 1);

    // A position cursor would read p + 1 now and never look back at p.
    let committed = t.store.read_after(early.end, Horizon::Committed, 10).await.unwrap();
    assert_eq!(
        committed.events.iter().map(|e| e.position).collect::<Vec<_>>(),
        vec![p + 1]
    );
    // A settled read holds back: p + 1 waits behind the open transaction.
    let settled = t.store.read_after(early.end, Horizon::Settled, 10).await.unwrap();
    assert!(
        settled.events.is_empty(),
        "read {:?} past an open transaction",
        settled.events
    );
    let target = tail::cursor_at(t.store.db(), p + 1).await.unwrap().unwrap();
    assert!(target > early.end && target.position == p + 1);

    sqlx::query("commit").execute(&mut held).await.unwrap();
    let settled = settled_page(&t.store, early.end, 2).await;
    assert_eq!(
        settled.events.iter().map(|e| e.position).collect::<Vec<_>>(),
        vec![p, p + 1],
        "the late event comes first: its transaction began first"
    );
    assert_eq!(settled.end, target, "the tail ends at p + 1");
}
