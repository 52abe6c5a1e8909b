//! The in-process queue: a channel and N worker tasks inside `joan serve`. Nothing survives a
//! restart here; a step whose job was lost stays `running` until the dispatcher is replayed
//! (`joan_commands::reactor::reset_checkpoint`), which NATS makes unnecessary.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, mpsc};

use super::{QueueError, ResultSink, StepQueue, run_step};
use crate::ai::{Llm, StepJob};

/// Jobs waiting for a worker before `publish` waits too.
const CAPACITY: usize = 1024;
/// Tries to store one result before it is given up (logged).
const DELIVERIES: u32 = 10;

pub struct InProcessQueue {
    jobs: mpsc::Sender<StepJob>,
}

impl InProcessQueue {
    /// Starts `workers` tasks that run jobs through `llm` and deliver results to `sink`. They
    /// end when the queue is dropped.
    pub fn start(workers: usize, llm: Arc<dyn Llm>, sink: Arc<dyn ResultSink>) -> Self {
        let (jobs, queue) = mpsc::channel::<StepJob>(CAPACITY);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..workers.max(1) {
            let (queue, llm, sink) = (queue.clone(), llm.clone(), sink.clone());
            tokio::spawn(async move {
                loop {
                    let Some(job) = queue.lock().await.recv().await else {
                        return;
                    };
                    let result = run_step(&job, llm.as_ref()).await;
                    deliver(sink.as_ref(), result).await;
                }
            });
        }
        Self { jobs }
    }
}

async fn deliver(sink: &dyn ResultSink, result: crate::ai::StepResult) {
    for attempt in 1..=DELIVERIES {
        match sink.deliver(result.clone()).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(execution = %result.execution_id, step = result.step, attempt, error = %e,
                    "a step result was not stored; retrying");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(execution = %result.execution_id, step = result.step, "a step result was dropped");
}

#[async_trait]
impl StepQueue for InProcessQueue {
    async fn publish(&self, job: StepJob) -> Result<(), QueueError> {
        self.jobs.send(job).await.map_err(|_| QueueError::Closed)
    }
}
