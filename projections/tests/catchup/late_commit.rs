//! The late commit: a transaction holds position p open while p + 1 commits and the
//! projector runs. A position cursor would skip p for good; Joan's waits for it.
use std::time::Duration;

use joan_commands::Cursor;
use sqlx::Connection;

use crate::backend::Backend;
use crate::support::{Node, database, event, seen};

const INSERT: &str = "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
     payload, metadata, recorded_at) values ('test', 'late', 1, 'Happened', '1', '{}', '{}', 'now') \
     returning position";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_committed_late_is_applied_in_its_turn_not_skipped() {
    let Some(db) = database(Backend::Postgres).await else {
        return;
    };
    let node = Node::start(&db).await;
    let first = node
        .store
        .append(vec![event("first", 1)], None)
        .await
        .unwrap()
        .last_position;
    node.wait_for(first).await;

    let mut held = sqlx::PgConnection::connect(db.url().unwrap()).await.unwrap();
    sqlx::query("begin").execute(&mut held).await.unwrap();
    let (p,): (i64,) = sqlx::query_as(INSERT).fetch_one(&mut held).await.unwrap();
    let next = node
        .store
        .append(vec![event("next", 1)], None)
        .await
        .unwrap()
        .last_position;
    assert_eq!(next, p + 1);

    // The projector is woken by p + 1 and polls meanwhile; give it time to (wrongly) move.
    tokio::time::sleep(Duration::from_millis(750)).await;
    assert_eq!(
        seen(&node.store).await,
        vec![first],
        "applied something past the open transaction"
    );
    let stuck: Cursor = node.catch_up.cursor();
    assert_eq!(stuck.position, first, "the checkpoint moved past p - 1");

    sqlx::query("commit").execute(&mut held).await.unwrap();
    node.wait_for(next).await;
    assert_eq!(
        seen(&node.store).await,
        vec![first, p, p + 1],
        "p was skipped or applied out of order"
    );
    let checkpoint: (i64, i64) = node
        .store
        .db()
        .fetch_optional(
            "select tx, position from projector_checkpoints where name = 'recorder'",
            &[],
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(checkpoint.1, p + 1);
    assert!(checkpoint.0 > stuck.tx);
    node.stop().await;
}
