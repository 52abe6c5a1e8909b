use crate::backend::{Backend, on_both_backends};
use crate::support::{Node, append_streams, database, log, seen};

on_both_backends!(a_catch_up_projector_applies_every_event_once_in_order_and_resumes_from_its_checkpoint);

async fn a_catch_up_projector_applies_every_event_once_in_order_and_resumes_from_its_checkpoint(backend: Backend) {
    let Some(db) = database(backend).await else { return };
    let node = Node::start(&db).await;
    append_streams(&node.store, "before", 20).await;
    let last = append_streams(&node.store, "while", 30).await;
    node.wait_for(last).await;
    assert_eq!(seen(&node.store).await, log(&node.store).await);
    assert_eq!(node.catch_up.position(), last);
    node.stop().await;

    // Restarted, it resumes from its checkpoint: nothing twice (the key would refuse it).
    let node = Node::start(&db).await;
    let last = append_streams(&node.store, "after", 10).await;
    node.wait_for(last).await;
    let seen = seen(&node.store).await;
    assert_eq!(seen.len(), 60);
    assert_eq!(seen, log(&node.store).await);
    node.stop().await;
}

/// On SQLite catch-up pages are acknowledged without waiting for an fsync; appends still
/// are not: after a page has been applied, an append's reply still follows an fsync of the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_are_still_acknowledged_after_an_fsync_once_a_catch_up_page_is_applied() {
    let Some(db) = database(Backend::Sqlite).await else {
        return;
    };
    let node = Node::start(&db).await;
    let last = append_streams(&node.store, "s", 5).await;
    node.wait_for(last).await;
    let before = node.store.syncs();
    let after = append_streams(&node.store, "t", 1).await;
    assert!(node.store.syncs() > before, "acknowledged before an fsync");
    assert!(*node.store.head().borrow() >= after);
    node.stop().await;
}
