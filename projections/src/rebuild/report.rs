//! What a rebuild tells: its progress while it runs, its report at the end; and the page size
//! both backends replay with.
use std::time::Duration;

/// Events per read page and per scratch transaction.
pub(crate) const PAGE: i64 = 10_000;

/// What a rebuild did.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// The projections rebuilt.
    pub projections: Vec<&'static str>,
    /// Events replayed into the fresh tables (those appended meanwhile not counted).
    pub events: u64,
    /// The whole rebuild.
    pub elapsed: Duration,
    /// Of which: swapping the new rows in (copy, catch up, checkpoints).
    pub swap: Duration,
}

impl RebuildReport {
    /// Replayed events per second of the whole rebuild.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Told how many events have been applied so far, out of how many.
pub trait Progress: Send + Sync {
    fn advance(&self, done: u64, total: u64);
}

impl Progress for () {
    fn advance(&self, _: u64, _: u64) {}
}
