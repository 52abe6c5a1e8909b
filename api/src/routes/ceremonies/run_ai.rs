//! `POST /ceremonies/sessions/{id}/ai` `{component_id}`: a session's AI step, run as a workflow
//! execution (so on the same queue, workers and providers as every other, over NATS when it is
//! configured). The execution's input is what the session's earlier steps recorded; its steps
//! are the component's `ai_process` (`ai`) and, when the session's next step reviews tasks that
//! it then creates (a `task_review` whose `config.creates` is `tasks`), a `user_input` step
//! `review` (the kept tasks, answered at `POST /ai/workflows/executions/{id}/input`
//! `{"tasks": [...]}`) and an `api_call` creating them, with ids derived from the execution:
//! never twice. When it ends, the session records the outcome
//! ([`crate::ai::workflows::ceremony`]).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use joan_commands::CommandError;
use joan_commands::service::fold;
use joan_domain::ceremony::ComponentKind;
use joan_domain::ceremony::session::{CeremonySession, SessionStatus};
use joan_domain::workflow_execution::{CeremonyStep, ExecutionCommand, NewExecution};
use joan_domain::workflow_template::{Endpoint, OutputFormat, StepSpec};
use joan_domain::{CeremonyComponentId, CeremonySessionId, WorkflowExecutionId, WorkflowTemplateId};
use joan_projections::ceremony_templates::{self, ComponentRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::ai::{StepSettings, ai_step_started};
use super::sessions::SESSIONS;
use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{ApiJson, Caller};
use crate::http::state::AppState;

/// `POST /ceremonies/sessions/{id}/ai`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunAiStep {
    /// The session's AI step (an `ai_processor` component of its template).
    pub component_id: Uuid,
}

/// The execution running the step: follow it at `GET /ai/workflows/executions/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AiStepRun {
    pub execution_id: Uuid,
}

/// Ids of executions of sessions' AI steps: the first run of a step, then each rerun after
/// the last one ended (so two racing requests start one execution, not two).
const NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_6365_7265_6d6f_6e79_0000_0001);

/// Runs the session's AI step `component_id` over what its earlier steps recorded. 202 with
/// the execution (the same one while it runs); the session shows the answer when it ends.
#[utoipa::path(post, path = "/ceremonies/sessions/{id}/ai", tag = "ceremonies", request_body = RunAiStep,
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 202, body = AiStepRun), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn run_ai_step(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RunAiStep>,
) -> Result<Response, ApiError> {
    let (session_key, session_id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    let (session, _) = fold::<CeremonySession>(&SESSIONS.stream(&state, caller.user, &session_id).await?)
        .map_err(ApiError::internal)?;
    if session.status != SessionStatus::InProgress {
        return Err(ApiError::Conflict {
            code: "session_ended",
            detail: "the session has ended".into(),
        });
    }
    let component_id = CeremonyComponentId(body.component_id);
    let is_ai_step = session
        .steps
        .iter()
        .any(|s| s.component_id == component_id && s.kind == ComponentKind::AiProcessor);
    let component = match ceremony_templates::component(&mut state.core.store.db(), &component_id.to_string())
        .await
        .map_err(ApiError::internal)?
    {
        Some(c) if is_ai_step => c,
        _ => return Err(ApiError::invalid("component_id", "is not an AI step of this session")),
    };
    let execution = match session.ai.get(&component_id) {
        Some(run) if !run.finished => {
            return Ok(accepted(run.execution_id));
        }
        Some(run) => Uuid::new_v5(
            &NAMESPACE,
            format!("{session_id}:{component_id}:{}", run.execution_id).as_bytes(),
        ),
        None => Uuid::new_v5(&NAMESPACE, format!("{session_id}:{component_id}").as_bytes()),
    };
    let next = session
        .steps
        .iter()
        .skip_while(|s| s.component_id != component_id)
        .nth(1)
        .filter(|s| s.kind == ComponentKind::TaskReview);
    let review = match next {
        Some(s) => ceremony_templates::component(&mut state.core.store.db(), &s.component_id.to_string())
            .await
            .map_err(ApiError::internal)?,
        None => None,
    };
    let new = NewExecution {
        id: WorkflowExecutionId(execution),
        template_id: WorkflowTemplateId(component_id.uuid()),
        template_name: component.name.clone(),
        steps: steps(&component, review.as_ref())?,
        input: session.workflow_input(),
        ceremony: Some(CeremonyStep {
            session_id: session_key.uuid(),
            component_id: component_id.uuid(),
        }),
    };
    let started = state
        .core
        .executions
        .execute_new(&execution.to_string(), &caller.ctx, ExecutionCommand::Start(new), None)
        .await;
    match started {
        // A racing request started it first: the same execution.
        Ok(_) | Err(CommandError::Conflict) => {}
        Err(e) => return Err(crate::routes::workflows::executions::refused(e, "input.")),
    }
    ai_step_started(
        &state.core,
        caller.user,
        session_key,
        component_id,
        execution,
        caller.ctx.at,
    )
    .await
    .map_err(from_command)?;
    Ok(accepted(execution))
}

fn accepted(execution_id: Uuid) -> Response {
    (StatusCode::ACCEPTED, axum::Json(AiStepRun { execution_id })).into_response()
}

/// The component as workflow steps: its prompt as one `ai_process` step named `ai` (JSON when
/// it declares an output); then, when `review` creates the tasks it keeps, the review as a
/// `user_input` step and the `api_call` creating what it kept.
fn steps(component: &ComponentRow, review: Option<&ComponentRow>) -> Result<Vec<StepSpec>, ApiError> {
    let settings = StepSettings::of(component)?;
    let json = settings.output_format.as_deref() == Some("json") || settings.output_schema.is_some();
    let mut steps = vec![StepSpec::AiProcess {
        name: "ai".into(),
        prompt: settings.prompt_template.clone(),
        output_format: if json { OutputFormat::Json } else { OutputFormat::Text },
        json_schema: settings.output_schema.clone(),
        system: None,
        model: settings.model_override.clone(),
        temperature: settings.temperature_override.map(|t| t as f32),
        max_tokens: settings.max_tokens_override.and_then(|m| u32::try_from(m).ok()),
    }];
    if let Some(review) = review {
        let config: serde_json::Value = review.config.decode().map_err(ApiError::internal)?;
        if config["creates"] == "tasks" {
            steps.push(StepSpec::UserInput {
                name: "review".into(),
                prompt: review.description.clone(),
                field: "tasks".into(),
            });
            steps.push(StepSpec::ApiCall {
                name: "create".into(),
                endpoint: Endpoint::TasksBatch,
                data: "{steps.review.output}".into(),
            });
        }
    }
    Ok(steps)
}
