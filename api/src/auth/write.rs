//! Writes to the identity state tables. The read pool is read-only, so they go through the
//! event writer as append hooks: with a command's events (one transaction for the fact and
//! the secret), or alone (group-committed like any append).
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use joan_commands::{AppendHook, Conn, EventStore, StoreError, StoredEvent};

/// One write; `Output` reports what it found or did.
#[async_trait]
pub trait StateWrite: Send + Sync + 'static {
    type Output: Send + 'static;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Self::Output, StoreError>;
}

/// Where a hook leaves its write's output.
pub struct Outcome<T>(Arc<Mutex<Option<T>>>);

impl<T> Outcome<T> {
    /// The output of the write that committed, if it ran.
    pub fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

struct Hook<W: StateWrite> {
    write: W,
    output: Arc<Mutex<Option<W::Output>>>,
}

#[async_trait]
impl<W: StateWrite> AppendHook for Hook<W> {
    async fn on_append(&self, conn: &mut Conn<'_>, _: &[StoredEvent]) -> Result<(), StoreError> {
        let output = self.write.write(conn).await?;
        // The writer may run a hook twice (a failed group commit is redone under savepoints);
        // the last run is the one that committed.
        *self.output.lock().unwrap_or_else(|e| e.into_inner()) = Some(output);
        Ok(())
    }
}

/// `write` as a hook for a command, and where to find its output afterwards.
pub fn hook<W: StateWrite>(write: W) -> (Box<dyn AppendHook>, Outcome<W::Output>) {
    let output = Arc::new(Mutex::new(None));
    let hook = Hook {
        write,
        output: output.clone(),
    };
    (Box::new(hook), Outcome(output))
}

/// Runs `write` in a transaction of its own on the writer.
pub async fn run<W: StateWrite>(store: &EventStore, write: W) -> Result<W::Output, StoreError> {
    let (hook, outcome) = hook(write);
    store.append(Vec::new(), Some(hook)).await?;
    outcome.take().ok_or(StoreError::WriterStopped)
}
