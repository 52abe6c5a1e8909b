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

/// On SQLite catch-up pages commit without an fsync of their own; appends must still be
/// fsynced: the writer is back at `synchronous = FULL` once a page has been applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_stay_fully_synchronous_after_a_catch_up_page() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    use joan_commands::{Conn, ExclusiveJob, StoreError};

    struct ReadSynchronous(Arc<AtomicI64>);

    #[async_trait::async_trait]
    impl ExclusiveJob for ReadSynchronous {
        async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
            let (level,): (i64,) = conn.fetch_optional("pragma synchronous", &[]).await?.unwrap();
            self.0.store(level, Ordering::SeqCst);
            Ok(())
        }
    }

    let Some(db) = database(Backend::Sqlite).await else {
        return;
    };
    let node = Node::start(&db).await;
    let last = append_streams(&node.store, "s", 5).await;
    node.wait_for(last).await;
    let level = Arc::new(AtomicI64::new(-1));
    node.store
        .exclusive(Box::new(ReadSynchronous(level.clone())))
        .await
        .unwrap();
    assert_eq!(level.load(Ordering::SeqCst), 2, "2 is FULL");
    node.stop().await;
}
