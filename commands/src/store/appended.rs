//! [`Appended`]: what an append wrote, as the writer hands it back.
use crate::event::StoredEvent;

/// What an append wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub events: Vec<StoredEvent>,
    /// Position of the last event written (0 when nothing was written).
    pub last_position: i64,
    /// Which group commit carried it (a counter per process; commands in one batch share it).
    pub batch: u64,
}

impl Appended {
    pub(crate) fn new(events: Vec<StoredEvent>, batch: u64) -> Self {
        let last_position = events.last().map_or(0, |e| e.position);
        Self {
            events,
            last_position,
            batch,
        }
    }

    /// The stream's version after the append (its last sequence).
    pub fn version(&self) -> Option<i64> {
        self.events.last().map(|e| e.sequence)
    }
}
