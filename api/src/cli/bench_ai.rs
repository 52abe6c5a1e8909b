//! `joan bench ai-steps`: the step queue's round trip (publish a job, a worker runs it with a
//! zero-latency fake model, its result reaches the sink), in process and over NATS with 1
//! and 2 `joan worker` processes. No database: it measures the queue, not the commands.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use clap::Args;
use hdrhistogram::Histogram;
use joan_commands::StoreError;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::ai::fake::FakeLlm;
use crate::ai::queue::nats::{Nats, NatsArgs, consume_results};
use crate::ai::queue::{InProcessQueue, ResultSink, StepQueue};
use crate::ai::{ChatRequest, StepJob, StepResult};
use crate::error::AppError;

#[derive(Debug, Args)]
pub struct AiStepsArgs {
    /// Steps published at once for the throughput figure.
    #[arg(long, default_value_t = 2000)]
    pub steps: u32,
    /// Steps sent one at a time for the latency figures.
    #[arg(long, default_value_t = 300)]
    pub sequential: u32,
    /// Also measure NATS JetStream here (spawning `joan worker` processes).
    #[arg(long, env = "NATS_URL")]
    pub nats_url: Option<String>,
}

/// Records when each result arrived.
struct Arrivals(mpsc::UnboundedSender<(String, Instant)>);

#[async_trait]
impl ResultSink for Arrivals {
    async fn deliver(&self, result: StepResult) -> Result<(), StoreError> {
        let id = format!("{}:{}:{}", result.execution_id, result.step, result.attempt);
        let _ = self.0.send((id, Instant::now()));
        Ok(())
    }
}

fn job() -> StepJob {
    StepJob {
        execution_id: Uuid::now_v7(),
        step: 0,
        attempt: 1,
        user_id: Uuid::nil(),
        request: ChatRequest {
            prompt: "benchmark".into(),
            ..ChatRequest::default()
        },
        chain: Vec::new(),
    }
}

/// Steps per second of a burst, then p50/p99 of steps sent one at a time (microseconds).
async fn measure(
    queue: &dyn StepQueue,
    arrivals: &mut mpsc::UnboundedReceiver<(String, Instant)>,
    args: &AiStepsArgs,
) -> Result<(f64, u64, u64), AppError> {
    let fail = |e: crate::ai::queue::QueueError| AppError::Config(e.to_string());
    let started = Instant::now();
    for _ in 0..args.steps {
        queue.publish(job()).await.map_err(fail)?;
    }
    for _ in 0..args.steps {
        arrivals
            .recv()
            .await
            .ok_or_else(|| AppError::Config("the sink closed".into()))?;
    }
    let rate = f64::from(args.steps) / started.elapsed().as_secs_f64();
    let mut latencies = Histogram::<u64>::new(3).map_err(|e| AppError::Config(e.to_string()))?;
    let sent: Mutex<HashMap<String, Instant>> = Mutex::new(HashMap::new());
    for _ in 0..args.sequential {
        let job = job();
        sent.lock().unwrap().insert(job.message_id(), Instant::now());
        queue.publish(job).await.map_err(fail)?;
        let (id, at) = arrivals
            .recv()
            .await
            .ok_or_else(|| AppError::Config("the sink closed".into()))?;
        if let Some(start) = sent.lock().unwrap().remove(&id) {
            let _ = latencies.record(u64::try_from(at.duration_since(start).as_micros()).unwrap_or(u64::MAX));
        }
    }
    Ok((
        rate,
        latencies.value_at_quantile(0.5),
        latencies.value_at_quantile(0.99),
    ))
}

fn line(queue: &str, workers: usize, (rate, p50, p99): (f64, u64, u64)) {
    println!("{queue:<10} workers={workers} steps/s={rate:>8.0} p50={p50} us p99={p99} us");
}

pub async fn run(args: AiStepsArgs) -> Result<(), AppError> {
    let llm = Arc::new(FakeLlm { delay: Duration::ZERO });
    for workers in [1, 2] {
        let (tx, mut arrivals) = mpsc::unbounded_channel();
        let queue = InProcessQueue::start(workers, llm.clone(), Arc::new(Arrivals(tx)));
        line("in-process", workers, measure(&queue, &mut arrivals, &args).await?);
    }
    let Some(url) = args.nats_url.clone() else {
        println!("nats: skipped (no --nats-url)");
        return Ok(());
    };
    let exe = std::env::current_exe()?;
    for workers in [1usize, 2] {
        let unique = Uuid::new_v4().simple().to_string();
        let nats_args = NatsArgs {
            nats_url: Some(url.clone()),
            nats_stream: format!("JOAN_BENCH_{unique}"),
            nats_subject_prefix: format!("joan.bench.{unique}"),
            ai_ack_wait_secs: 30,
            ai_max_deliver: 5,
            ai_backoff_secs: Vec::new(),
        };
        let nats = Nats::connect(&url, nats_args.clone())
            .await
            .map_err(|e| AppError::Config(e.to_string()))?;
        let (tx, mut arrivals) = mpsc::unbounded_channel();
        let consumer = tokio::spawn(consume_results(nats.clone(), Arc::new(Arrivals(tx))));
        let mut children = Vec::new();
        for _ in 0..workers {
            children.push(
                tokio::process::Command::new(&exe)
                    .args(["worker", "--nats-url", &url, "--nats-stream", &nats_args.nats_stream])
                    .args([
                        "--nats-subject-prefix",
                        &nats_args.nats_subject_prefix,
                        "--fake-llm-delay-ms",
                        "0",
                    ])
                    .env("JOAN_ENCRYPTION_KEY", "00".repeat(32))
                    .env("RUST_LOG", "warn")
                    .kill_on_drop(true)
                    .spawn()?,
            );
        }
        let figures = measure(&nats, &mut arrivals, &args).await;
        consumer.abort();
        drop(children);
        line("nats", workers, figures?);
    }
    Ok(())
}
