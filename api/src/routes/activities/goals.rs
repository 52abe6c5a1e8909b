//! `/activities/goals`: how often the caller means to do an activity of a type, and how far
//! the current period (a day, an ISO week, a month, in the caller's time zone) has got.
//!
//! Progress is worked out on read, from the activities, at `?at=` (default now), so it is the
//! same whichever way the goal is read: list, one, or the answer to a change.
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_commands::{Conn, Executor, StoreError};
use joan_domain::activity::ActivityType;
use joan_domain::activity_goal::{
    ActivityGoalChanges, ActivityGoalCommand, Frequency, NewActivityGoal, TargetCount, TargetMinutes,
};
use joan_domain::values::ClockTime;
use joan_domain::values::Day;
use joan_domain::{ActivityGoalId, Timestamp};
use joan_projections::activity_goals::{self, ActivityGoalFilter, ActivityGoalRow, ActivityGoalView, ActivityGoals};
use joan_projections::table;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, FieldError, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page, etag, now,
};
use crate::http::fields::{Fields, Whole, present};
use crate::http::idempotency::Render;
use crate::http::resource::{AsOf, HistoryEntry, Resource, idempotent, respond};
use crate::http::state::AppState;
use crate::routes::activities::body::schemas as activity_schemas;

pub const ACTIVITY_GOALS: Resource = Resource::new("activity_goal", "/api/v1/activities/goals");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_goals, create_goal))
        .routes(routes!(get_goal, patch_goal, delete_goal))
        .routes(routes!(goal_history))
}

/// `POST /activities/goals`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivityGoal {
    /// The activities counted: those of this `type`.
    #[schema(schema_with = activity_schemas::activity_type)]
    pub activity_type: String,
    /// daily, weekly (default) or monthly.
    #[schema(schema_with = schemas::frequency_or_null)]
    pub target_frequency: Option<String>,
    /// Activities per period, 1 to 1,000. A goal has this, `target_duration_minutes`, or both.
    #[schema(schema_with = schemas::count_or_null)]
    pub target_count: Option<Whole>,
    /// Minutes per period, 1 to 100,000.
    #[schema(schema_with = schemas::minutes_or_null)]
    pub target_duration_minutes: Option<Whole>,
    /// `YYYY-MM-DD`; activities before it do not count.
    #[schema(schema_with = activity_schemas::date_or_null)]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before `start_date`; activities after it do not count.
    #[schema(schema_with = activity_schemas::date_or_null)]
    pub end_date: Option<String>,
    /// `HH:MM`.
    #[schema(schema_with = activity_schemas::time_or_null)]
    pub reminder_time: Option<String>,
    /// Default `true`.
    pub is_active: Option<bool>,
}

/// `PATCH /activities/goals/{id}`: absent fields stay; `null` clears the optional ones (a goal
/// keeps at least one target).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchActivityGoal {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = activity_schemas::activity_type)]
    pub activity_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::frequency)]
    pub target_frequency: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::count_or_null)]
    pub target_count: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes_or_null)]
    pub target_duration_minutes: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = activity_schemas::date_or_null)]
    pub start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = activity_schemas::date_or_null)]
    pub end_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = activity_schemas::time_or_null)]
    pub reminder_time: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub is_active: Option<Option<bool>>,
}

impl CreateActivityGoal {
    fn parse(&self, id: ActivityGoalId) -> Result<NewActivityGoal, Vec<FieldError>> {
        let mut f = Fields::default();
        let activity_type = f.check("activity_type", ActivityType::parse(&self.activity_type));
        let new = NewActivityGoal {
            id,
            activity_type: activity_type.unwrap_or_default(),
            target_frequency: f
                .opt("target_frequency", self.target_frequency.as_deref(), Frequency::parse)
                .unwrap_or_default(),
            target_count: f.opt("target_count", self.target_count.map(Whole::get), TargetCount::parse),
            target_duration_minutes: f.opt(
                "target_duration_minutes",
                self.target_duration_minutes.map(Whole::get),
                TargetMinutes::parse,
            ),
            start_date: f.opt("start_date", self.start_date.as_deref(), Day::parse),
            end_date: f.opt("end_date", self.end_date.as_deref(), Day::parse),
            reminder_time: f.opt("reminder_time", self.reminder_time.as_deref(), ClockTime::parse),
            is_active: self.is_active.unwrap_or(true),
        };
        f.finish(new)
    }
}

impl PatchActivityGoal {
    fn parse(self) -> Result<ActivityGoalChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = ActivityGoalChanges {
            activity_type: f.required("activity_type", self.activity_type, |t| ActivityType::parse(&t)),
            target_frequency: f.required("target_frequency", self.target_frequency, |t| Frequency::parse(&t)),
            target_count: f.nullable("target_count", Whole::patch(self.target_count), TargetCount::parse),
            target_duration_minutes: f.nullable(
                "target_duration_minutes",
                Whole::patch(self.target_duration_minutes),
                TargetMinutes::parse,
            ),
            start_date: f.nullable("start_date", self.start_date, |d| Day::parse(&d)),
            end_date: f.nullable("end_date", self.end_date, |d| Day::parse(&d)),
            reminder_time: f.nullable("reminder_time", self.reminder_time, |t| ClockTime::parse(&t)),
            is_active: f.required("is_active", self.is_active, Ok::<_, String>),
        };
        f.finish(changes)
    }
}

/// `?at=`: the instant whose period the progress is for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressAt {
    /// Progress in the period that holds this instant (RFC 3339); empty or absent means now.
    #[param(schema_with = crate::http::schema::instant_or_empty)]
    pub at: Option<String>,
}

impl ProgressAt {
    fn parse(&self) -> Result<Timestamp, ApiError> {
        match self.at.as_deref().map(str::trim) {
            None | Some("") => Ok(now()),
            Some(text) => Timestamp::parse(text).map_err(|_| ApiError::invalid("at", "must be an RFC 3339 timestamp")),
        }
    }
}

/// Filters of `GET /activities/goals`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalQuery {
    /// Only active (`true`) or inactive (`false`) goals.
    pub is_active: Option<bool>,
    /// Goals for this type of activity.
    #[param(schema_with = activity_schemas::activity_type)]
    pub activity_type: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// One goal with its progress at `at`, read through `ex` (the pool, or the append
/// transaction for an idempotent replay).
async fn view(
    ex: &mut impl Executor,
    user: &str,
    id: &str,
    at: Timestamp,
) -> Result<Option<ActivityGoalView>, sqlx::Error> {
    let Some(row) = table::get::<ActivityGoalRow>(ex, user, id).await? else {
        return Ok(None);
    };
    activity_goals::with_progress(ex, user, row, at).await.map(Some)
}

async fn read_view(state: &AppState, user: &str, id: &str, at: Timestamp) -> Result<ActivityGoalView, ApiError> {
    view(&mut state.core.store.db(), user, id, at)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

fn goal_response(status: StatusCode, location: Option<&str>, view: &ActivityGoalView) -> Response {
    respond(status, view.goal.version, location, view)
}

/// A new goal with its progress, from inside the append transaction, for idempotent replays.
struct RenderView {
    user: String,
    id: String,
    at: Timestamp,
}

#[async_trait]
impl Render for RenderView {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let view = view(conn, &self.user, &self.id, self.at).await?;
        let tag = view.as_ref().map(|v| etag(v.goal.version));
        Ok((serde_json::to_string(&view)?, tag))
    }
}

/// The caller's activity goals, newest first, each with its progress at `at`.
#[utoipa::path(get, path = "/activities/goals", tag = "activities", params(GoalQuery, ProgressAt),
    security(("bearer" = [])), responses((status = 200, body = [ActivityGoalView], headers(("x-total-count" = i64)))))]
async fn list_goals(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<GoalQuery>,
    ApiQuery(at): ApiQuery<ProgressAt>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let activity_type = f.opt("activity_type", query.activity_type.as_deref(), ActivityType::parse);
    let (limit, offset) = f.page(Page {
        limit: query.limit,
        offset: query.offset,
    });
    let at = match at.parse() {
        Ok(at) => at,
        Err(ApiError::Validation(errors)) => {
            f.errors.extend(errors);
            now()
        }
        Err(e) => return Err(e),
    };
    let filter = ActivityGoalFilter {
        active: query.is_active,
        activity_type: activity_type.map(String::from),
    };
    let filter = f.finish(filter).map_err(ApiError::Validation)?;
    let (goals, total) = activity_goals::list(state.core.store.db(), &user.to_string(), &filter, at, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    let page = serde_json::to_vec(&goals).map_err(ApiError::internal)?;
    Ok(crate::http::resource::respond_page(page, total))
}

/// Creates an activity goal.
#[utoipa::path(post, path = "/activities/goals", tag = "activities", request_body = CreateActivityGoal,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 201, body = ActivityGoalView)))]
async fn create_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateActivityGoal>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /activities/goals", &body, async |idem| {
        let id = ActivityGoalId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user, at) = (id.to_string(), caller.user.to_string(), caller.ctx.at);
        let location = ACTIVITY_GOALS.location(&id);
        let render = Box::new(RenderView {
            user: user.clone(),
            id: id.clone(),
            at,
        });
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .activity_goals
            .execute_new(&id, &caller.ctx, ActivityGoalCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let view = read_view(&state, &user, &id, at).await?;
        Ok(goal_response(StatusCode::CREATED, Some(&location), &view))
    })
    .await
}

/// One goal with its progress at `at`; or `as_of` an earlier instant, the goal as it was then
/// with its progress in that instant's period (counted from the activities as they are now).
#[utoipa::path(get, path = "/activities/goals/{id}", tag = "activities",
    params(("id" = Uuid, Path), AsOf, ProgressAt), security(("bearer" = [])),
    responses((status = 200, body = ActivityGoalView)))]
async fn get_goal(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
    ApiQuery(at): ApiQuery<ProgressAt>,
) -> Result<Response, ApiError> {
    let (_, id) = ACTIVITY_GOALS.id::<ActivityGoalId>(&id)?;
    let owner = user.to_string();
    if let Some(past) = as_of.parse()? {
        let row = ACTIVITY_GOALS.as_of::<ActivityGoals>(&state, user, &id, past).await?;
        let view = activity_goals::with_progress(&mut state.core.store.db(), &owner, row, past)
            .await
            .map_err(ApiError::internal)?;
        return Ok(goal_response(StatusCode::OK, None, &view));
    }
    let view = read_view(&state, &owner, &id, at.parse()?).await?;
    Ok(goal_response(StatusCode::OK, None, &view))
}

/// Changes some fields; the result keeps a target and its dates in order (422 otherwise).
#[utoipa::path(patch, path = "/activities/goals/{id}", tag = "activities", request_body = PatchActivityGoal,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = ActivityGoalView)))]
async fn patch_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchActivityGoal>,
) -> Result<Response, ApiError> {
    let (_, id) = ACTIVITY_GOALS.id::<ActivityGoalId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .activity_goals
        .execute(&id, &caller.ctx, ActivityGoalCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let view = read_view(&state, &caller.user.to_string(), &id, caller.ctx.at).await?;
    Ok(goal_response(StatusCode::OK, None, &view))
}

/// Deletes an activity goal (the activities stay); its history stays.
#[utoipa::path(delete, path = "/activities/goals/{id}", tag = "activities", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = ACTIVITY_GOALS.id::<ActivityGoalId>(&id)?;
    state
        .core
        .activity_goals
        .execute(&id, &caller.ctx, ActivityGoalCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The goal's events, oldest first.
#[utoipa::path(get, path = "/activities/goals/{id}/history", tag = "activities", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn goal_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = ACTIVITY_GOALS.id::<ActivityGoalId>(&id)?;
    Ok(axum::Json(ACTIVITY_GOALS.history(&state, user, &id).await?))
}

/// The schemas of the activity goal fields: the rules of `joan_domain::activity_goal`.
mod schemas {
    use joan_domain::activity_goal::{Frequency, TargetCount, TargetMinutes};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, nullable, one_of};

    pub fn frequency() -> Object {
        one_of(Frequency::WORDS).build()
    }

    pub fn frequency_or_null() -> Object {
        nullable(one_of(Frequency::WORDS))
    }

    pub fn count_or_null() -> Object {
        nullable(integer(1, TargetCount::MAX))
    }

    pub fn minutes_or_null() -> Object {
        nullable(integer(1, TargetMinutes::MAX))
    }
}
