//! `/ai/workflows/templates`: named lists of steps (`user_input`, `ai_process`, `api_call`),
//! checked once when made: every refused field is reported beside its step.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::WorkflowTemplateId;
use joan_domain::text::Description;
use joan_domain::workflow_template::{
    NewWorkflowTemplate, RawStep, WorkflowName, WorkflowTemplateCommand, parse_steps, steps::MAX_STEPS,
};
use joan_projections::table::{self, Listing};
use joan_projections::workflows::WorkflowTemplateRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, FieldError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, CurrentUser, IdempotencyHeaders, Page};
use crate::http::fields::Fields;
use crate::http::resource::{RenderRow, Resource, idempotent, read, respond, respond_page, respond_raw};
use crate::http::state::AppState;

pub const TEMPLATES: Resource = Resource::new("ai_workflow_template", "/api/v1/ai/workflows/templates");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template))
}

/// `POST /ai/workflows/templates`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkflowTemplate {
    /// 1 to 200 characters after trimming.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// 1 to 20 steps, run in order.
    #[schema(min_items = 1, max_items = 20)]
    pub steps: Vec<StepBody>,
}

/// One step. `type` decides which fields it takes: `user_input` {prompt, field};
/// `ai_process` {prompt, output_format, json_schema, system, model, temperature, max_tokens};
/// `api_call` {endpoint, data}. `{input.<field>}` and `{steps.<name>.output}` in a prompt are
/// replaced before it is sent; a reference names an earlier step.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// Unique in the template: 1 to 64 letters, digits, `_` or `-`.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub name: String,
    #[serde(rename = "type")]
    #[schema(value_type = String, pattern = "^(user_input|ai_process|api_call)$")]
    pub kind: String,
    pub prompt: Option<String>,
    /// `user_input`: the input field the answer fills.
    pub field: Option<String>,
    /// `ai_process`: `text` (default) or `json`.
    pub output_format: Option<String>,
    /// `ai_process` with `json`: the JSON Schema the answer must meet.
    #[schema(value_type = Option<Object>)]
    pub json_schema: Option<serde_json::Value>,
    pub system: Option<String>,
    pub model: Option<String>,
    #[schema(minimum = 0, maximum = 2)]
    pub temperature: Option<f64>,
    #[schema(minimum = 1, maximum = 100000)]
    pub max_tokens: Option<i64>,
    /// `api_call`: `/tasks/batch` or `/notes/batch`.
    pub endpoint: Option<String>,
    /// `api_call`: one `{steps.<name>.output}` of an earlier JSON step (a list).
    pub data: Option<String>,
}

impl From<StepBody> for RawStep {
    fn from(b: StepBody) -> Self {
        RawStep {
            name: Some(b.name),
            kind: Some(b.kind),
            prompt: b.prompt,
            field: b.field,
            output_format: b.output_format,
            json_schema: b.json_schema,
            system: b.system,
            model: b.model,
            temperature: b.temperature,
            max_tokens: b.max_tokens,
            endpoint: b.endpoint,
            data: b.data,
        }
    }
}

impl CreateWorkflowTemplate {
    fn parse(&self, id: WorkflowTemplateId) -> Result<NewWorkflowTemplate, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", WorkflowName::parse(&self.name));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let steps = if self.steps.len() > MAX_STEPS {
            f.push("steps", format!("must hold 1 to {MAX_STEPS} steps"));
            None
        } else {
            match parse_steps(self.steps.iter().cloned().map(RawStep::from).collect()) {
                Ok(steps) => Some(steps),
                Err(errors) => {
                    for e in errors {
                        f.push(&e.field, e.message);
                    }
                    None
                }
            }
        };
        let new = NewWorkflowTemplate {
            id,
            name: name.unwrap_or_default(),
            description,
            steps: steps.unwrap_or_default(),
        };
        f.finish(new)
    }
}

/// The caller's workflow templates, newest first.
#[utoipa::path(get, path = "/ai/workflows/templates", tag = "ai", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [WorkflowTemplateRow], headers(("x-total-count" = i64)))))]
async fn list_templates(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let user = user.to_string();
    let (page, total) = Listing::<WorkflowTemplateRow>::owned_by(&user)
        .page_json(state.core.store.db(), limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a template; each refused step field is a 422 entry named `steps[i].<field>`.
#[utoipa::path(post, path = "/ai/workflows/templates", tag = "ai", request_body = CreateWorkflowTemplate,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 201, body = WorkflowTemplateRow)))]
async fn create_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateWorkflowTemplate>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /ai/workflows/templates", &body, async |idem| {
        let id = WorkflowTemplateId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = TEMPLATES.location(&id);
        let render = RenderRow::<WorkflowTemplateRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .workflow_templates
            .execute_new(&id, &caller.ctx, WorkflowTemplateCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<WorkflowTemplateRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One template.
#[utoipa::path(get, path = "/ai/workflows/templates/{id}", tag = "ai", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = WorkflowTemplateRow)))]
async fn get_template(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, id) = TEMPLATES.id::<WorkflowTemplateId>(&id)?;
    let (body, version) = table::get_json::<WorkflowTemplateRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}
