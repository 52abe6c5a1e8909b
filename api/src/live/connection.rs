//! One `GET /events/stream` connection: its user's events, in log order, once each.
//!
//! The connection remembers the cursor of the last event it has passed (`last`). A batch of
//! the feed that starts after `last` leaves a gap (the connection lagged behind the channel,
//! or resumed from an older `Last-Event-ID`): the gap is read from the log, a page at a time,
//! before the batch. A batch that overlaps what was read from the log is cut where the log
//! read ended.
use std::collections::VecDeque;
use std::sync::Arc;

use joan_commands::store::tail::{self, Horizon};
use joan_commands::{Cursor, StoredEvent};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use super::{Batch, LiveFeed, Rendered};

/// Events read from the log per page of a gap.
const GAP_PAGE: i64 = 200;

pub struct Connection {
    feed: LiveFeed,
    user: Uuid,
    batches: broadcast::Receiver<Arc<Batch>>,
    closed: watch::Receiver<bool>,
    /// The last event passed (delivered or not the user's).
    last: Option<Cursor>,
    /// A log read still owed before anything newer: up to the log's settled end (a resumed
    /// connection's first catch-up) or up to the first event of `held`.
    catching_up: bool,
    held: Option<Arc<Batch>>,
    ready: VecDeque<Arc<Rendered>>,
}

impl Connection {
    /// Follows the feed for `user`, from now, or from just after the event at `resume`.
    pub async fn open(feed: &LiveFeed, user: Uuid, resume: Option<i64>) -> Result<Self, joan_commands::StoreError> {
        // Subscribe first: what is committed from here on is in the channel, what came
        // before is in the log; the overlap is cut by cursor.
        let batches = feed.subscribe();
        // From now means from the log's settled end, not from wherever the feed's own tail
        // happens to be (it may still be reading events committed before the connection).
        let last = match resume {
            Some(position) => tail::cursor_at(feed.store().db(), position)
                .await?
                .unwrap_or(Cursor::START),
            None => super::start_cursor(feed.store()).await?,
        };
        Ok(Self {
            feed: feed.clone(),
            user,
            batches,
            closed: feed.closed(),
            catching_up: true,
            last: Some(last),
            held: None,
            ready: VecDeque::new(),
        })
    }

    /// The next event the user may see; `None` when the feed closes.
    pub async fn next(&mut self) -> Result<Option<Arc<Rendered>>, joan_commands::StoreError> {
        loop {
            if let Some(change) = self.ready.pop_front() {
                return Ok(Some(change));
            }
            if *self.closed.borrow() {
                return Ok(None);
            }
            if self.catching_up {
                self.read_log(Horizon::Settled).await?;
                continue;
            }
            if let Some(batch) = self.held.take() {
                self.take(batch).await?;
                continue;
            }
            tokio::select! {
                received = self.batches.recv() => match received {
                    Ok(batch) => self.held = Some(batch),
                    // What was missed is read from the log when the next batch shows the gap.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(None),
                },
                _ = self.closed.changed() => {}
            }
        }
    }

    /// Passes `batch`, after reading from the log whatever lies between `last` and it.
    async fn take(&mut self, batch: Arc<Batch>) -> Result<(), joan_commands::StoreError> {
        let last = *self.last.get_or_insert(batch.after);
        if batch.end <= last {
            return Ok(());
        }
        if last < batch.after {
            let first = batch.first;
            self.held = Some(batch);
            return self.read_log(Horizon::Before(first)).await;
        }
        // `last` is `batch.after`, or an event of the batch that a log read reached.
        let skip = if last == batch.after {
            0
        } else {
            batch
                .events
                .iter()
                .position(|e| e.rendered.position == last.position)
                .map_or(0, |i| i + 1)
        };
        for live in &batch.events[skip..] {
            if live.audience.includes(self.user) {
                self.ready.push_back(live.rendered.clone());
            }
        }
        self.last = Some(batch.end);
        Ok(())
    }

    /// One page of the log after `last` within `horizon`; an empty page ends the catch-up
    /// (and, before a held batch, closes its gap).
    async fn read_log(&mut self, horizon: Horizon) -> Result<(), joan_commands::StoreError> {
        let after = self.last.unwrap_or(Cursor::START);
        let page = tail::read_page(self.feed.store().db(), after, horizon, GAP_PAGE).await?;
        if page.events.is_empty() {
            self.catching_up = false;
            if let (Horizon::Before(_), Some(batch)) = (horizon, &self.held) {
                self.last = Some(batch.after);
            }
            return Ok(());
        }
        for event in &page.events {
            if self.visible(event).await {
                self.ready.push_back(Rendered::of(event));
            }
        }
        self.last = Some(page.end);
        Ok(())
    }

    async fn visible(&self, event: &StoredEvent) -> bool {
        self.feed.audiences().of(event).await.includes(self.user)
    }
}
