//! `joan bench`: figures for docs/benchmarks.md. Not a test: it measures and prints.
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use joan_commands::StoreOptions;
use joan_commands::service::CommandContext;
use joan_domain::task::{NewTask, Priority, TaskChanges, TaskCommand, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::config::StorageArgs;
use crate::core::Core;
use crate::error::AppError;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Task commands per second through the command path, per number of concurrent writers.
    Commands(CommandsArgs),
    /// Replay speed: fills the log to `--events` (if short), then rebuilds every projection.
    Replay(super::bench_replay::ReplayBenchArgs),
    /// Note search latency, full text beside a `LIKE` scan (fills the notes table if short).
    Notes(super::bench_notes::NotesBenchArgs),
    /// AI step round trip through the queue (in process, and NATS with `--nats-url`).
    AiSteps(super::bench_ai::AiStepsArgs),
    /// Live feed fan-out: SSE clients of a `joan serve` child while tasks are created.
    Sse(super::bench_sse::SseArgs),
    /// Legacy import speed: writes a FastAPI database of `--tasks` tasks, imports it.
    Import(super::bench_import::ImportBenchArgs),
}

#[derive(Debug, Args)]
pub struct CommandsArgs {
    /// Concurrent writers, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    pub writers: Vec<usize>,
    /// Commands per run.
    #[arg(long, default_value_t = 20_000)]
    pub commands: usize,
    /// Print `ack <task id>` to stdout as each command is acknowledged (crash tests read it).
    #[arg(long)]
    pub print_acks: bool,
}

pub async fn run(storage: &StorageArgs, cmd: BenchCommand) -> Result<(), AppError> {
    let cmd = match cmd {
        BenchCommand::Replay(args) => return super::bench_replay::run(storage, args).await,
        BenchCommand::Sse(args) => return super::bench_sse::run(args).await,
        BenchCommand::Import(args) => return super::bench_import::run(storage, args).await,
        other => other,
    };
    let core = Arc::new(Core::open(&storage.location(), StoreOptions::default()).await?);
    match cmd {
        BenchCommand::Commands(args) => {
            for &writers in &args.writers {
                let batches = core.store.batches();
                let stats = create_tasks(&core, writers, args.commands, args.print_acks).await?;
                let per_batch = args.commands as f64 / (core.store.batches() - batches).max(1) as f64;
                println!("{} commands/commit={per_batch:.1}", stats.line(writers));
            }
        }
        BenchCommand::Replay(_) | BenchCommand::Sse(_) | BenchCommand::Import(_) => {}
        BenchCommand::Notes(args) => super::bench_notes::run(&core, args).await?,
        BenchCommand::AiSteps(args) => super::bench_ai::run(args).await?,
    }
    if let Ok(core) = Arc::try_unwrap(core) {
        core.close().await;
    }
    Ok(())
}

struct RunStats {
    commands: usize,
    elapsed: Duration,
    latency: Histogram<u64>,
}

impl RunStats {
    fn line(&self, writers: usize) -> String {
        format!(
            "commands: writers={writers:<3} commands={} elapsed={:.2}s throughput={:.0}/s p50={:.2}ms p99={:.2}ms max={:.2}ms",
            self.commands,
            self.elapsed.as_secs_f64(),
            self.commands as f64 / self.elapsed.as_secs_f64(),
            self.latency.value_at_quantile(0.5) as f64 / 1000.0,
            self.latency.value_at_quantile(0.99) as f64 / 1000.0,
            self.latency.max() as f64 / 1000.0,
        )
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
}

fn new_task(id: Uuid, n: usize) -> Result<TaskCommand, AppError> {
    let title = Title::parse(&format!("bench task {n}")).map_err(|e| AppError::Config(e.to_string()))?;
    Ok(TaskCommand::Create(NewTask {
        id: id.into(),
        title,
        ..NewTask::default()
    }))
}

/// `commands` task creations spread over `writers` concurrent tasks.
async fn create_tasks(
    core: &Arc<Core>,
    writers: usize,
    commands: usize,
    print_acks: bool,
) -> Result<RunStats, AppError> {
    let user = UserId(Uuid::new_v4());
    let latency = Arc::new(Mutex::new(
        Histogram::<u64>::new(3).map_err(|e| AppError::Config(e.to_string()))?,
    ));
    let started = Instant::now();
    let mut handles = Vec::new();
    for w in 0..writers {
        let core = core.clone();
        let latency = latency.clone();
        let share = commands / writers + usize::from(w < commands % writers);
        handles.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new(3).map_err(|e| AppError::Config(e.to_string()))?;
            for n in 0..share {
                let id = Uuid::now_v7();
                let t = Instant::now();
                let ctx = CommandContext::new(user, now());
                core.tasks
                    .execute_new(&id.to_string(), &ctx, new_task(id, n)?, None)
                    .await
                    .map_err(|e| AppError::Config(e.to_string()))?;
                let _ = local.record(t.elapsed().as_micros() as u64);
                if print_acks {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "ack {id}");
                    let _ = out.flush();
                }
            }
            latency
                .lock()
                .await
                .add(&local)
                .map_err(|e| AppError::Config(e.to_string()))?;
            Ok::<(), AppError>(())
        }));
    }
    for h in handles {
        h.await.map_err(|e| AppError::Config(e.to_string()))??;
    }
    let elapsed = started.elapsed();
    let latency = latency.lock().await.clone();
    Ok(RunStats {
        commands,
        elapsed,
        latency,
    })
}

/// Appends about `events` events of mixed task commands (create, retitle, reprioritise,
/// complete), with a progress bar.
pub(super) async fn fill_log(core: &Arc<Core>, events: i64) -> Result<(), AppError> {
    const WRITERS: usize = 64;
    let per_writer = (events / 4).max(1) as usize / WRITERS + 1;
    let bar = ProgressBar::new(u64::try_from(events).unwrap_or(0)).with_style(
        ProgressStyle::with_template("filling the log {wide_bar} {pos}/{len} events ({per_sec}, eta {eta})")
            .map_err(|e| AppError::Config(e.to_string()))?,
    );
    let ticker = tokio::spawn({
        let (bar, store, start) = (bar.clone(), core.store.clone(), core.store.appended_events());
        async move {
            loop {
                bar.set_position(store.appended_events() - start);
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
    });
    let user = UserId(Uuid::new_v4());
    let mut handles = Vec::new();
    for _ in 0..WRITERS {
        let core = core.clone();
        handles.push(tokio::spawn(async move {
            for n in 0..per_writer {
                let id = Uuid::now_v7();
                let key = id.to_string();
                let run = |command| {
                    let core = core.clone();
                    let key = key.clone();
                    async move {
                        core.tasks
                            .execute(&key, &CommandContext::new(user, now()), command, None, None)
                            .await
                            .map_err(|e| AppError::Config(e.to_string()))
                    }
                };
                run(new_task(id, n)?).await?;
                let retitle = TaskChanges {
                    title: Some(Title::parse("renamed").map_err(|e| AppError::Config(e.to_string()))?),
                    ..TaskChanges::default()
                };
                run(TaskCommand::Update(retitle)).await?;
                let urgent = TaskChanges {
                    priority: Some(Priority::parse(3).map_err(|e| AppError::Config(e.to_string()))?),
                    status: Some(TaskStatus::InProgress),
                    ..TaskChanges::default()
                };
                run(TaskCommand::Update(urgent)).await?;
                run(TaskCommand::Complete).await?;
            }
            Ok::<(), AppError>(())
        }));
    }
    let finished = futures::future::try_join_all(handles).await;
    ticker.abort();
    bar.finish_and_clear();
    for result in finished.map_err(|e| AppError::Config(e.to_string()))? {
        result?;
    }
    Ok(())
}
