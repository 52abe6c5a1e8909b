//! `/ai/workflows/executions`: runs of a template. A start answers 202 at once; the steps then
//! run in the background (the workflow process manager and the step queue), and the
//! execution's view shows each step's status, output, provider, usage and error.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_commands::CommandError;
use joan_domain::workflow_execution::{ExecutionCommand, ExecutionError, NewExecution};
use joan_domain::workflow_template::StepSpec;
use joan_domain::{UserId, WorkflowExecutionId, WorkflowTemplateId};
use joan_projections::fold::Fold;
use joan_projections::workflow_steps;
use joan_projections::workflows::{ExecutionRow, Executions, StepRow, WorkflowTemplateRow, steps_of};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, CurrentUser, IdempotencyHeaders};
use crate::http::resource::{AsOf, HistoryEntry, Resource, idempotent, read, respond, until};
use crate::http::state::AppState;

pub const EXECUTIONS: Resource = Resource::new("ai_workflow_execution", "/api/v1/ai/workflows/executions");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_execution))
        .routes(routes!(get_execution))
        .routes(routes!(give_input))
        .routes(routes!(cancel_execution))
        .routes(routes!(execution_history))
}

/// `POST /ai/workflows/executions`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartExecution {
    /// One of the caller's workflow templates.
    pub template_id: Uuid,
    /// Input fields (`{input.<field>}`); a `user_input` step whose field is here is answered.
    #[schema(value_type = Option<Object>)]
    pub input: Option<Map<String, Value>>,
}

/// An execution and its steps, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExecutionView {
    #[serde(flatten)]
    pub execution: ExecutionRow,
    pub steps: Vec<StepRow>,
}

/// The caller's execution with its steps, or 404.
async fn view(state: &AppState, user: UserId, id: &str) -> Result<ExecutionView, ApiError> {
    let user = user.to_string();
    let execution = read::<ExecutionRow>(state, &user, id).await?;
    let steps = steps_of(state.core.store.db(), &user, id)
        .await
        .map_err(ApiError::internal)?;
    Ok(ExecutionView { execution, steps })
}

/// A refused execution command; a missing input names its field.
pub fn refused(error: CommandError<ExecutionError>, prefix: &str) -> ApiError {
    match error {
        CommandError::Domain(ExecutionError::MissingInput(field)) => {
            ApiError::invalid(format!("{prefix}{field}"), "is required")
        }
        other => from_command(other),
    }
}

/// Starts the template over `input`: 202 with the execution (its id, `Location`); the steps
/// run in the background (`GET .../{id}` shows them).
#[utoipa::path(post, path = "/ai/workflows/executions", tag = "ai", request_body = StartExecution,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 202, body = ExecutionRow)))]
async fn start_execution(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<StartExecution>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /ai/workflows/executions", &body, async |idem| {
        let user = caller.user.to_string();
        let template = read::<WorkflowTemplateRow>(&state, &user, &WorkflowTemplateId(body.template_id).to_string())
            .await
            .map_err(|e| match e {
                ApiError::NotFound => ApiError::invalid("template_id", "is not one of your workflow templates"),
                other => other,
            })?;
        let steps: Vec<StepSpec> = template.steps.decode().map_err(ApiError::internal)?;
        let id = WorkflowExecutionId::generate();
        let new = NewExecution {
            id,
            template_id: WorkflowTemplateId(body.template_id),
            template_name: template.name,
            steps,
            input: body.input.clone().unwrap_or_default(),
            ceremony: None,
        };
        let id = id.to_string();
        let location = EXECUTIONS.location(&id);
        let hook = idem.recorder(
            StatusCode::ACCEPTED,
            Some(location.clone()),
            crate::http::resource::RenderRow::<ExecutionRow>::new(&user, &id),
        );
        state
            .core
            .executions
            .execute_new(&id, &caller.ctx, ExecutionCommand::Start(new), hook)
            .await
            .map_err(|e| refused(e, "input."))?;
        let row = read::<ExecutionRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::ACCEPTED, row.version, Some(&location), &row))
    })
    .await
}

/// The execution: `status` (running, waiting_input, completed, failed, cancelled) and each
/// step's status, output, provider, model, tokens, latency and error; now, or `as_of` an
/// earlier instant (the execution and its steps as they were).
#[utoipa::path(get, path = "/ai/workflows/executions/{id}", tag = "ai", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ExecutionView)))]
async fn get_execution(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = EXECUTIONS.id::<WorkflowExecutionId>(&id)?;
    let view = match as_of.parse()? {
        Some(at) => {
            let events = until(EXECUTIONS.stream(&state, user, &id).await?, at);
            let execution = Executions::replay(&events)
                .map_err(ApiError::internal)?
                .ok_or(ApiError::NotFound)?;
            let steps = workflow_steps::replay(&events).map_err(ApiError::internal)?;
            ExecutionView { execution, steps }
        }
        None => view(&state, user, &id).await?,
    };
    Ok(respond(StatusCode::OK, view.execution.version, None, &view))
}

/// Answers the `user_input` step waiting: the body holds field values (its field at least).
/// 409 `not_waiting_input` when no step waits.
#[utoipa::path(post, path = "/ai/workflows/executions/{id}/input", tag = "ai", params(("id" = Uuid, Path)),
    request_body(content = std::collections::HashMap<String, serde_json::Value>, description = "field values: {\"<field>\": value}"),
    security(("bearer" = [])), responses((status = 200, body = ExecutionView), (status = 409, body = Problem)))]
async fn give_input(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(values): ApiJson<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let (_, id) = EXECUTIONS.id::<WorkflowExecutionId>(&id)?;
    read::<ExecutionRow>(&state, &caller.user.to_string(), &id).await?;
    state
        .core
        .executions
        .execute(&id, &caller.ctx, ExecutionCommand::GiveInput(values), None, None)
        .await
        .map_err(|e| refused(e, ""))?;
    let view = view(&state, caller.user, &id).await?;
    Ok(respond(StatusCode::OK, view.execution.version, None, &view))
}

/// Cancels a running or waiting execution (a second cancel changes nothing); a late result
/// is then ignored. 409 `execution_finished` once completed or failed.
#[utoipa::path(post, path = "/ai/workflows/executions/{id}/cancel", tag = "ai", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ExecutionView), (status = 409, body = Problem)))]
async fn cancel_execution(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, id) = EXECUTIONS.id::<WorkflowExecutionId>(&id)?;
    read::<ExecutionRow>(&state, &caller.user.to_string(), &id).await?;
    state
        .core
        .executions
        .execute(&id, &caller.ctx, ExecutionCommand::Cancel, None, None)
        .await
        .map_err(|e| refused(e, ""))?;
    let view = view(&state, caller.user, &id).await?;
    Ok(respond(StatusCode::OK, view.execution.version, None, &view))
}

/// The execution's events, oldest first.
#[utoipa::path(get, path = "/ai/workflows/executions/{id}/history", tag = "ai", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn execution_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = EXECUTIONS.id::<WorkflowExecutionId>(&id)?;
    Ok(axum::Json(EXECUTIONS.history(&state, user, &id).await?))
}
