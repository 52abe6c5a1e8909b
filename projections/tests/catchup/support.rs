use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use joan_commands::{Conn, EventStore, NewEvent, StoreOptions, StoredEvent, args, db};
use joan_projections::{CatchUp, ProjectionError, Projector};
use tokio::sync::watch;

use crate::backend::{Backend, TestDb};

/// Records every event it applies in `seen`; the primary key refuses an event applied twice.
pub struct Recorder;

#[async_trait]
impl Projector for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["seen"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "test"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        conn.execute(
            "insert into seen (position, n) values ($1, (select count(*) from seen))",
            &args![event.position],
        )
        .await?;
        Ok(())
    }
}

pub struct Node {
    pub store: EventStore,
    pub catch_up: CatchUp,
    stop: watch::Sender<bool>,
}

impl Node {
    pub async fn start(db: &TestDb) -> Node {
        let store = EventStore::open(&db.location, StoreOptions::default(), vec![])
            .await
            .expect("open store");
        let (stop, shutdown) = watch::channel(false);
        let catch_up = CatchUp::start(store.clone(), Arc::new(Recorder), shutdown)
            .await
            .expect("start catch-up");
        Node { store, catch_up, stop }
    }

    /// Stops this node as a crash would: its tail is dropped mid-flight with its connection.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.catch_up.abort();
        self.store.db().close().await;
    }

    /// Waits (at most 30 s) until the recorder has applied `position`.
    pub async fn wait_for(&self, position: i64) {
        tokio::time::timeout(Duration::from_secs(30), self.catch_up.wait_for(position))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the recorder did not reach {position} (at {:?})",
                    self.catch_up.cursor()
                )
            });
    }
}

/// A migrated database with the recorder's table; `None` when the backend is unavailable.
pub async fn database(backend: Backend) -> Option<TestDb> {
    let test = TestDb::create(backend).await?;
    db::migrate(&test.location).await.expect("migrate");
    test.execute_outside("create table seen (position bigint primary key, n bigint not null)")
        .await;
    Some(test)
}

/// The positions the recorder applied, in the order it applied them.
pub async fn seen(store: &EventStore) -> Vec<i64> {
    let rows: Vec<(i64,)> = store
        .db()
        .fetch_all("select position from seen order by n", &[])
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// Every position in the log, in log order.
pub async fn log(store: &EventStore) -> Vec<i64> {
    store
        .read_from(0, 1_000_000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.position)
        .collect()
}

pub fn event(stream: &str, sequence: i64) -> NewEvent {
    NewEvent {
        aggregate_type: "test".into(),
        aggregate_id: stream.into(),
        sequence,
        event_type: "Happened".into(),
        event_version: "1".into(),
        payload: "{}".into(),
        metadata: "{}".into(),
        owner_id: None,
        recorded_at: "2026-11-27T00:00:00.000000Z".into(),
    }
}

/// Appends `streams` one-event streams named `<prefix><n>`; returns the last position.
pub async fn append_streams(store: &EventStore, prefix: &str, streams: usize) -> i64 {
    let mut last = 0;
    for n in 0..streams {
        last = store
            .append(vec![event(&format!("{prefix}{n}"), 1)], None)
            .await
            .unwrap()
            .last_position;
    }
    last
}
