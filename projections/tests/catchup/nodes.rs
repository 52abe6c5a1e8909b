//! Several nodes on one PostgreSQL database: one runs the projector, another takes over.
use joan_commands::db::pg::{LockKind, named_lock};

use crate::backend::Backend;
use crate::support::{Node, append_streams, database, log, seen};

/// How many sessions hold the recorder's runner lock.
async fn runners(node: &Node) -> i64 {
    let key = named_lock(LockKind::CatchUpRunner, "recorder");
    node.store
        .db()
        .fetch_scalar_i64(
            "select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 1 \
             and classid::bigint = $1 and objid::bigint = $2 and database = (select oid from pg_database where datname = current_database())",
            &[(key >> 32).into(), (key & 0xffff_ffff).into()],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_node_at_a_time_runs_a_catch_up_projector_and_another_takes_over() {
    let Some(db) = database(Backend::Postgres).await else {
        return;
    };
    let a = Node::start(&db).await;
    let b = Node::start(&db).await;
    append_streams(&a.store, "a", 20).await;
    let last = append_streams(&b.store, "b", 20).await;
    // Both nodes see the progress, whichever runs the projector.
    a.wait_for(last).await;
    b.wait_for(last).await;
    assert_eq!(runners(&a).await, 1);

    // Stop one node, then the other: whichever was running, a takeover happens once.
    a.stop().await;
    let last = append_streams(&b.store, "c", 20).await;
    b.wait_for(last).await;
    let c = Node::start(&db).await;
    b.stop().await;
    let last = append_streams(&c.store, "d", 20).await;
    c.wait_for(last).await;
    assert_eq!(runners(&c).await, 1);
    let seen = seen(&c.store).await;
    assert_eq!(seen.len(), 80);
    assert_eq!(seen, log(&c.store).await, "an event was skipped, repeated or reordered");
    c.stop().await;
}
