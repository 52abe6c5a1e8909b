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
    /// Time each projection took to apply the replayed events, slowest first.
    pub spent: Vec<(&'static str, Duration)>,
}

impl RebuildReport {
    /// Replayed events per second of the whole rebuild.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Time spent per projection while replaying.
#[derive(Debug, Default)]
pub(crate) struct Spent(Vec<(&'static str, Duration)>);

impl Spent {
    pub(crate) fn add(&mut self, name: &'static str, took: Duration) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += took,
            None => self.0.push((name, took)),
        }
    }

    /// Slowest first.
    pub(crate) fn ranked(mut self) -> Vec<(&'static str, Duration)> {
        self.0.sort_by_key(|b| std::cmp::Reverse(b.1));
        self.0
    }
}

/// Told how many events have been applied so far, out of how many.
pub trait Progress: Send + Sync {
    fn advance(&self, done: u64, total: u64);
}

impl Progress for () {
    fn advance(&self, _: u64, _: u64) {}
}
