//! AI workflow executions at work: the process manager that advances them ([`advance`]), the
//! dispatcher that sends their `ai_process` steps to the queue ([`dispatch`]), the recorder
//! of the workers' results ([`results`]), and the creations of `api_call` steps ([`api_call`]).
use std::sync::Arc;

use joan_commands::reactor::Reaction;
use joan_commands::{CommandError, CommandOutcome, CommandService, EventStore, StoreError};
use joan_domain::workflow_execution::{ExecutionError, WorkflowExecution};

use crate::ai::queue::nats::{Nats, NatsArgs};
use crate::ai::queue::{InProcessQueue, StepQueue};
use crate::ai::{ChainSource, Llm};
use crate::error::AppError;

pub mod advance;
pub mod api_call;
pub mod ceremony;
pub mod dispatch;
pub mod results;

pub use advance::AdvanceWorkflows;
pub use dispatch::DispatchSteps;
pub use results::StepResults;

/// How executions reach a model: the providers, the users' chains, the in-process workers'
/// count, or NATS. Tests give a fake [`Llm`]; `joan serve` gives [`crate::ai::wiring`]'s.
#[derive(Clone)]
pub struct AiOptions {
    pub llm: Arc<dyn Llm>,
    /// `None`: [`crate::ai::wiring::chain_source`] over the core's store.
    pub chains: Option<Arc<dyn ChainSource>>,
    /// In-process workers (`JOAN_AI_WORKERS`), when there is no NATS.
    pub workers: usize,
    /// JetStream instead of the in-process queue, when its URL is set.
    pub nats: Option<NatsArgs>,
}

impl Default for AiOptions {
    fn default() -> Self {
        Self {
            llm: crate::ai::wiring::unconfigured(),
            chains: None,
            workers: 2,
            nats: None,
        }
    }
}

/// What runs executions: the reactions for the core to start, the queue, and the tasks
/// beside them (NATS' result consumer), which end with the core.
pub struct Running {
    pub reactions: Vec<Arc<dyn Reaction>>,
    pub queue: Arc<dyn StepQueue>,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Executions over NATS when `options.nats` has a URL, else over the in-process queue.
pub async fn start(store: &EventStore, options: &AiOptions) -> Result<Running, AppError> {
    let Some((url, args)) = options
        .nats
        .as_ref()
        .and_then(|a| a.nats_url.clone().map(|url| (url, a.clone())))
    else {
        redispatch_lost_jobs(store).await?;
        let (reactions, queue) = in_process(store, options);
        return Ok(Running {
            reactions,
            queue,
            tasks: Vec::new(),
        });
    };
    let results = Arc::new(StepResults::new(store));
    let nats = Nats::connect(&url, args)
        .await
        .map_err(|e| AppError::Config(e.to_string()))?;
    let consumer = tokio::spawn(crate::ai::queue::nats::consume_results(nats.clone(), results.clone()));
    let queue: Arc<dyn StepQueue> = Arc::new(nats);
    Ok(Running {
        reactions: reactions(store, chains(store, options), queue.clone(), results),
        queue,
        tasks: vec![consumer],
    })
}

/// The in-process queue lives in memory: steps dispatched before a restart and not answered
/// were lost with it. When there are any, the dispatcher reads the log again from the start:
/// it sends each step that still waits for its attempt (and passes over every other), so they
/// run again instead of staying `running` for ever. (NATS keeps its jobs: nothing to do.)
async fn redispatch_lost_jobs(store: &EventStore) -> Result<(), StoreError> {
    let waiting = store
        .db()
        .fetch_scalar_i64("select count(*) from ai_workflow_steps where status = 'running'", &[])
        .await?;
    if waiting > 0 {
        tracing::info!(
            steps = waiting,
            "AI steps were running at the last stop: dispatching them again"
        );
        joan_commands::reactor::reset_checkpoint(store, DispatchSteps::NAME).await?;
    }
    Ok(())
}

/// The reactions that run executions over the in-process queue, and the queue itself (kept
/// by the caller: its workers stop when it is dropped).
pub fn in_process(store: &EventStore, options: &AiOptions) -> (Vec<Arc<dyn Reaction>>, Arc<dyn StepQueue>) {
    let results = Arc::new(StepResults::new(store));
    let queue: Arc<dyn StepQueue> = Arc::new(InProcessQueue::start(
        options.workers,
        options.llm.clone(),
        results.clone(),
    ));
    (reactions(store, chains(store, options), queue.clone(), results), queue)
}

fn chains(store: &EventStore, options: &AiOptions) -> Arc<dyn ChainSource> {
    options
        .chains
        .clone()
        .unwrap_or_else(|| crate::ai::wiring::chain_source(store))
}

/// The process manager and the dispatcher onto `queue`.
pub fn reactions(
    store: &EventStore,
    chains: Arc<dyn ChainSource>,
    queue: Arc<dyn StepQueue>,
    results: Arc<StepResults>,
) -> Vec<Arc<dyn Reaction>> {
    let creators = Arc::new(api_call::Creators {
        tasks: CommandService::new(store.clone(), ()),
        notes: CommandService::new(store.clone(), ()),
    });
    vec![
        Arc::new(AdvanceWorkflows::new(CommandService::new(store.clone(), ()), creators)),
        Arc::new(DispatchSteps::new(
            CommandService::new(store.clone(), ()),
            chains,
            queue,
            results,
        )),
        Arc::new(ceremony::CeremonyResults::new(
            CommandService::new(store.clone(), ()),
            CommandService::new(store.clone(), ()),
        )),
    ]
}

/// A system command's outcome on an execution, as a reaction sees it.
fn settle(id: &str, outcome: Result<CommandOutcome, CommandError<ExecutionError>>) -> Result<(), StoreError> {
    joan_commands::reactor::settle(<WorkflowExecution as cqrs_es::Aggregate>::TYPE, id, outcome)
}
