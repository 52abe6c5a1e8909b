//! `/activities`: what the caller did, how long, and how they felt; and `/activities/goals`
//! ([`goals`]), how often they mean to.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::activity::{ActivityCommand, ActivityType};
use joan_domain::activity_goal::local_day;
use joan_domain::text::SearchText;
use joan_domain::values::Day;
use joan_domain::{ActivityId, GoalId, UserId};
use joan_projections::activities::{self, Activities, ActivityFilter, ActivityRow};
use joan_projections::activity_goals;
use joan_projections::goals::GoalRow;
use joan_projections::table;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{
    AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page, respond_raw,
};
use crate::http::state::AppState;

pub mod body;
pub mod goals;

use body::{CreateActivity, PatchActivity};

pub const ACTIVITIES: Resource = Resource::new("activity", "/api/v1/activities");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(get_activity, patch_activity, delete_activity))
        .routes(routes!(activity_history))
        .merge(goals::router())
}

/// A goal an activity serves must be one of the caller's: 422 on `goal_id` otherwise.
async fn check_goal(state: &AppState, user: UserId, goal: Option<GoalId>) -> Result<(), ApiError> {
    let Some(goal) = goal else { return Ok(()) };
    match read::<GoalRow>(state, &user.to_string(), &goal.to_string()).await {
        Err(ApiError::NotFound) => Err(ApiError::invalid("goal_id", "is not one of your goals")),
        other => other.map(drop),
    }
}

/// Filters of `GET /activities`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// Activities on this day or later, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Activities on this day or earlier.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Activities of this type.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = body::schemas::activity_type)]
    pub activity_type: Option<String>,
    /// Activities with this tag.
    #[param(schema_with = crate::http::schema::tag_filter)]
    pub tag: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl ActivityQuery {
    fn parse(self) -> Result<(ActivityFilter, i64, i64), ApiError> {
        let mut f = Fields::default();
        let from = f.opt("from", self.from.as_deref(), Day::parse);
        let to = f.opt("to", self.to.as_deref(), Day::parse);
        let activity_type = f.opt("type", self.activity_type.as_deref(), ActivityType::parse);
        let tag = f.opt("tag", self.tag.as_deref(), SearchText::tag);
        let (limit, offset) = f.page(Page {
            limit: self.limit,
            offset: self.offset,
        });
        let filter = ActivityFilter {
            from: from.map(String::from),
            to: to.map(String::from),
            activity_type: activity_type.map(String::from),
            tag: tag.map(String::from),
        };
        f.finish((filter, limit, offset)).map_err(ApiError::Validation)
    }
}

/// The caller's activities, latest day first; `from`/`to` bound the days (both included).
#[utoipa::path(get, path = "/activities", tag = "activities", params(ActivityQuery), security(("bearer" = [])),
    responses((status = 200, body = [ActivityRow], headers(("x-total-count" = i64)))))]
async fn list_activities(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Response, ApiError> {
    let (filter, limit, offset) = query.parse()?;
    let (page, total) = activities::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Records an activity.
#[utoipa::path(post, path = "/activities", tag = "activities", request_body = CreateActivity,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 201, body = ActivityRow)))]
async fn create_activity(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateActivity>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /activities", &body, async |idem| {
        let id = ActivityId::generate();
        let mut new = body.parse(id).map_err(ApiError::Validation)?;
        check_goal(&state, caller.user, new.goal_id).await?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        if new.date.is_none() {
            // Today, as the user's own calendar (their settings' time zone) has it.
            let zone = activity_goals::timezone(&mut state.core.store.db(), &user)
                .await
                .map_err(ApiError::internal)?;
            new.date = Some(Day::from(local_day(caller.ctx.at, &zone)));
        }
        let location = ACTIVITIES.location(&id);
        let render = RenderRow::<ActivityRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .activities
            .execute_new(&id, &caller.ctx, ActivityCommand::Record(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<ActivityRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One activity, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ActivityRow)))]
async fn get_activity(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = ACTIVITIES.id::<ActivityId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = ACTIVITIES.as_of::<Activities>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<ActivityRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/activities/{id}", tag = "activities", request_body = PatchActivity,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = ActivityRow)))]
async fn patch_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchActivity>,
) -> Result<Response, ApiError> {
    let (_, id) = ACTIVITIES.id::<ActivityId>(&id)?;
    let user = caller.user.to_string();
    let changes = body.parse().map_err(ApiError::Validation)?;
    if let Some(goal) = changes.goal_id {
        // Yours first (a stranger learns nothing of the goal check), then the goal.
        read::<ActivityRow>(&state, &user, &id).await?;
        check_goal(&state, caller.user, goal).await?;
    }
    state
        .core
        .activities
        .execute(&id, &caller.ctx, ActivityCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<ActivityRow>(&state, &user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes an activity; its history stays.
#[utoipa::path(delete, path = "/activities/{id}", tag = "activities", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = ACTIVITIES.id::<ActivityId>(&id)?;
    state
        .core
        .activities
        .execute(&id, &caller.ctx, ActivityCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The activity's events, oldest first.
#[utoipa::path(get, path = "/activities/{id}/history", tag = "activities", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn activity_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = ACTIVITIES.id::<ActivityId>(&id)?;
    Ok(axum::Json(ACTIVITIES.history(&state, user, &id).await?))
}
