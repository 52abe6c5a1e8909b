//! What lets an unconditional command be decided again after losing a race: how often, how
//! long it pauses, its hook lent to every attempt, and its turn on the stream.
//!
//! The commands that lost a race all reload at once; retried freely they would meet again,
//! one winning per commit. So a retry waits for its stream's turn on this node: the losers
//! go one after the other, each on the state the previous one left, and only a command of
//! another node (or a first attempt arriving meanwhile) can make one lose again.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::OwnedMutexGuard;

use crate::db::Conn;
use crate::error::StoreError;
use crate::event::StoredEvent;
use crate::hook::AppendHook;

/// How many times an unconditional command is decided before a conflict is given up on.
pub(super) const ATTEMPTS: u32 = 8;

/// The longest pause before the first retry; each later one may wait twice as long. Random
/// pauses spread the retries of commands from several nodes.
const FIRST_BACKOFF: Duration = Duration::from_millis(1);

/// A random pause before retry number `attempt` (from 1): below [`FIRST_BACKOFF`], doubled
/// for each attempt since.
pub(super) fn backoff(attempt: u32) -> Duration {
    let limit = FIRST_BACKOFF * 2u32.pow(attempt.saturating_sub(1).min(16));
    limit.mul_f64(fastrand::f64())
}

/// One hook lent to every attempt of a command (an attempt that lost wrote nothing: its
/// hook's writes rolled back with its events).
pub(super) struct Shared(pub Arc<dyn AppendHook>);

#[async_trait]
impl AppendHook for Shared {
    async fn on_append(&self, conn: &mut Conn<'_>, events: &[StoredEvent]) -> Result<(), StoreError> {
        self.0.on_append(conn, events).await
    }
}

/// The streams whose retries are under way on this node, each with the queue of its turns.
#[derive(Default)]
pub(super) struct Turns(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl Turns {
    /// Waits until no other retry on `stream` runs, and holds the stream until dropped.
    pub(super) async fn take(&self, stream: &str) -> Turn<'_> {
        let gate = self.gates().entry(stream.to_owned()).or_default().clone();
        let held = gate.clone().lock_owned().await;
        Turn {
            turns: self,
            stream: stream.to_owned(),
            gate,
            held: Some(held),
        }
    }

    fn gates(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A stream held by one retry.
pub(super) struct Turn<'t> {
    turns: &'t Turns,
    stream: String,
    gate: Arc<tokio::sync::Mutex<()>>,
    held: Option<OwnedMutexGuard<()>>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        drop(self.held.take());
        let mut gates = self.turns.gates();
        // Only the map and this turn still know the gate: no retry waits, so forget it.
        if Arc::strong_count(&self.gate) == 2 {
            gates.remove(&self.stream);
        }
    }
}
