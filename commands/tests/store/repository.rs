//! cqrs-es' own framework runs on Joan's repository.
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateError, CqrsFramework, DomainEvent};
use joan_commands::store::repository::SqlEventRepository;
use serde::{Deserialize, Serialize};

use crate::backend::{Backend, on_both_backends};
use crate::support::open;

on_both_backends!(cqrs_framework_commands_persist_through_the_repository);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counter {
    value: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum CounterEvent {
    Added { by: i64 },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> String {
        "Added".into()
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("too big")]
struct TooBig;

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    type Command = i64;
    type Event = CounterEvent;
    type Error = TooBig;
    type Services = ();

    async fn handle(&mut self, by: i64, _: &(), sink: &EventSink<Self>) -> Result<(), TooBig> {
        if self.value + by > 10 {
            return Err(TooBig);
        }
        sink.write(CounterEvent::Added { by }, self).await;
        Ok(())
    }

    fn apply(&mut self, CounterEvent::Added { by }: CounterEvent) {
        self.value += by;
    }
}

async fn cqrs_framework_commands_persist_through_the_repository(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    let store = PersistedEventStore::<_, Counter>::new_event_store(SqlEventRepository::new(t.store.clone()));
    let cqrs = CqrsFramework::new(store, vec![], ());
    let meta = [("actor".to_string(), "u9".to_string())].into_iter().collect();
    cqrs.execute_with_metadata("c1", 4, meta).await.unwrap();
    cqrs.execute("c1", 5).await.unwrap();
    let err = cqrs.execute("c1", 5).await.unwrap_err();
    assert!(matches!(err, AggregateError::UserError(TooBig)));

    let events = t.store.load_stream("counter", "c1").await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].owner_id.as_deref(), Some("u9"));
    assert_eq!(events[1].payload, r#"{"Added":{"by":5}}"#);
}
