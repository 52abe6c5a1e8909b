use std::collections::BTreeMap;

use async_trait::async_trait;
use joan_commands::{Appended, Conn, EventStore, ExclusiveJob, NewEvent, StoreError, StoredEvent};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::backend::{Backend, on_both_backends};
use crate::support::{event, open};

on_both_backends!(
    appended_events_are_read_back_in_order_with_their_metadata,
    fifty_concurrent_commands_on_one_stream_leave_no_gaps_and_one_winner_per_sequence,
    a_conflict_in_a_batch_fails_only_its_own_command,
    the_event_log_refuses_update_and_delete,
);

async fn appended_events_are_read_back_in_order_with_their_metadata(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    let a = t
        .store
        .append(vec![event("s1", 1), event("s1", 2)], None)
        .await
        .unwrap();
    let b = t.store.append(vec![event("s2", 1)], None).await.unwrap();
    assert_eq!(a.version(), Some(2));
    assert!(b.last_position > a.last_position);

    let stream = t.store.load_stream("test", "s1").await.unwrap();
    assert_eq!(stream.iter().map(|e| e.sequence).collect::<Vec<_>>(), vec![1, 2]);
    let meta = stream[0].meta();
    assert_eq!(meta.actor.as_deref(), Some("u1"));
    assert_eq!(meta.request_id.as_deref(), Some("r1"));
    assert_eq!(meta.correlation_id.as_deref(), Some("c1"));

    let log: Vec<StoredEvent> = t.store.read_from(0, 10).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(t.store.read_from(log[0].position, 1).await.unwrap()[0], log[1]);
    assert_eq!(*t.store.head().borrow(), b.last_position);
}

async fn fifty_concurrent_commands_on_one_stream_leave_no_gaps_and_one_winner_per_sequence(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    // Each contender reads the stream version, then appends at version + 1, like a command.
    let mut handles = Vec::new();
    for _ in 0..50 {
        let store = t.store.clone();
        handles.push(tokio::spawn(async move {
            let version = store.load_stream("test", "hot").await.unwrap().len() as i64;
            (version + 1, store.append(vec![event("hot", version + 1)], None).await)
        }));
    }
    let mut winners: BTreeMap<i64, usize> = BTreeMap::new();
    let mut conflicts = 0;
    for h in handles {
        let (sequence, result) = h.await.unwrap();
        match result {
            Ok(_) => *winners.entry(sequence).or_default() += 1,
            Err(StoreError::Conflict { sequence: s, .. }) => {
                assert_eq!(s, sequence);
                conflicts += 1;
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert!(
        winners.values().all(|n| *n == 1),
        "two winners for one sequence: {winners:?}"
    );
    assert_eq!(winners.len() + conflicts, 50);
    let stored: Vec<i64> = t
        .store
        .load_stream("test", "hot")
        .await
        .unwrap()
        .iter()
        .map(|e| e.sequence)
        .collect();
    assert_eq!(
        stored,
        (1..=winners.len() as i64).collect::<Vec<_>>(),
        "sequences have gaps"
    );
}

/// Holds the writer until released, so appends queue up and commit as one batch; says when
/// the writer has entered it.
struct Gate {
    entered: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

#[async_trait]
impl ExclusiveJob for Gate {
    async fn run(self: Box<Self>, _: &mut Conn<'_>) -> Result<(), StoreError> {
        let _ = self.entered.send(());
        let _ = self.release.await;
        Ok(())
    }
}

/// Starts `appends` while the writer waits in a [`Gate`], so that they commit as one batch;
/// returns their handles once the gate has opened.
async fn in_one_batch(
    store: &EventStore,
    appends: Vec<Vec<NewEvent>>,
) -> Vec<JoinHandle<Result<Appended, StoreError>>> {
    let (open_gate, release) = oneshot::channel();
    let (entered, writer_waits) = oneshot::channel();
    let gated = tokio::spawn({
        let store = store.clone();
        async move { store.exclusive(Box::new(Gate { entered, release })).await }
    });
    // The writer is inside the gate: from here on, appends can only queue up behind it.
    writer_waits.await.unwrap();
    let count = appends.len();
    let handles = appends
        .into_iter()
        .map(|events| {
            let store = store.clone();
            tokio::spawn(async move { store.append(events, None).await })
        })
        .collect();
    // Every append waits in the queue behind the gate before the writer moves on.
    while store.queued() < count {
        tokio::task::yield_now().await;
    }
    open_gate.send(()).unwrap();
    gated.await.unwrap().unwrap();
    handles
}

async fn a_conflict_in_a_batch_fails_only_its_own_command(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    t.store.append(vec![event("taken", 1)], None).await.unwrap();

    let appends = (0..20)
        .map(|i| {
            if i == 10 {
                vec![event("taken", 1)]
            } else {
                vec![event(&format!("free{i}"), 1)]
            }
        })
        .collect();
    let handles = in_one_batch(&t.store, appends).await;

    let mut batches = Vec::new();
    for (i, h) in handles.into_iter().enumerate() {
        match h.await.unwrap() {
            Ok(a) => batches.push(a.batch),
            Err(e) => assert!(i == 10 && e.is_conflict(), "command {i} failed: {e}"),
        }
    }
    assert_eq!(batches.len(), 19);
    assert!(
        batches.iter().all(|b| *b == batches[0]),
        "expected one group commit, got {batches:?}"
    );
    assert_eq!(t.store.count_events().await.unwrap(), 20);
    assert_eq!(t.store.load_stream("test", "taken").await.unwrap().len(), 1);
}

async fn the_event_log_refuses_update_and_delete(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    t.store.append(vec![event("s", 1)], None).await.unwrap();
    let update = t.store.db().execute("update events set payload = '{}'", &[]).await;
    let delete = t.store.db().execute("delete from events", &[]).await;
    // The read pool is read-only; the triggers are checked through a writable connection too.
    assert!(update.is_err() && delete.is_err());

    struct Tamper;
    #[async_trait]
    impl ExclusiveJob for Tamper {
        async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
            let update = conn.execute("update events set payload = '{}'", &[]).await;
            let delete = conn.execute("delete from events", &[]).await;
            for result in [update, delete] {
                let err = result.expect_err("the log was changed");
                assert!(err.to_string().contains("append-only"), "{err}");
            }
            Ok(())
        }
    }
    t.store.exclusive(Box::new(Tamper)).await.unwrap();
    assert_eq!(
        t.store.load_stream("test", "s").await.unwrap()[0].payload,
        r#"{"Happened":{"n":1}}"#
    );
}

/// SQLite commits without an fsync of its own: an append is acknowledged only once an fsync of
/// the log holding it has returned, and the appends of one group commit share it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledges_an_append_only_after_an_fsync_of_its_log() {
    let Some(t) = open(Backend::Sqlite).await else { return };
    for sequence in 1..=5 {
        let before = t.store.syncs();
        let appended = t.store.append(vec![event("s", sequence)], None).await.unwrap();
        assert!(
            t.store.syncs() > before,
            "append {sequence} acknowledged before an fsync"
        );
        assert!(*t.store.head().borrow() >= appended.last_position);
    }

    // Twenty appends queued behind a gate commit as one batch: one fsync for them all (and
    // perhaps one more for the gate's own reply).
    let before = t.store.syncs();
    let appends = (0..20).map(|i| vec![event(&format!("g{i}"), 1)]).collect();
    for h in in_one_batch(&t.store, appends).await {
        h.await.unwrap().unwrap();
    }
    let used = t.store.syncs() - before;
    assert!((1..=2).contains(&used), "{used} fsyncs for one batch");
}
