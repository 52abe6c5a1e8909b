//! A seeded mix of requests over every domain, sent through the real router in process: the
//! workload of the replay tests (every projection, live against rebuilt) and the fill of
//! `joan bench replay`.
//!
//! Each actor is a registered user who keeps the ids they created and picks what to do next
//! from them: tasks and their moves on a board, goals linked to tasks, folders and notes,
//! clients, projects with members (the other actors), pomodoro sessions, days and templates of
//! the schedule, activities and activity goals, settings. A request the domain refuses (a
//! task completed twice, a member added twice) is part of the mix; a 5xx is an error.
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

use crate::http::App;
use crate::http::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("{method} {path} answered {status}: {body}")]
    Failed {
        method: Method,
        path: String,
        status: StatusCode,
        body: String,
    },
    #[error("{0}")]
    Setup(String),
}

/// How a run went.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Requests answered 2xx.
    pub accepted: u64,
    /// Requests the domain refused (4xx), which change nothing.
    pub refused: u64,
}

/// What one actor made and may act on next.
#[derive(Default)]
struct Made {
    tasks: Vec<String>,
    boards: Vec<String>,
    goals: Vec<String>,
    folders: Vec<String>,
    notes: Vec<String>,
    clients: Vec<String>,
    projects: Vec<String>,
    activities: Vec<String>,
    activity_goals: Vec<String>,
    templates: Vec<String>,
}

/// One registered user and what they made.
pub struct Actor {
    pub id: String,
    token: String,
    made: Made,
}

/// Drives `router` with seeded requests.
pub struct Workload {
    router: App,
    /// The address requests come from: one per workload, so that its registrations stay
    /// under the per-address limit.
    peer: SocketAddr,
    rng: StdRng,
    pub actors: Vec<Actor>,
    pub tally: Tally,
}

const TASK_STATUSES: [&str; 4] = ["pending", "in_progress", "completed", "cancelled"];
const GOAL_TYPES: [&str; 3] = ["outcome", "habit", "milestone"];
const ACTIVITY_TYPES: [&str; 4] = ["running", "reading", "meditation", "walking"];
const ROLES: [&str; 3] = ["admin", "member", "viewer"];
const COLUMNS: [&str; 3] = ["todo", "in_progress", "completed"];

impl Workload {
    /// Registers `users` new users (named after `seed`, so runs with other seeds never clash)
    /// and gives each a token.
    pub async fn start(router: App, state: &AppState, users: usize, seed: u64) -> Result<Self, WorkloadError> {
        let [.., high, low] = seed.to_be_bytes();
        let mut workload = Self {
            router,
            peer: SocketAddr::from(([127, high, low, 1], 40_000)),
            rng: StdRng::seed_from_u64(seed),
            actors: Vec::new(),
            tally: Tally::default(),
        };
        let run = Uuid::new_v4().simple().to_string();
        for n in 0..users {
            let body = json!({
                "email": format!("workload-{seed}-{n}-{}@example.test", &run[..8]),
                "password": "a long enough password",
                "name": format!("Actor {n}"),
            });
            let user = workload.send(Method::POST, "/auth/register", None, Some(body)).await?;
            let id = text(&user, "id")?;
            let user_id = id.parse::<Uuid>().map_err(|e| WorkloadError::Setup(e.to_string()))?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let token = state
                .tokens
                .issue(joan_domain::UserId(user_id), Uuid::new_v4(), now)
                .map_err(|e| WorkloadError::Setup(e.to_string()))?;
            workload.actors.push(Actor {
                id,
                token,
                made: Made::default(),
            });
        }
        Ok(workload)
    }

    /// Sends `requests` more requests, each by an actor picked at random.
    pub async fn run(&mut self, requests: usize) -> Result<Tally, WorkloadError> {
        for n in 0..requests {
            let who = self.rng.random_range(0..self.actors.len());
            self.act(who, n).await?;
        }
        Ok(self.tally)
    }

    /// One request by actor `who`.
    async fn act(&mut self, who: usize, n: usize) -> Result<(), WorkloadError> {
        let roll = self.rng.random_range(0..100);
        let made = &self.actors[who].made;
        let pick =
            |rng: &mut StdRng, ids: &[String]| (!ids.is_empty()).then(|| ids[rng.random_range(0..ids.len())].clone());
        let rng = &mut self.rng;
        let (method, path, body, keep): (Method, String, Option<Value>, Option<Kind>) = match roll {
            0..30 => match pick(rng, &made.tasks) {
                Some(task) if roll >= 8 => task_change(rng, &task, n),
                _ => (
                    Method::POST,
                    "/tasks".into(),
                    Some(json!({
                        "title": format!("task {n}"),
                        "priority": rng.random_range(0..=4),
                        "tags": (["a", "b"][..rng.random_range(0..=2)]),
                        "estimated_minutes": rng.random_range(5..120),
                    })),
                    Some(Kind::Task),
                ),
            },
            30..36 => match (pick(rng, &made.boards), pick(rng, &made.tasks)) {
                (Some(board), Some(task)) if roll >= 31 => (
                    Method::POST,
                    format!("/kanban/boards/{board}/move"),
                    Some(json!({
                        "task_id": task,
                        "column_id": COLUMNS[rng.random_range(0..COLUMNS.len())],
                        "position": rng.random_range(0..4),
                    })),
                    None,
                ),
                _ => (
                    Method::POST,
                    "/kanban/boards".into(),
                    Some(json!({"name": format!("board {n}")})),
                    Some(Kind::Board),
                ),
            },
            36..44 => match (pick(rng, &made.goals), pick(rng, &made.tasks)) {
                (Some(goal), Some(task)) if roll >= 40 => {
                    (Method::POST, format!("/goals/{goal}/tasks/{task}"), None, None)
                }
                (Some(goal), _) if roll >= 38 => (
                    Method::PATCH,
                    format!("/goals/{goal}"),
                    Some(json!({"status": (["active", "achieved", "abandoned"][rng.random_range(0..3)])})),
                    None,
                ),
                _ => (
                    Method::POST,
                    "/goals".into(),
                    Some(json!({"title": format!("goal {n}"), "type": GOAL_TYPES[rng.random_range(0..3)]})),
                    Some(Kind::Goal),
                ),
            },
            44..48 => (
                Method::POST,
                "/folders".into(),
                Some(json!({"name": format!("folder {n}"), "parent_id": pick(rng, &made.folders)})),
                Some(Kind::Folder),
            ),
            48..58 => match pick(rng, &made.notes) {
                Some(note) if roll >= 53 => (
                    Method::PATCH,
                    format!("/notes/{note}"),
                    Some(
                        json!({"content": format!("# Edit {n}\n\nmore *text* and a [link](https://example.com/{n})")}),
                    ),
                    None,
                ),
                _ => (
                    Method::POST,
                    "/notes".into(),
                    Some(json!({
                        "title": format!("note {n}"),
                        "content": format!("Some **markdown** number {n}"),
                        "folder_id": pick(rng, &made.folders),
                        "tags": ["idea"],
                    })),
                    Some(Kind::Note),
                ),
            },
            58..61 => (
                Method::POST,
                "/clients".into(),
                Some(json!({"name": format!("client {n}"), "company": "Acme"})),
                Some(Kind::Client),
            ),
            61..67 => match pick(rng, &made.projects) {
                Some(project) if roll >= 64 => {
                    let other = &self.actors[rng.random_range(0..self.actors.len())].id;
                    (
                        Method::POST,
                        format!("/projects/{project}/members"),
                        Some(json!({"user_id": other, "role": ROLES[rng.random_range(0..ROLES.len())]})),
                        None,
                    )
                }
                _ => (
                    Method::POST,
                    "/projects".into(),
                    Some(json!({
                        "name": format!("project {n}"),
                        "client_id": pick(rng, &made.clients),
                        "budget": format!("{}.{:02}", rng.random_range(0..10_000), rng.random_range(0..100)),
                    })),
                    Some(Kind::Project),
                ),
            },
            67..77 => match roll % 3 {
                0 => (
                    Method::POST,
                    "/pomodoro/start".into(),
                    Some(json!({"type": "work", "duration_minutes": 25, "task_id": pick(rng, &made.tasks)})),
                    None,
                ),
                1 => (Method::POST, "/pomodoro/complete".into(), None, None),
                _ => (Method::POST, "/pomodoro/cancel".into(), None, None),
            },
            77..83 => match pick(rng, &made.templates) {
                Some(template) if roll >= 81 => (
                    Method::POST,
                    format!("/schedule/templates/{template}/apply"),
                    Some(json!({"date": day(rng)})),
                    None,
                ),
                _ if roll >= 79 => (
                    Method::POST,
                    "/schedule/templates".into(),
                    Some(json!({"name": format!("template {n}"), "blocks": blocks()})),
                    Some(Kind::Template),
                ),
                _ => (
                    Method::POST,
                    "/schedule/daily".into(),
                    Some(json!({"date": day(rng), "blocks": blocks()})),
                    None,
                ),
            },
            83..94 => match pick(rng, &made.activities) {
                Some(activity) if roll >= 90 => (
                    Method::PATCH,
                    format!("/activities/{activity}"),
                    Some(json!({"mood_after": rng.random_range(1..=10), "energy_after": rng.random_range(1..=10)})),
                    None,
                ),
                _ if roll == 89 => (
                    Method::POST,
                    "/activities/goals".into(),
                    Some(json!({
                        "activity_type": ACTIVITY_TYPES[rng.random_range(0..ACTIVITY_TYPES.len())],
                        "target_frequency": "weekly",
                        "target_count": rng.random_range(1..5),
                    })),
                    Some(Kind::ActivityGoal),
                ),
                _ => (
                    Method::POST,
                    "/activities".into(),
                    Some(json!({
                        "type": ACTIVITY_TYPES[rng.random_range(0..ACTIVITY_TYPES.len())],
                        "name": format!("activity {n}"),
                        "date": day(rng),
                        "duration_minutes": rng.random_range(5..90),
                        "mood_before": rng.random_range(1..=10),
                        "energy_before": rng.random_range(1..=10),
                    })),
                    Some(Kind::Activity),
                ),
            },
            94..97 => (
                Method::PATCH,
                "/settings".into(),
                Some(json!({"theme": (["light", "dark", "system"][rng.random_range(0..3)])})),
                None,
            ),
            _ => match (pick(rng, &made.tasks), pick(rng, &made.activity_goals)) {
                (Some(task), _) if roll == 97 => (Method::DELETE, format!("/tasks/{task}"), None, None),
                (_, Some(goal)) if roll == 98 => (
                    Method::PATCH,
                    format!("/activities/goals/{goal}"),
                    Some(json!({"target_count": rng.random_range(1..7)})),
                    None,
                ),
                _ => (Method::GET, "/auth/me".into(), None, None),
            },
        };
        let token = self.actors[who].token.clone();
        let answer = self.send(method, &path, Some(&token), body).await;
        match (answer, keep) {
            (Ok(created), Some(kind)) => {
                let id = text(&created, "id")?;
                kind.list(&mut self.actors[who].made).push(id);
                Ok(())
            }
            (Ok(_), None) => Ok(()),
            (Err(WorkloadError::Failed { status, .. }), _) if status.is_client_error() => Ok(()),
            (Err(e), _) => Err(e),
        }
    }

    /// One request; its JSON answer when it succeeded (a 4xx counts as refused and comes
    /// back as `Failed`, like anything else that did not succeed).
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value, WorkloadError> {
        let path = format!("/api/v1{path}");
        let mut request = Request::builder().method(method.clone()).uri(&path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).map_err(|e| WorkloadError::Setup(e.to_string()))?;
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| WorkloadError::Setup(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| WorkloadError::Setup(e.to_string()))?
            .to_bytes();
        if status.is_success() {
            self.tally.accepted += 1;
            return Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null));
        }
        if status.is_client_error() {
            self.tally.refused += 1;
        }
        Err(WorkloadError::Failed {
            method,
            path,
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// What a create made, to act on later.
#[derive(Clone, Copy)]
enum Kind {
    Task,
    Board,
    Goal,
    Folder,
    Note,
    Client,
    Project,
    Activity,
    ActivityGoal,
    Template,
}

impl Kind {
    fn list(self, made: &mut Made) -> &mut Vec<String> {
        match self {
            Kind::Task => &mut made.tasks,
            Kind::Board => &mut made.boards,
            Kind::Goal => &mut made.goals,
            Kind::Folder => &mut made.folders,
            Kind::Note => &mut made.notes,
            Kind::Client => &mut made.clients,
            Kind::Project => &mut made.projects,
            Kind::Activity => &mut made.activities,
            Kind::ActivityGoal => &mut made.activity_goals,
            Kind::Template => &mut made.templates,
        }
    }
}

/// A change to one of the actor's tasks.
fn task_change(rng: &mut StdRng, task: &str, n: usize) -> (Method, String, Option<Value>, Option<Kind>) {
    match rng.random_range(0..10) {
        0..2 => (Method::POST, format!("/tasks/{task}/complete"), None, None),
        2 => (Method::POST, format!("/tasks/{task}/reopen"), None, None),
        3..6 => (
            Method::PATCH,
            format!("/tasks/{task}"),
            Some(json!({"status": TASK_STATUSES[rng.random_range(0..TASK_STATUSES.len())]})),
            None,
        ),
        _ => (
            Method::PATCH,
            format!("/tasks/{task}"),
            Some(json!({"title": format!("renamed {n}"), "priority": rng.random_range(0..=4)})),
            None,
        ),
    }
}

/// A day of March 2026.
fn day(rng: &mut StdRng) -> String {
    format!("2026-03-{:02}", rng.random_range(1..=31))
}

fn blocks() -> Value {
    json!([
        {"start": "09:00", "end": "11:00", "title": "Deep work", "kind": "focus"},
        {"start": "14:00", "end": "15:00", "title": "Email"},
    ])
}

fn text(value: &Value, field: &str) -> Result<String, WorkloadError> {
    value[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| WorkloadError::Setup(format!("no `{field}` in {value}")))
}
