//! `/pomodoro`: the caller's timer (start, complete, cancel, current), its sessions and its
//! settings, all kept in one stream per user (`joan_domain::pomodoro`): a second start while a
//! session runs is 409 `session_running`, decided by that stream's optimistic concurrency.
//!
//! A completed work session linked to a task adds its minutes to the task through the
//! `pomodoro_task_minutes` reactor (`joan_commands::reactor`); `complete` waits briefly for it,
//! so the task read right after already shows them.
use std::time::Duration;

use async_trait::async_trait;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use joan_commands::{CommandOutcome, Conn, StoreError};
use joan_domain::pomodoro::{Pomodoro, PomodoroCommand};
use joan_domain::{PomodoroId, PomodoroSessionId, TaskId, UserId};
use joan_projections::pomodoro::{self, PomodoroSessionRow};
use joan_projections::table;
use joan_projections::tasks::TaskRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{ApiJson, Caller, CurrentUser, IdempotencyHeaders, OptionalJson, etag, now};
use crate::http::idempotency::Render;
use crate::http::resource::{RenderRow, Resource, idempotent, read, respond};
use crate::http::state::AppState;
use crate::routes::tasks::access;

pub mod body;
mod sessions;
mod settings;

use body::{CancelSession, StartSession};

/// The users' pomodoro streams (one each, under the user's id).
pub const POMODORO: Resource = Resource::new(<Pomodoro as cqrs_es::Aggregate>::TYPE, "/api/v1/pomodoro");
/// Sessions, within those streams.
pub const SESSIONS: Resource = Resource::new(<Pomodoro as cqrs_es::Aggregate>::TYPE, "/api/v1/pomodoro/sessions");

/// How long `complete` waits for the minutes to reach the task before answering anyway.
const REACTION_WAIT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_session))
        .routes(routes!(complete_session))
        .routes(routes!(cancel_session))
        .routes(routes!(current))
        .merge(sessions::router())
        .merge(settings::router())
}

/// The id of `user`'s pomodoro stream.
fn stream_id(user: UserId) -> String {
    PomodoroId::of(user).to_string()
}

/// Whether `user` may work on the task: theirs, or in a project where their role edits tasks.
async fn can_work_on(state: &AppState, user: UserId, task: TaskId) -> Result<bool, ApiError> {
    let (task, owner) = (task.to_string(), user.to_string());
    let own = table::get::<TaskRow>(&mut state.core.store.db(), &owner, &task)
        .await
        .map_err(ApiError::internal)?;
    if own.is_some() {
        return Ok(true);
    }
    Ok(access::shared(state, user, &task)
        .await?
        .is_some_and(|s| s.grant.role.edits_tasks()))
}

/// Renders the caller's latest session from inside the append transaction (the one that
/// `complete` or `cancel` ended), for idempotent replays.
struct RenderLatest {
    user: String,
}

#[async_trait]
impl Render for RenderLatest {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let row = pomodoro::latest(conn, &self.user).await?;
        Ok((serde_json::to_string(&row)?, row.as_ref().map(|r| etag(r.version))))
    }
}

/// Ends the running session with `command`, answering with it.
async fn end_session(
    state: &AppState,
    caller: &Caller,
    route: &str,
    body: &impl Serialize,
    command: PomodoroCommand,
) -> Result<Response, ApiError> {
    idempotent(state, caller, route, body, async |idem| {
        let user = caller.user.to_string();
        let hook = idem.recorder(StatusCode::OK, None, Box::new(RenderLatest { user: user.clone() }));
        let outcome: CommandOutcome = state
            .core
            .pomodoro
            .execute(&stream_id(caller.user), &caller.ctx, command, None, hook)
            .await
            .map_err(from_command)?;
        let reactions = async {
            for reactor in &state.core.reactors {
                reactor.wait_for(outcome.last_position).await;
            }
        };
        if tokio::time::timeout(REACTION_WAIT, reactions).await.is_err() {
            tracing::warn!("the reactions to a completed session are late; answering without them");
        }
        let row = pomodoro::latest(&mut state.core.store.db(), &user)
            .await
            .map_err(ApiError::internal)?
            .ok_or(ApiError::NotFound)?;
        Ok(respond(StatusCode::OK, row.version, None, &row))
    })
    .await
}

/// Starts a session; 409 `session_running` while another runs.
#[utoipa::path(post, path = "/pomodoro/start", tag = "pomodoro", request_body = StartSession,
    security(("bearer" = [])), params(IdempotencyHeaders),
    responses((status = 201, body = PomodoroSessionRow), (status = 409, body = Problem)))]
async fn start_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<StartSession>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /pomodoro/start", &body, async |idem| {
        let id = PomodoroSessionId::generate();
        let parsed = body.parse(id);
        let task_ok = match body.task_id {
            Some(task) => can_work_on(&state, caller.user, task.into()).await?,
            None => true,
        };
        let task_error = || FieldError::new("task_id", "is not a task you can work on");
        let new = match (parsed, task_ok) {
            (Ok(new), true) => new,
            (Ok(_), false) => return Err(ApiError::Validation(vec![task_error()])),
            (Err(mut errors), ok) => {
                errors.extend((!ok).then(task_error));
                return Err(ApiError::Validation(errors));
            }
        };
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = SESSIONS.location(&id);
        let render = RenderRow::<PomodoroSessionRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .pomodoro
            .execute(
                &stream_id(caller.user),
                &caller.ctx,
                PomodoroCommand::Start(new),
                None,
                hook,
            )
            .await
            .map_err(from_command)?;
        let row = read::<PomodoroSessionRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// Completes the running session (409 `no_running_session` when none runs); a work session
/// linked to a task adds its minutes to the task.
#[utoipa::path(post, path = "/pomodoro/complete", tag = "pomodoro", security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 200, body = PomodoroSessionRow), (status = 409, body = Problem)))]
async fn complete_session(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    end_session(
        &state,
        &caller,
        "POST /pomodoro/complete",
        &(),
        PomodoroCommand::Complete,
    )
    .await
}

/// Cancels (interrupts) the running session, with an optional reason (409
/// `no_running_session` when none runs). The body may be left out.
#[utoipa::path(post, path = "/pomodoro/cancel", tag = "pomodoro", request_body = Option<CancelSession>,
    security(("bearer" = [])), params(IdempotencyHeaders),
    responses((status = 200, body = PomodoroSessionRow), (status = 409, body = Problem)))]
async fn cancel_session(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<CancelSession>,
) -> Result<Response, ApiError> {
    let body = body.unwrap_or_default();
    let reason = body.parse().map_err(ApiError::Validation)?;
    let command = PomodoroCommand::Cancel { reason };
    end_session(&state, &caller, "POST /pomodoro/cancel", &body, command).await
}

/// The running session, if any, with its time left, and what to start next.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentView {
    /// The running session, or null when none runs.
    pub session: Option<PomodoroSessionRow>,
    /// When the running session's time is up (null when none runs).
    pub ends_at: Option<String>,
    /// Whole seconds left, 0 once the time is up (null when none runs).
    pub remaining_seconds: Option<i64>,
    /// What to start next (after the running session, if one runs): work after a break,
    /// a short break after work, a long one after `sessions_until_long_break` work sessions.
    #[schema(schema_with = body::schemas::session_type)]
    pub next_type: &'static str,
    /// Work sessions completed since the last completed long break.
    pub work_sessions_since_long_break: i64,
    pub sessions_until_long_break: i64,
}

/// The running session with its remaining time (`session: null` when none runs), and the
/// suggested next session type.
#[utoipa::path(get, path = "/pomodoro/current", tag = "pomodoro", security(("bearer" = [])),
    responses((status = 200, body = CurrentView)))]
async fn current(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<CurrentView>, ApiError> {
    let (pomodoro, _) = state
        .core
        .pomodoro
        .load(&stream_id(user))
        .await
        .map_err(ApiError::store)?;
    let session = match &pomodoro.running {
        Some(running) => {
            table::get::<PomodoroSessionRow>(&mut state.core.store.db(), &user.to_string(), &running.id.to_string())
                .await
                .map_err(ApiError::internal)?
        }
        None => None,
    };
    let running = pomodoro.running.as_ref();
    let mut next = pomodoro.rhythm;
    if let Some(r) = running {
        next.completed(r.session_type);
    }
    Ok(axum::Json(CurrentView {
        session,
        ends_at: running.map(|r| r.ends_at().to_rfc3339()),
        remaining_seconds: running.map(|r| r.remaining_seconds(now())),
        next_type: next.suggest(pomodoro.settings.sessions_until_long_break).as_str(),
        work_sessions_since_long_break: i64::from(pomodoro.rhythm.work_since_long_break),
        sessions_until_long_break: i64::from(pomodoro.settings.sessions_until_long_break),
    }))
}
