//! The command service: load a stream, let the aggregate decide, append at the expected
//! sequence with the caller's metadata.
mod retry;

use std::marker::PhantomData;
use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use joan_domain::entity::Entity;
use joan_domain::{Stamped, Timestamp, UserId};
use thiserror::Error;

use self::retry::{ATTEMPTS, Shared, Turns, backoff};
use crate::error::StoreError;
use crate::event::{EventMetadata, NewEvent, StoredEvent};
use crate::hook::AppendHook;
use crate::store::EventStore;

/// Who is asking, and in answer to what. Becomes every event's metadata.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub actor: UserId,
    pub at: Timestamp,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub causation_id: Option<String>,
    pub idempotency_key: Option<String>,
    /// The actor's role in the project of what the command touches, when it is shared.
    pub grant: Option<joan_domain::project::Grant>,
}

impl CommandContext {
    pub fn new(actor: UserId, at: Timestamp) -> Self {
        Self {
            actor,
            at,
            request_id: None,
            correlation_id: None,
            causation_id: None,
            idempotency_key: None,
            grant: None,
        }
    }

    fn metadata(&self) -> EventMetadata {
        EventMetadata {
            actor: Some(self.actor.to_string()),
            request_id: self.request_id.clone(),
            correlation_id: self.correlation_id.clone().or_else(|| self.request_id.clone()),
            causation_id: self.causation_id.clone(),
            idempotency_key: self.idempotency_key.clone(),
            import_run: None,
        }
    }
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct CommandOutcome {
    /// The stream's version after the command (unchanged when it emitted nothing).
    pub version: i64,
    /// Position of the last event written, 0 when none was.
    pub last_position: i64,
    pub events: Vec<StoredEvent>,
}

#[derive(Debug, Error)]
pub enum CommandError<E: std::error::Error> {
    #[error(transparent)]
    Domain(E),
    /// The stream holds nothing the caller may see. Checked before any precondition, so a
    /// stranger's `If-Match` learns neither that the entity exists nor its version.
    #[error("not found")]
    NotFound,
    /// Another command changed the stream between our load and our append.
    #[error("the resource was changed concurrently")]
    Conflict,
    /// The caller's expected version (`If-Match`) is not the current one.
    #[error("expected version {expected}, but the resource has changed")]
    Stale { expected: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Executes commands for one aggregate type against the event store.
pub struct CommandService<A: Aggregate> {
    store: EventStore,
    services: A::Services,
    turns: Turns,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A, C> CommandService<A>
where
    A: Aggregate<Command = Stamped<C>>,
{
    pub fn new(store: EventStore, services: A::Services) -> Self {
        Self {
            store,
            services,
            turns: Turns::default(),
            _aggregate: PhantomData,
        }
    }

    pub fn store(&self) -> &EventStore {
        &self.store
    }

    /// Rebuilds one aggregate from its stream; returns it with its version.
    pub async fn load(&self, aggregate_id: &str) -> Result<(A, i64), StoreError> {
        let events = self.store.load_stream(A::TYPE, aggregate_id).await?;
        fold::<A>(&events)
    }

    /// Runs `command` on the stream `aggregate_id`. With `expected_version`, a stream at any
    /// other version is refused as stale. Without it, a command that loses the race to another
    /// one is decided again on the fresh state, up to [`ATTEMPTS`] times, before it answers
    /// [`CommandError::Conflict`]. `hook` runs in the append transaction, even when the command
    /// emits nothing.
    pub async fn execute(
        &self,
        aggregate_id: &str,
        ctx: &CommandContext,
        command: C,
        expected_version: Option<i64>,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<CommandOutcome, CommandError<A::Error>>
    where
        C: Clone,
        A: Entity,
    {
        if expected_version.is_some() {
            return self
                .execute_once(aggregate_id, ctx, command, expected_version, hook)
                .await;
        }
        let hook: Option<Arc<dyn AppendHook>> = hook.map(Arc::from);
        let lend = || hook.clone().map(|h| Box::new(Shared(h)) as Box<dyn AppendHook>);
        let mut outcome = self
            .execute_once(aggregate_id, ctx, command.clone(), None, lend())
            .await;
        let mut attempt = 1;
        while matches!(outcome, Err(CommandError::Conflict)) && attempt < ATTEMPTS {
            tokio::time::sleep(backoff(attempt)).await;
            let _turn = self.turns.take(aggregate_id).await;
            outcome = self
                .execute_once(aggregate_id, ctx, command.clone(), None, lend())
                .await;
            attempt += 1;
        }
        outcome
    }

    /// One load, decision and append.
    async fn execute_once(
        &self,
        aggregate_id: &str,
        ctx: &CommandContext,
        command: C,
        expected_version: Option<i64>,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<CommandOutcome, CommandError<A::Error>>
    where
        A: Entity,
    {
        let (aggregate, version) = self.load(aggregate_id).await?;
        if expected_version.is_some() && !aggregate.visible_with(ctx.actor, ctx.grant.as_ref()) {
            return Err(CommandError::NotFound);
        }
        if let Some(expected) = expected_version.filter(|e| *e != version) {
            return Err(CommandError::Stale { expected });
        }
        let (outcome, _) = self
            .decide(aggregate_id, aggregate, version, ctx, command, expected_version, hook)
            .await?;
        Ok(outcome)
    }

    /// Runs `command` on a stream the caller has just named (a fresh UUID), without reading
    /// it first. Should the stream exist after all, the append conflicts: nothing is lost.
    pub async fn execute_new(
        &self,
        aggregate_id: &str,
        ctx: &CommandContext,
        command: C,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<CommandOutcome, CommandError<A::Error>> {
        Ok(self.execute_new_decided(aggregate_id, ctx, command, hook).await?.0)
    }

    /// [`Self::execute_new`], also handing back the events as the aggregate decided them, so
    /// that a caller answering with what they made need not decode them again.
    pub async fn execute_new_decided(
        &self,
        aggregate_id: &str,
        ctx: &CommandContext,
        command: C,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<(CommandOutcome, Vec<A::Event>), CommandError<A::Error>> {
        self.decide(aggregate_id, A::default(), 0, ctx, command, None, hook)
            .await
    }

    /// Runs one command on each of several fresh streams and appends all their events in one
    /// transaction: every stream is created, or none is.
    pub async fn execute_new_many(
        &self,
        ctx: &CommandContext,
        commands: Vec<(String, C)>,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<Vec<StoredEvent>, CommandError<A::Error>> {
        let mut all = Vec::new();
        for (aggregate_id, command) in commands {
            let mut aggregate = A::default();
            let sink = EventSink::<A>::default();
            aggregate
                .handle(
                    Stamped::new(ctx.actor, ctx.at, command).with_grant(ctx.grant),
                    &self.services,
                    &sink,
                )
                .await
                .map_err(CommandError::Domain)?;
            all.extend(serialize::<A>(&aggregate_id, 0, &sink.collect().await, ctx)?);
        }
        match self.store.append(all, hook).await {
            Ok(appended) => Ok(appended.events),
            Err(StoreError::Conflict { .. }) => Err(CommandError::Conflict),
            Err(e) => Err(CommandError::Store(e)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn decide(
        &self,
        aggregate_id: &str,
        mut aggregate: A,
        version: i64,
        ctx: &CommandContext,
        command: C,
        expected_version: Option<i64>,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<(CommandOutcome, Vec<A::Event>), CommandError<A::Error>> {
        let sink = EventSink::<A>::default();
        aggregate
            .handle(
                Stamped::new(ctx.actor, ctx.at, command).with_grant(ctx.grant),
                &self.services,
                &sink,
            )
            .await
            .map_err(CommandError::Domain)?;
        let events = sink.collect().await;
        if events.is_empty() && hook.is_none() {
            let outcome = CommandOutcome {
                version,
                last_position: 0,
                events: vec![],
            };
            return Ok((outcome, events));
        }
        let new_events = serialize::<A>(aggregate_id, version, &events, ctx)?;
        match self.store.append(new_events, hook).await {
            Ok(appended) => {
                let outcome = CommandOutcome {
                    version: appended.version().unwrap_or(version),
                    last_position: appended.last_position,
                    events: appended.events,
                };
                Ok((outcome, events))
            }
            Err(StoreError::Conflict { .. }) => Err(match expected_version {
                Some(expected) => CommandError::Stale { expected },
                None => CommandError::Conflict,
            }),
            Err(e) => Err(CommandError::Store(e)),
        }
    }
}

/// Applies stored events in order to a fresh aggregate.
pub fn fold<A: Aggregate>(events: &[StoredEvent]) -> Result<(A, i64), StoreError> {
    let mut aggregate = A::default();
    let mut version = 0;
    for e in events {
        aggregate.apply(e.decode::<A::Event>()?);
        version = e.sequence;
    }
    Ok((aggregate, version))
}

fn serialize<A: Aggregate>(
    aggregate_id: &str,
    version: i64,
    events: &[A::Event],
    ctx: &CommandContext,
) -> Result<Vec<NewEvent>, StoreError> {
    let metadata = serde_json::to_string(&ctx.metadata())?;
    let owner = ctx.actor.to_string();
    let recorded_at = ctx.at.to_rfc3339();
    events
        .iter()
        .zip(version + 1..)
        .map(|(event, sequence)| {
            Ok(NewEvent {
                aggregate_type: A::TYPE.to_string(),
                aggregate_id: aggregate_id.to_string(),
                sequence,
                event_type: event.event_type(),
                event_version: event.event_version(),
                payload: serde_json::to_string(event)?,
                metadata: metadata.clone(),
                owner_id: Some(owner.clone()),
                recorded_at: recorded_at.clone(),
            })
        })
        .collect()
}
