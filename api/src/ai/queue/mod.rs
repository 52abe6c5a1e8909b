//! The step queue: how a dispatched `ai_process` step reaches a worker, and how its result
//! comes back. One worker function ([`run_step`]) serves every queue, so the in-process queue
//! (the default, inside `joan serve`) runs exactly what a `joan worker` would.
use async_trait::async_trait;
use joan_commands::StoreError;

use crate::ai::{Llm, StepJob, StepResult};

pub mod in_process;
pub mod nats;

pub use in_process::InProcessQueue;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The queue no longer takes jobs (its workers stopped: the server is shutting down).
    #[error("the step queue is closed")]
    Closed,
    /// The broker did not take the job (NATS down): the dispatcher tries again.
    #[error("the step queue is unavailable: {0}")]
    Unavailable(String),
}

/// Carries jobs to workers.
#[async_trait]
pub trait StepQueue: Send + Sync {
    /// Hands `job` to a worker. A job published twice (a dispatcher rerun) may run twice;
    /// its second result changes nothing.
    async fn publish(&self, job: StepJob) -> Result<(), QueueError>;
}

/// Where results go: an idempotent command on the execution.
#[async_trait]
pub trait ResultSink: Send + Sync {
    /// Records `result`; an error means it was not stored and should be delivered again.
    async fn deliver(&self, result: StepResult) -> Result<(), StoreError>;
}

/// The work of one job: one completion through the user's chain. Keys are opened inside
/// `llm`, at the moment of the call.
pub async fn run_step(job: &StepJob, llm: &dyn Llm) -> StepResult {
    StepResult {
        execution_id: job.execution_id,
        step: job.step,
        attempt: job.attempt,
        outcome: llm.complete(&job.chain, &job.request).await,
    }
}
