use joan_commands::db;
use joan_commands::{EventStore, NewEvent, StoreOptions};

use crate::backend::{Backend, TestDb};

pub struct TestStore {
    pub store: EventStore,
    pub db: TestDb,
}

/// A migrated store on a database of its own; `None` when the backend is unavailable.
pub async fn open(backend: Backend) -> Option<TestStore> {
    let db = TestDb::create(backend).await?;
    db::migrate(&db.location).await.expect("migrate");
    let store = EventStore::open(&db.location, StoreOptions::default(), vec![])
        .await
        .expect("open store");
    Some(TestStore { store, db })
}

pub fn event(stream: &str, sequence: i64) -> NewEvent {
    NewEvent {
        aggregate_type: "test".into(),
        aggregate_id: stream.into(),
        sequence,
        event_type: "Happened".into(),
        event_version: "1".into(),
        payload: format!(r#"{{"Happened":{{"n":{sequence}}}}}"#),
        metadata: r#"{"actor":"u1","request_id":"r1","correlation_id":"c1","causation_id":null}"#.into(),
        owner_id: Some("u1".into()),
        recorded_at: "2026-11-27T00:00:00.000000Z".into(),
    }
}
