//! Events as the store sees them: untyped rows with JSON payloads.
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Who caused an event and in answer to what; stored as JSON beside every event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub actor: Option<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub causation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub idempotency_key: Option<String>,
    /// The `joan import legacy` run that took the event in from the FastAPI system.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub import_run: Option<String>,
}

/// An event about to be appended at `sequence` of its stream.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub metadata: String,
    pub owner_id: Option<String>,
    pub recorded_at: String,
}

/// A row of the log.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct StoredEvent {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    pub metadata: String,
    pub owner_id: Option<String>,
    pub recorded_at: String,
}

impl StoredEvent {
    pub(crate) fn from_new(position: i64, e: NewEvent) -> Self {
        StoredEvent {
            position,
            aggregate_type: e.aggregate_type,
            aggregate_id: e.aggregate_id,
            sequence: e.sequence,
            event_type: e.event_type,
            event_version: e.event_version,
            payload: e.payload,
            metadata: e.metadata,
            owner_id: e.owner_id,
            recorded_at: e.recorded_at,
        }
    }

    /// The payload as a domain event, in cqrs-es' externally tagged shape.
    pub fn decode<E: DeserializeOwned>(&self) -> Result<E, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }

    pub fn meta(&self) -> EventMetadata {
        serde_json::from_str(&self.metadata).unwrap_or_default()
    }
}

/// `select <every event column> from events`, for `concat!`.
#[macro_export]
macro_rules! select_events {
    () => {
        "select position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
         metadata, owner_id, recorded_at from events "
    };
}
