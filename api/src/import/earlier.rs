//! Streams already in Joan (an earlier run's, with what was done in Joan since), read back
//! whole, so that rows the legacy database gained since (a task's goal links, a project's
//! memberships) go onto their end instead of being skipped with their parent.
use std::collections::{BTreeSet, HashMap};

use cqrs_es::Aggregate;
use joan_commands::EventStore;

use super::ImportError;
use super::known::Known;
use super::source::Record;

/// One stream as it is now: its last sequence, its state, its events.
pub struct Stream<A: Aggregate> {
    pub version: i64,
    pub state: A,
    pub events: Vec<A::Event>,
}

impl<A: Aggregate> Stream<A> {
    /// The events to append, numbered on from the stream's end.
    pub fn next(&self) -> i64 {
        self.version + 1
    }
}

/// The streams of `A` named by `column` of `records` that Joan holds already.
pub async fn load<A: Aggregate>(
    store: &EventStore,
    known: &Known,
    records: &[Record],
    column: &str,
) -> Result<HashMap<String, Stream<A>>, ImportError> {
    let ids: BTreeSet<String> = records
        .iter()
        .filter_map(|r| r.uuid(column).ok())
        .map(|id| id.to_string())
        .filter(|id| known.exists(A::TYPE, id))
        .collect();
    let mut streams = HashMap::with_capacity(ids.len());
    for id in ids {
        let rows: Vec<(i64, String)> = store
            .db()
            .fetch_all(
                "select sequence, payload from events where aggregate_type = $1 and aggregate_id = $2 \
                 order by sequence",
                &joan_commands::args![A::TYPE, id.as_str()],
            )
            .await?;
        let mut stream = Stream {
            version: 0,
            state: A::default(),
            events: Vec::with_capacity(rows.len()),
        };
        for (sequence, payload) in rows {
            let event: A::Event = serde_json::from_str(&payload)?;
            stream.state.apply(event.clone());
            stream.events.push(event);
            stream.version = sequence;
        }
        streams.insert(id, stream);
    }
    Ok(streams)
}
