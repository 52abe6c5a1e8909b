//! The command service under contention: an unconditional command is decided again on the
//! fresh stream until it lands; a conditional one is stale at once.
use std::sync::Arc;

use async_trait::async_trait;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use futures::future::join_all;
use joan_commands::service::CommandContext;
use joan_commands::{AppendHook, CommandError, CommandService, Conn, StoreError, StoredEvent, args};
use joan_domain::entity::{Entity, Lifecycle};
use joan_domain::{Stamped, Timestamp, UserId};
use serde::{Deserialize, Serialize};

use crate::backend::{Backend, on_both_backends};
use crate::support::open;

on_both_backends!(
    unconditional_commands_racing_on_one_stream_all_land_with_their_hooks_once,
    conditional_commands_racing_on_one_stream_let_one_win_and_the_rest_are_stale,
    a_strangers_conditional_command_is_not_found_whatever_version_it_names,
);

/// Every `Add` is one event; the first adder owns the counter.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Counter {
    life: Lifecycle<()>,
    total: i64,
}

impl Entity for Counter {
    type Id = ();
    fn lifecycle(&self) -> &Lifecycle<()> {
        &self.life
    }
}

#[derive(Debug, Clone)]
struct Add(i64);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum CounterEvent {
    Added { n: i64, by: UserId, at: Timestamp },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> String {
        "Added".into()
    }

    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a counter refuses nothing")]
struct Never;

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    type Command = Stamped<Add>;
    type Event = CounterEvent;
    type Error = Never;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Never> {
        let added = CounterEvent::Added {
            n: cmd.command.0,
            by: cmd.actor,
            at: cmd.at,
        };
        sink.write(added, self).await;
        Ok(())
    }

    fn apply(&mut self, event: CounterEvent) {
        let CounterEvent::Added { n, by, at } = event;
        if !self.life.exists() {
            self.life = Lifecycle::born((), by, at);
        }
        self.total += n;
    }
}

/// Records its command in the append transaction; a second record of the same command
/// breaks the table's unique name.
struct Record(String);

#[async_trait]
impl AppendHook for Record {
    async fn on_append(&self, conn: &mut Conn<'_>, _: &[StoredEvent]) -> Result<(), StoreError> {
        conn.execute(
            "insert into projector_checkpoints (name, position, tx, updated_at) values ($1, 0, 0, 'now')",
            &args![self.0.as_str()],
        )
        .await?;
        Ok(())
    }
}

fn context() -> CommandContext {
    CommandContext::new(
        UserId(uuid::Uuid::new_v4()),
        Timestamp::from_unix_micros(1_764_547_200_000_000),
    )
}

async fn unconditional_commands_racing_on_one_stream_all_land_with_their_hooks_once(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    let service = Arc::new(CommandService::<Counter>::new(t.store.clone(), ()));
    let ctx = context();
    service.execute("c", &ctx, Add(0), None, None).await.unwrap();
    let commands = (1..=30).map(|n| {
        let hook: Box<dyn AppendHook> = Box::new(Record(format!("command {n}")));
        service.execute("c", &ctx, Add(n), None, Some(hook))
    });
    let outcomes = join_all(commands).await;
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(failed.is_empty(), "{} of 30 failed: {failed:?}", failed.len());
    let (counter, version) = service.load("c").await.unwrap();
    assert_eq!((counter.total, version), ((1..=30).sum(), 31));
    let records = t
        .store
        .db()
        .fetch_scalar_i64(
            "select count(*) from projector_checkpoints where name like 'command %'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(records, 30, "each command's hook committed once");
}

async fn conditional_commands_racing_on_one_stream_let_one_win_and_the_rest_are_stale(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    let service = CommandService::<Counter>::new(t.store.clone(), ());
    let ctx = context();
    service.execute("c", &ctx, Add(0), None, None).await.unwrap();
    let commands = (1..=10).map(|n| service.execute("c", &ctx, Add(n), Some(1), None));
    let outcomes = join_all(commands).await;
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    let stale = outcomes
        .iter()
        .filter(|o| matches!(o, Err(CommandError::Stale { expected: 1 })))
        .count();
    assert_eq!((won, stale), (1, 9));
    assert_eq!(service.load("c").await.unwrap().1, 2);
}

async fn a_strangers_conditional_command_is_not_found_whatever_version_it_names(backend: Backend) {
    let Some(t) = open(backend).await else { return };
    let service = CommandService::<Counter>::new(t.store.clone(), ());
    let (owner, stranger) = (context(), context());
    service.execute("c", &owner, Add(1), None, None).await.unwrap();
    for version in [0, 1, 2] {
        let outcome = service.execute("c", &stranger, Add(5), Some(version), None).await;
        assert!(
            matches!(outcome, Err(CommandError::NotFound)),
            "If-Match {version}: {outcome:?}"
        );
    }
    let (counter, version) = service.load("c").await.unwrap();
    assert_eq!((counter.total, version), (1, 1), "nothing was appended");
    let mine = service.execute("c", &owner, Add(2), Some(0), None).await;
    assert!(matches!(mine, Err(CommandError::Stale { expected: 0 })), "{mine:?}");
}
