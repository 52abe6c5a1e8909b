//! Executions over NATS JetStream with real `joan worker` processes (fake model behind the
//! hidden `--fake-llm-delay-ms`): workers share steps, a worker killed mid-step is replaced by
//! redelivery, a step out of deliveries fails its execution, and a NATS restart mid-workflow
//! loses nothing and doubles nothing. Needs NATS at
//! 127.0.0.1:4222 (and `nats-server` on the PATH for the restart): a skip notice otherwise,
//! a failure under CI=true. Every test has its own stream and subjects.
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use joan_api::ai::queue::nats::NatsArgs;

use super::*;
use crate::support::JOAN;

const NATS: &str = "127.0.0.1:4222";
/// The key the workers open sealed keys with (the test app's).
const KEY_HEX: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

fn reachable(address: &str, what: &str) -> bool {
    if TcpStream::connect(address).is_ok() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} is not reachable at {address} under CI"
    );
    eprintln!("skipped: {what} is not reachable at {address}");
    false
}

fn args(address: &str) -> NatsArgs {
    let unique = Uuid::new_v4().simple().to_string();
    NatsArgs {
        nats_url: Some(format!("nats://{address}")),
        nats_stream: format!("JOAN_TEST_{unique}"),
        nats_subject_prefix: format!("joan.test.{unique}"),
        ai_ack_wait_secs: 2,
        ai_max_deliver: 5,
        ai_backoff_secs: Vec::new(),
    }
}

/// A `joan worker` process, killed when dropped; its log lines arrive on `lines`.
struct Worker {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Worker {
    fn spawn(args: &NatsArgs, delay_ms: u64) -> Self {
        let mut child = Command::new(JOAN)
            .args(["worker", "--nats-url", args.nats_url.as_deref().unwrap()])
            .args(["--nats-stream", &args.nats_stream])
            .args(["--nats-subject-prefix", &args.nats_subject_prefix])
            .args(["--ai-ack-wait-secs", &args.ai_ack_wait_secs.to_string()])
            .args(["--ai-max-deliver", &args.ai_max_deliver.to_string()])
            .args(["--fake-llm-delay-ms", &delay_ms.to_string()])
            .env("JOAN_ENCRYPTION_KEY", KEY_HEX)
            .env("RUST_LOG", "warn,joan_api=info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn joan worker");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, lines }
    }

    /// The lines logged so far.
    fn log(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    /// Waits for a line holding `text`.
    fn wait_for(&self, text: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return,
                Ok(_) => {}
                Err(_) => panic!("the worker never logged {text:?}"),
            }
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One JSON step and the tasks it lists.
fn one_step_template() -> Value {
    json!({"name": "Quick", "steps": [
        {"name": "extract", "type": "ai_process", "output_format": "json", "prompt": "{input.text}"},
        {"name": "create", "type": "api_call", "endpoint": "/tasks/batch", "data": "{steps.extract.output}"}
    ]})
}

async fn app_over(args: &NatsArgs) -> TestApp {
    let ai = AiOptions {
        nats: Some(args.clone()),
        ..AiOptions::default()
    };
    TestApp::with_workflows(Backend::Sqlite, ai).await.expect("sqlite")
}

async fn start(app: &TestApp, token: &str, template: &str, text: &str) -> String {
    let reply = app
        .post(EXECUTIONS)
        .token(token)
        .json(&json!({"template_id": template, "input": {"text": text}}))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

async fn task_titles(app: &TestApp, token: &str) -> Vec<String> {
    let reply = app.get("/api/v1/tasks?limit=200").token(token).send().await;
    let mut titles: Vec<String> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_share_the_steps_of_several_executions() {
    if !reachable(NATS, "NATS") {
        return;
    }
    let args = args(NATS);
    let app = app_over(&args).await;
    let (a, b) = (Worker::spawn(&args, 300), Worker::spawn(&args, 300));
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &one_step_template()).await;
    let mut ids = Vec::new();
    for n in 0..8 {
        ids.push(start(&app, &token, &template, &format!("task {n}")).await);
    }
    for id in &ids {
        let done = until(&app, &token, id, |v| status(v) == "completed").await;
        assert_eq!(done["steps"][0]["model"], "fake");
    }
    let expected: Vec<String> = (0..8).map(|n| format!("task {n}")).collect();
    assert_eq!(task_titles(&app, &token).await, expected, "each task once");
    let ran = |w: &Worker| w.log().iter().filter(|l| l.contains("AI step done")).count();
    let (by_a, by_b) = (ran(&a), ran(&b));
    assert_eq!(by_a + by_b, 8, "every step ran once");
    assert!(by_a > 0 && by_b > 0, "both workers took steps: {by_a} and {by_b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_whose_worker_is_killed_is_redelivered_and_completes_once() {
    if !reachable(NATS, "NATS") {
        return;
    }
    let args = args(NATS);
    let app = app_over(&args).await;
    let mut doomed = Worker::spawn(&args, 60_000);
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &one_step_template()).await;
    let id = start(&app, &token, &template, "survive").await;
    doomed.wait_for("running an AI step");
    doomed.kill(); // SIGKILL: no ack, no result
    let rescuer = Worker::spawn(&args, 50);
    let done = until(&app, &token, &id, |v| status(v) == "completed").await;
    assert_eq!(done["steps"][0]["attempt"], 1, "the same attempt, delivered again");
    assert_eq!(task_titles(&app, &token).await, ["survive"]);
    rescuer.wait_for("AI step done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nats_restart_mid_workflow_loses_and_doubles_nothing() {
    let version = Command::new("nats-server").arg("--version").output();
    if version.is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nats-server is not installed"
        );
        eprintln!("skipped: nats-server is not installed");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = tempfile::tempdir().unwrap();
    let server = || {
        Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server")
    };
    let address = format!("127.0.0.1:{port}");
    let wait_up = |address: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(address).is_err() {
            assert!(std::time::Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut nats = server();
    wait_up(&address);
    let args = args(&address);
    let app = app_over(&args).await;
    let worker = Worker::spawn(&args, 500);
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &one_step_template()).await;
    let first = start(&app, &token, &template, "before").await;
    worker.wait_for("running an AI step");

    let _ = nats.kill();
    let _ = nats.wait();
    // Dispatched while NATS is down: the dispatcher keeps it in the log and publishes later.
    let second = start(&app, &token, &template, "during").await;
    until(&app, &token, &second, |v| v["steps"][0]["status"] == "running").await;
    nats = server();
    wait_up(&address);

    for id in [&first, &second] {
        until(&app, &token, id, |v| status(v) == "completed").await;
    }
    assert_eq!(task_titles(&app, &token).await, ["before", "during"]);
    let _ = nats.kill();
    let _ = nats.wait();
    drop(worker);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_out_of_deliveries_fails_its_execution_instead_of_hanging() {
    if !reachable(NATS, "NATS") {
        return;
    }
    let args = NatsArgs {
        ai_max_deliver: 2,
        ..args(NATS)
    };
    let app = app_over(&args).await;
    let mut doomed = Worker::spawn(&args, 60_000);
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &one_step_template()).await;
    let id = start(&app, &token, &template, "never").await;
    doomed.wait_for("running an AI step");
    doomed.kill();
    // The next delivery is the last one: the worker reports the step failed, not runs it.
    let last = Worker::spawn(&args, 50);
    let failed = until(&app, &token, &id, |v| status(v) == "failed").await;
    let error = failed["steps"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with("unavailable: no worker finished the step (deliveries: 1)"),
        "{failed}"
    );
    assert!(task_titles(&app, &token).await.is_empty());
    last.wait_for("AI step done");
}

/// A provider key is sealed in every job on the wire and absent from the workers' logs and
/// from the event log; the worker still gets the provider (its sealed key) with each job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_key_never_travels_or_is_logged_in_clear() {
    use futures::StreamExt;

    const KEY: &str = "sk-live-NEVER-IN-CLEAR-7f3a9c";
    if !reachable(NATS, "NATS") {
        return;
    }
    let args = args(NATS);
    let app = app_over(&args).await;
    let wire = async_nats::connect(args.nats_url.as_deref().unwrap()).await.unwrap();
    let mut seen = wire.subscribe(format!("{}.>", args.nats_subject_prefix)).await.unwrap();
    let worker = Worker::spawn(&args, 10);
    let token = app.token_for_new_user();
    let provider = app
        .post("/api/v1/ai/providers")
        .token(&token)
        .json(
            &json!({"provider_type": "openai", "provider_name": "Work", "api_key": KEY,
                      "model_name": "gpt-4o-mini", "is_default": true}),
        )
        .send()
        .await;
    assert_eq!(provider.status, StatusCode::CREATED, "{}", provider.text);
    let provider_id = provider.body["id"].as_str().unwrap().to_string();
    let template = create_template(&app, &token, &one_step_template()).await;
    let id = start(&app, &token, &template, "sealed").await;
    until(&app, &token, &id, |v| status(v) == "completed").await;

    let mut messages = Vec::new();
    while let Ok(Some(message)) = tokio::time::timeout(Duration::from_millis(500), seen.next()).await {
        messages.push(String::from_utf8_lossy(&message.payload).into_owned());
    }
    let job = messages
        .iter()
        .find(|m| m.contains(&provider_id))
        .unwrap_or_else(|| panic!("no job named the provider: {messages:?}"));
    assert!(!job.contains(KEY), "a job carried the key in clear: {job}");
    assert!(messages.len() >= 2, "a job and its result: {messages:?}");
    assert!(messages.iter().all(|m| !m.contains(KEY)));
    worker.wait_for("AI step done");
    assert!(worker.log().iter().all(|line| !line.contains(KEY)));
    let core = &app.state.core;
    let pattern = format!("%{KEY}%");
    let leaked = core
        .store
        .db()
        .fetch_scalar_i64(
            "select count(*) from events where payload like $1",
            &[joan_commands::Arg::from(&pattern)],
        )
        .await
        .unwrap();
    assert_eq!(leaked, 0, "the key is in the event log");
}
