use joan_commands::db::{self, Location};
use joan_commands::{EventStore, NewEvent, StoreOptions};
use tempfile::TempDir;

pub struct TestStore {
    pub store: EventStore,
    _dir: TempDir,
}

pub async fn open() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::Sqlite(dir.path().join("joan.db"));
    db::migrate(&location).await.expect("migrate");
    let store = EventStore::open(&location, StoreOptions::default(), vec![])
        .await
        .expect("open store");
    TestStore { store, _dir: dir }
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
