//! `/schedule/templates`: named sets of blocks, one of them the caller's default, applied to a
//! day with `POST /schedule/templates/{id}/apply`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::TemplateId;
use joan_domain::schedule::{Block, Blocks};
use joan_domain::schedule_template::{NewTemplate, TemplateChanges, TemplateCommand, TemplateName};
use joan_domain::text::Description;
use joan_domain::values::Day;
use joan_projections::schedules::{self, ScheduleRow, TemplateRow, Templates};
use joan_projections::table;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::{Fields, present};
use crate::http::resource::{
    AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page, respond_raw,
};
use crate::http::state::AppState;
use crate::routes::schedule::blocks::{BlockBody, block_tasks, check_tasks, parse_blocks};
use crate::routes::schedule::daily;

pub const TEMPLATES: Resource = Resource::new("schedule_template", "/api/v1/schedule/templates");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, patch_template, delete_template))
        .routes(routes!(apply_template))
        .routes(routes!(template_history))
}

/// `POST /schedule/templates`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplate {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    #[schema(schema_with = schemas::description)]
    pub description: Option<String>,
    /// At most 96 blocks; each starts before it ends and none overlaps another.
    #[schema(max_items = 96)]
    pub blocks: Vec<BlockBody>,
    /// Make it the default (any other default stops being one). Default `false`.
    pub is_default: Option<bool>,
}

/// `PATCH /schedule/templates/{id}`: absent fields stay; `null` clears the description.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTemplate {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(max_items = 96, value_type = Vec<BlockBody>)]
    pub blocks: Option<Option<Vec<BlockBody>>>,
    /// `true` makes it the default (any other stops being one); `false` leaves no default.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub is_default: Option<Option<bool>>,
}

/// `POST /schedule/templates/{id}/apply`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The day to set, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    /// Replace the blocks of a day that has a schedule (else 409 `schedule_exists`).
    pub replace: Option<bool>,
}

impl CreateTemplate {
    fn parse(&self, id: TemplateId) -> Result<NewTemplate, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", TemplateName::parse(&self.name));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let blocks = parse_blocks(&mut f, &self.blocks);
        let new = NewTemplate {
            id,
            name: name.unwrap_or_default(),
            description,
            blocks: blocks.unwrap_or_default(),
            is_default: self.is_default.unwrap_or(false),
        };
        f.finish(new)
    }
}

impl PatchTemplate {
    /// The changes; `is_default` only when it differs from what the caller sees (`current`).
    fn parse(self, current: bool) -> Result<TemplateChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let blocks = match self.blocks {
            None => None,
            Some(None) => {
                f.push("blocks", "must not be null");
                None
            }
            Some(Some(raw)) => parse_blocks(&mut f, &raw),
        };
        let changes = TemplateChanges {
            name: f.required("name", self.name, |n| TemplateName::parse(&n)),
            description: f.nullable("description", self.description, |d| Description::parse(&d)),
            blocks,
            is_default: f
                .required("is_default", self.is_default, Ok::<_, String>)
                .filter(|wanted| *wanted != current),
        };
        f.finish(changes)
    }
}

/// The caller's templates, the default first, then newest first.
#[utoipa::path(get, path = "/schedule/templates", tag = "schedule", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [TemplateRow], headers(("x-total-count" = i64)))))]
async fn list_templates(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let (page, total) = schedules::list_templates_json(state.core.store.db(), &user.to_string(), limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a template; `is_default: true` makes it the only default.
#[utoipa::path(post, path = "/schedule/templates", tag = "schedule", request_body = CreateTemplate,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 201, body = TemplateRow)))]
async fn create_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTemplate>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /schedule/templates", &body, async |idem| {
        let id = TemplateId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        check_tasks(&state, caller.user, block_tasks(new.blocks.as_slice())).await?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = TEMPLATES.location(&id);
        let render = RenderRow::<TemplateRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .templates
            .execute_new(&id, &caller.ctx, TemplateCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<TemplateRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One template, now or `as_of` an earlier instant. A past state's `is_default` is the
/// template's own events' (made default, or cleared), not whether another took it since.
#[utoipa::path(get, path = "/schedule/templates/{id}", tag = "schedule", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = TemplateRow)))]
async fn get_template(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = TEMPLATES.id::<TemplateId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = TEMPLATES.as_of::<Templates>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<TemplateRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/schedule/templates/{id}", tag = "schedule", request_body = PatchTemplate,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = TemplateRow)))]
async fn patch_template(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchTemplate>,
) -> Result<Response, ApiError> {
    let (_, id) = TEMPLATES.id::<TemplateId>(&id)?;
    let user = caller.user.to_string();
    let current = read::<TemplateRow>(&state, &user, &id).await?;
    let changes = body.parse(current.is_default.0).map_err(ApiError::Validation)?;
    if let Some(blocks) = &changes.blocks {
        check_tasks(&state, caller.user, block_tasks(blocks.as_slice())).await?;
    }
    state
        .core
        .templates
        .execute(&id, &caller.ctx, TemplateCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<TemplateRow>(&state, &user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes a template (a default leaves the caller with none); the days set from it stay.
#[utoipa::path(delete, path = "/schedule/templates/{id}", tag = "schedule", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_template(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = TEMPLATES.id::<TemplateId>(&id)?;
    state
        .core
        .templates
        .execute(&id, &caller.ctx, TemplateCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Copies the template's blocks into the day: 201 with the new day, or, with `replace: true`,
/// 200 with the day's blocks replaced; a day that has a schedule is otherwise 409
/// `schedule_exists`.
#[utoipa::path(post, path = "/schedule/templates/{id}/apply", tag = "schedule", request_body = ApplyTemplate,
    security(("bearer" = [])), params(("id" = Uuid, Path), IdempotencyHeaders),
    responses((status = 200, body = ScheduleRow), (status = 201, body = ScheduleRow), (status = 409, body = Problem)))]
async fn apply_template(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApplyTemplate>,
) -> Result<Response, ApiError> {
    let (template, id) = TEMPLATES.id::<TemplateId>(&id)?;
    let row = read::<TemplateRow>(&state, &caller.user.to_string(), &id).await?;
    let date = Day::parse(&body.date).map_err(|e| ApiError::invalid("date", e))?;
    let blocks: Vec<Block> = row.blocks.decode().map_err(ApiError::internal)?;
    let blocks = Blocks::new(blocks).map_err(ApiError::internal)?;
    let route = format!("POST /schedule/templates/{id}/apply");
    let day = daily::DayBlocks {
        date,
        blocks,
        template: Some(template),
        replace: body.replace.unwrap_or(false),
    };
    daily::set(&state, &caller, &route, &body, day).await
}

/// The template's events, oldest first.
#[utoipa::path(get, path = "/schedule/templates/{id}/history", tag = "schedule", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn template_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = TEMPLATES.id::<TemplateId>(&id)?;
    Ok(axum::Json(TEMPLATES.history(&state, user, &id).await?))
}

/// The schemas of the template fields: the rules of `joan_domain::schedule_template`.
mod schemas {
    use joan_domain::schedule_template::TemplateName;
    use joan_domain::text::Description;
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{long_text, nullable, short_text};

    pub fn name() -> Object {
        short_text(TemplateName::MAX_CHARS).build()
    }

    pub fn description() -> Object {
        nullable(long_text(Description::MAX_CHARS))
    }
}
