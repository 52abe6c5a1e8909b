//! The step queue over NATS JetStream (`NATS_URL`): jobs on a work-queue stream (`JOAN_AI`,
//! subject `joan.ai.steps`) pulled by `joan worker` processes through one durable consumer;
//! results on a second work-queue stream (`JOAN_AI_RESULTS`, `joan.ai.results`) pulled by
//! `joan serve` through its own. Both publish with `Nats-Msg-Id`, so a republish inside the
//! duplicate window is dropped by the stream. A job is acknowledged only after its result is
//! published, and a result only after its command is stored: a crash anywhere redelivers.
use std::sync::Arc;
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::{AckPolicy, PullConsumer, pull};
use async_nats::jetstream::stream::{Config as StreamConfig, RetentionPolicy};
use async_nats::jetstream::{self, AckKind, Context};
use async_trait::async_trait;
use futures::StreamExt;

use super::{QueueError, ResultSink, StepQueue, run_step};
use crate::ai::{AiFailure, FailureClass, Llm, StepJob, StepResult};

/// Where the queue lives and how redelivery behaves (`joan serve` and `joan worker` share it).
#[derive(Debug, Clone, clap::Args)]
pub struct NatsArgs {
    /// NATS server with JetStream; when set, AI steps go through it to `joan worker`s.
    #[arg(long, env = "NATS_URL")]
    pub nats_url: Option<String>,
    /// The jobs' stream; results go to `<stream>_RESULTS`.
    #[arg(long, env = "JOAN_NATS_STREAM", default_value = "JOAN_AI")]
    pub nats_stream: String,
    /// Subjects are `<prefix>.steps` and `<prefix>.results`.
    #[arg(long, env = "JOAN_NATS_SUBJECT_PREFIX", default_value = "joan.ai")]
    pub nats_subject_prefix: String,
    /// Seconds a worker may hold a job without a sign of life before it is redelivered
    /// (workers send in-progress acks every third of it during a call).
    #[arg(long, env = "JOAN_AI_ACK_WAIT_SECS", default_value_t = 30)]
    pub ai_ack_wait_secs: u64,
    /// Deliveries of one job at most; the last one fails the step instead of running it.
    #[arg(long, env = "JOAN_AI_MAX_DELIVER", default_value_t = 5)]
    pub ai_max_deliver: i64,
    /// Seconds each delivery may go without a sign of life, one per delivery, comma-separated
    /// (JetStream's BackOff: it replaces the ack wait of successive deliveries). Default: the
    /// ack wait for every delivery.
    #[arg(long, env = "JOAN_AI_BACKOFF_SECS", value_delimiter = ',')]
    pub ai_backoff_secs: Vec<u64>,
}

impl NatsArgs {
    fn steps_subject(&self) -> String {
        format!("{}.steps", self.nats_subject_prefix)
    }

    fn results_subject(&self) -> String {
        format!("{}.results", self.nats_subject_prefix)
    }

    fn results_stream(&self) -> String {
        format!("{}_RESULTS", self.nats_stream)
    }

    fn ack_wait(&self) -> Duration {
        Duration::from_secs(self.ai_ack_wait_secs.max(1))
    }

    /// How often a worker says it is alive: a third of the shortest wait it may be given.
    fn heartbeat(&self) -> Duration {
        let shortest = self
            .ai_backoff_secs
            .iter()
            .copied()
            .chain([self.ai_ack_wait_secs])
            .min();
        Duration::from_secs(shortest.unwrap_or(1).max(1)) / 3
    }

    fn consumer(&self, name: &str) -> pull::Config {
        // NATS wants fewer backoff steps than deliveries.
        let steps = usize::try_from(self.ai_max_deliver.max(1) - 1).unwrap_or(0);
        let backoff: Vec<Duration> = self
            .ai_backoff_secs
            .iter()
            .take(steps)
            .map(|s| Duration::from_secs(*s))
            .collect();
        pull::Config {
            durable_name: Some(name.to_string()),
            ack_policy: AckPolicy::Explicit,
            ack_wait: self.ack_wait(),
            max_deliver: self.ai_max_deliver.max(1),
            backoff,
            ..Default::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("NATS: {0}")]
    Nats(String),
}

fn nats(e: impl std::fmt::Display) -> NatsError {
    NatsError::Nats(e.to_string())
}

/// A connection to JetStream with both streams in place.
#[derive(Clone)]
pub struct Nats {
    js: Context,
    args: Arc<NatsArgs>,
}

impl Nats {
    /// Connects (retrying until the server answers) and creates the streams if missing.
    pub async fn connect(url: &str, args: NatsArgs) -> Result<Self, NatsError> {
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(url)
            .await
            .map_err(nats)?;
        let js = jetstream::new(client);
        for (name, subject) in [
            (args.nats_stream.clone(), args.steps_subject()),
            (args.results_stream(), args.results_subject()),
        ] {
            js.get_or_create_stream(StreamConfig {
                name,
                subjects: vec![subject],
                retention: RetentionPolicy::WorkQueue,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(nats)?;
        }
        Ok(Self {
            js,
            args: Arc::new(args),
        })
    }

    async fn publish(&self, subject: String, id: &str, payload: Vec<u8>) -> Result<(), NatsError> {
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id);
        self.js
            .publish_with_headers(subject, headers, payload.into())
            .await
            .map_err(nats)?
            .await
            .map_err(nats)?;
        Ok(())
    }

    async fn pull(&self, stream: &str, name: &str) -> Result<PullConsumer, NatsError> {
        let stream = self.js.get_stream(stream).await.map_err(nats)?;
        stream
            .get_or_create_consumer(name, self.args.consumer(name))
            .await
            .map_err(nats)
    }
}

#[async_trait]
impl StepQueue for Nats {
    async fn publish(&self, job: StepJob) -> Result<(), QueueError> {
        let payload = serde_json::to_vec(&job).map_err(|e| QueueError::Unavailable(e.to_string()))?;
        Nats::publish(self, self.args.steps_subject(), &job.message_id(), payload)
            .await
            .map_err(|e| QueueError::Unavailable(e.to_string()))
    }
}

/// `joan serve`'s side: every result becomes its command, acknowledged once stored. Runs until
/// aborted, reconnecting after errors.
pub async fn consume_results(queue: Nats, sink: Arc<dyn ResultSink>) {
    loop {
        if let Err(e) = consume_results_once(&queue, sink.as_ref()).await {
            tracing::warn!(error = %e, "reading AI step results from NATS failed; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn consume_results_once(queue: &Nats, sink: &dyn ResultSink) -> Result<(), NatsError> {
    let consumer = queue.pull(&queue.args.results_stream(), "joan-serve").await?;
    let mut messages = consumer.messages().await.map_err(nats)?;
    while let Some(message) = messages.next().await {
        let message = message.map_err(nats)?;
        let Ok(result) = serde_json::from_slice::<StepResult>(&message.payload) else {
            tracing::warn!("an unreadable AI step result was dropped");
            message.ack_with(AckKind::Term).await.map_err(nats)?;
            continue;
        };
        match sink.deliver(result).await {
            Ok(()) => message.ack().await.map_err(nats)?,
            // Not acknowledged: NATS hands it again after the ack wait.
            Err(e) => tracing::warn!(error = %e, "an AI step result was not stored; it will come again"),
        }
    }
    Ok(())
}

/// `joan worker`: pulls jobs, calls the model with in-progress acks while it answers, publishes
/// the result, then acknowledges the job. The last delivery of a job that never got a result
/// publishes a failure instead, so the step fails rather than hangs.
pub async fn work(queue: Nats, llm: Arc<dyn Llm>) -> Result<(), NatsError> {
    loop {
        if let Err(e) = work_once(&queue, llm.as_ref()).await {
            tracing::warn!(error = %e, "pulling AI steps from NATS failed; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn work_once(queue: &Nats, llm: &dyn Llm) -> Result<(), NatsError> {
    let consumer = queue.pull(&queue.args.nats_stream, "joan-workers").await?;
    let mut messages = consumer.messages().await.map_err(nats)?;
    let heartbeat = queue.args.heartbeat();
    while let Some(message) = messages.next().await {
        let message = message.map_err(nats)?;
        let delivered = message.info().map(|i| i.delivered).unwrap_or(1);
        let Ok(job) = serde_json::from_slice::<StepJob>(&message.payload) else {
            tracing::warn!("an unreadable AI step job was dropped");
            message.ack_with(AckKind::Term).await.map_err(nats)?;
            continue;
        };
        tracing::info!(execution = %job.execution_id, step = job.step, attempt = job.attempt, delivered,
            "running an AI step");
        let result = if delivered >= queue.args.ai_max_deliver {
            StepResult {
                execution_id: job.execution_id,
                step: job.step,
                attempt: job.attempt,
                outcome: Err(AiFailure {
                    class: FailureClass::Unavailable,
                    message: format!("no worker finished the step (deliveries: {})", delivered - 1),
                    attempts: u32::try_from(delivered - 1).unwrap_or(u32::MAX),
                    provider_id: None,
                }),
            }
        } else {
            let alive = async {
                loop {
                    tokio::time::sleep(heartbeat).await;
                    let _ = message.ack_with(AckKind::Progress).await;
                }
            };
            tokio::select! {
                result = run_step(&job, llm) => result,
                () = alive => unreachable!("the heartbeat never ends"),
            }
        };
        let payload = serde_json::to_vec(&result).map_err(nats)?;
        let id = format!("result:{}", job.message_id());
        queue.publish(queue.args.results_subject(), &id, payload).await?;
        message.double_ack().await.map_err(nats)?;
        tracing::info!(execution = %job.execution_id, step = job.step, "AI step done");
    }
    Ok(())
}
