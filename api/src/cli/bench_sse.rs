//! `joan bench sse`: the live feed's fan-out. Starts `joan serve` on a scratch data directory,
//! connects `--clients` SSE clients spread over `--users` users, then creates one task per
//! `--every-us` microseconds (round robin over the users) for `--seconds`. Prints how long
//! each change took from its request to each of its owner's clients (p50/p99/max), the same
//! from the request's answer (the commit), and the server's resident memory per connection.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::error::AppError;

#[derive(Debug, Args)]
pub struct SseArgs {
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    #[arg(long, default_value_t = 100)]
    pub users: usize,
    /// Microseconds between two commits.
    #[arg(long, default_value_t = 1000)]
    pub every_us: u64,
    #[arg(long, default_value_t = 20)]
    pub seconds: u64,
}

fn fail(e: impl std::fmt::Display) -> AppError {
    AppError::Config(e.to_string())
}

/// When each change was asked for and when its request was answered.
struct Sent {
    asked: Vec<std::sync::OnceLock<Instant>>,
    answered: Vec<std::sync::OnceLock<Instant>>,
}

/// What the clients saw: delay from the request and from the answer, in microseconds.
struct Seen {
    from_request: Histogram<u64>,
    from_commit: Histogram<u64>,
    deliveries: u64,
}

pub async fn run(args: SseArgs) -> Result<(), AppError> {
    crate::http::server::raise_descriptor_limit();
    let scratch = std::env::temp_dir().join(format!("joan-bench-sse-{}", uuid::Uuid::new_v4()));
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut server = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "--data-dir",
            &scratch.to_string_lossy(),
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("JOAN_METRICS_BIND", "off")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()?;
    let pid = server.id().ok_or_else(|| fail("the server did not start"))?;
    let outcome = measure(&args, &base, pid).await;
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

async fn measure(args: &SseArgs, base: &str, pid: u32) -> Result<(), AppError> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .map_err(fail)?;
    wait_until_up(&http, base).await?;
    let mut tokens = Vec::new();
    for n in 0..args.users.max(1) {
        // Registrations are limited per address: every few users come from another one
        // (any 127.x.y.z reaches the loopback).
        let [.., high, low] = (n / 8 + 2).to_be_bytes();
        let from = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 1, high, low]))
            .build()
            .map_err(fail)?;
        tokens.push(account(&from, base, n).await?);
    }
    let idle_rss = rss_kib(pid);

    let commits = usize::try_from(args.seconds * 1_000_000 / args.every_us.max(1)).unwrap_or(0);
    let sent = Arc::new(Sent {
        asked: (0..commits).map(|_| std::sync::OnceLock::new()).collect(),
        answered: (0..commits).map(|_| std::sync::OnceLock::new()).collect(),
    });
    let seen = Arc::new(Mutex::new(Seen {
        from_request: Histogram::new(3).map_err(fail)?,
        from_commit: Histogram::new(3).map_err(fail)?,
        deliveries: 0,
    }));
    let connected = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for c in 0..args.clients {
        let token = tokens[c % tokens.len()].clone();
        let (http, base) = (http.clone(), base.to_string());
        let (sent, seen, connected) = (sent.clone(), seen.clone(), connected.clone());
        clients.push(tokio::spawn(async move {
            listen(&http, &base, &token, &sent, &seen, &connected).await
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while connected.load(Ordering::Relaxed) < args.clients as u64 {
        if Instant::now() > deadline {
            return Err(fail(format!(
                "only {} of {} clients connected",
                connected.load(Ordering::Relaxed),
                args.clients
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let connected_rss = rss_kib(pid);

    let mut tick = tokio::time::interval(Duration::from_micros(args.every_us.max(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut writes = Vec::with_capacity(commits);
    for n in 0..commits {
        tick.tick().await;
        let token = tokens[n % tokens.len()].clone();
        let (http, base, sent) = (http.clone(), base.to_string(), sent.clone());
        writes.push(tokio::spawn(async move {
            let _ = sent.asked[n].set(Instant::now());
            let reply = http
                .post(format!("{base}/api/v1/tasks"))
                .bearer_auth(&token)
                .json(&json!({"title": format!("bench-{n}")}))
                .send()
                .await;
            let _ = sent.answered[n].set(Instant::now());
            reply.map(|r| r.status().is_success()).unwrap_or(false)
        }));
    }
    let mut accepted = 0;
    for write in writes {
        accepted += u64::from(write.await.unwrap_or(false));
    }
    let writing = started.elapsed();
    let expected = accepted * (args.clients / tokens.len()) as u64;
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.lock().await.deliveries < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let busy_rss = rss_kib(pid);
    for client in clients {
        client.abort();
    }
    let seen = seen.lock().await;
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "sse: {} clients over {} users; {accepted} commits in {:.1} s ({:.0}/s); {} of {expected} deliveries",
        args.clients,
        tokens.len(),
        writing.as_secs_f64(),
        accepted as f64 / writing.as_secs_f64(),
        seen.deliveries
    );
    for (label, h) in [("request", &seen.from_request), ("commit", &seen.from_commit)] {
        println!(
            "sse: from {label} to delivery p50={:.2}ms p99={:.2}ms max={:.2}ms",
            ms(h, 0.5),
            ms(h, 0.99),
            h.max() as f64 / 1000.0
        );
    }
    println!(
        "sse: server memory {} KiB idle, {} KiB with the clients connected ({:.1} KiB per connection), {} KiB under load",
        idle_rss,
        connected_rss,
        connected_rss.saturating_sub(idle_rss) as f64 / args.clients.max(1) as f64,
        busy_rss
    );
    Ok(())
}

/// One client: reads the stream and records each change's delay.
async fn listen(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    sent: &Sent,
    seen: &Mutex<Seen>,
    connected: &AtomicU64,
) -> Result<(), AppError> {
    let reply = http
        .get(format!("{base}/api/v1/events/stream"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(fail)?;
    if !reply.status().is_success() {
        return Err(fail(format!("the stream answered {}", reply.status())));
    }
    connected.fetch_add(1, Ordering::Relaxed);
    let mut reply = reply;
    let mut pending = String::new();
    while let Some(chunk) = reply.chunk().await.map_err(fail)? {
        let arrived = Instant::now();
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            let Some(n) = line.strip_prefix("data:").and_then(bench_number) else {
                continue;
            };
            let mut seen = seen.lock().await;
            seen.deliveries += 1;
            if let Some(asked) = sent.asked.get(n).and_then(|t| t.get()) {
                let _ = seen.from_request.record(micros(arrived, *asked));
            }
            if let Some(answered) = sent.answered.get(n).and_then(|t| t.get()) {
                let _ = seen.from_commit.record(micros(arrived, *answered));
            }
        }
    }
    Ok(())
}

/// The `n` of the `bench-n` title a change sets, if it does.
fn bench_number(data: &str) -> Option<usize> {
    let change: Value = serde_json::from_str(data.trim()).ok()?;
    let title = change["changes"].as_array()?.iter().find(|c| c["field"] == "title")?["to"]
        .as_str()?
        .to_string();
    title.strip_prefix("bench-")?.parse().ok()
}

/// Microseconds from `from` to `to`; 0 when `to` came first (delivered before the answer).
fn micros(to: Instant, from: Instant) -> u64 {
    u64::try_from(to.saturating_duration_since(from).as_micros()).unwrap_or(u64::MAX)
}

async fn account(http: &reqwest::Client, base: &str, n: usize) -> Result<String, AppError> {
    let email = format!("sse-{n}@example.test");
    let password = "a long enough password";
    http.post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": password, "name": format!("Reader {n}")}))
        .send()
        .await
        .map_err(fail)?;
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .map_err(fail)?
        .json()
        .await
        .map_err(fail)?;
    login["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| fail(format!("no token: {login}")))
}

async fn wait_until_up(http: &reqwest::Client, base: &str) -> Result<(), AppError> {
    for _ in 0..300 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(fail("the server did not answer /healthz within 30 s"))
}

fn free_port() -> Result<u16, AppError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The process's resident memory in KiB (0 where /proc is not there).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
