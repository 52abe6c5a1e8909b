//! `/schedule/daily`: one schedule per user and day, addressed by its date. The stream id is
//! derived from the user and the date (`ScheduleId::of`), so another user's day can never be
//! named: their dates are the caller's own, and an empty day is a 404.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_commands::CommandError;
use joan_domain::schedule::{Blocks, ScheduleCommand, ScheduleError};
use joan_domain::values::Day;
use joan_domain::{ScheduleId, TemplateId, UserId};
use joan_projections::schedules::{ScheduleRow, Schedules};
use joan_projections::table;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_raw};
use crate::http::state::AppState;
use crate::routes::schedule::blocks::{BlockBody, PatchBlock, block_tasks, check_tasks, field_errors, parse_blocks};

pub const DAYS: Resource = Resource::new("schedule", "/api/v1/schedule/daily");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_day))
        .routes(routes!(get_day, delete_day))
        .routes(routes!(patch_block))
        .routes(routes!(day_history))
}

/// `POST /schedule/daily`: the day's blocks, all of them.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetDay {
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    /// At most 96 blocks; each starts before it ends and none overlaps another.
    #[schema(max_items = 96)]
    pub blocks: Vec<BlockBody>,
}

/// The day's stream id from a date in a path; a text that is no date names no day (404).
fn day_id(user: UserId, date: &str) -> Result<(Day, String), ApiError> {
    let day = Day::parse(date).map_err(|_| ApiError::NotFound)?;
    let id = ScheduleId::of(user, date).to_string();
    Ok((day, id))
}

/// The blocks a day is to have, and where they came from.
pub struct DayBlocks {
    pub date: Day,
    pub blocks: Blocks,
    pub template: Option<TemplateId>,
    /// Replace the blocks of a day that has a schedule (else 409 `schedule_exists`).
    pub replace: bool,
}

/// Sets `date`'s blocks as the caller: 201 when the day had no schedule, 200 when it had one
/// (and `replace`; else 409 `schedule_exists`). For `POST /schedule/daily` and a template's
/// `apply`.
pub async fn set(
    state: &AppState,
    caller: &Caller,
    route: &str,
    body: &impl Serialize,
    day: DayBlocks,
) -> Result<Response, ApiError> {
    let DayBlocks {
        date,
        blocks,
        template,
        replace,
    } = day;
    let user = caller.user.to_string();
    let id = ScheduleId::of(caller.user, &String::from(date.clone())).to_string();
    idempotent(state, caller, route, body, async |idem| {
        let (existed, _) = state.core.schedules.load(&id).await.map_err(ApiError::store)?;
        let (status, location) = if existed.is_live() {
            (StatusCode::OK, None)
        } else {
            (StatusCode::CREATED, Some(DAYS.location(&String::from(date.clone()))))
        };
        let hook = idem.recorder(status, location.clone(), RenderRow::<ScheduleRow>::new(&user, &id));
        let command = ScheduleCommand::Set {
            date,
            blocks,
            template,
            replace,
        };
        state
            .core
            .schedules
            .execute(&id, &caller.ctx, command, None, hook)
            .await
            .map_err(from_command)?;
        let row = read::<ScheduleRow>(state, &user, &id).await?;
        Ok(respond(status, row.version, location.as_deref(), &row))
    })
    .await
}

/// Sets the day's blocks, creating the day (201) or replacing all its blocks (200).
#[utoipa::path(post, path = "/schedule/daily", tag = "schedule", request_body = SetDay, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 200, body = ScheduleRow), (status = 201, body = ScheduleRow)))]
async fn set_day(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SetDay>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let date = f.check("date", Day::parse(&body.date));
    let blocks = parse_blocks(&mut f, &body.blocks);
    let (date, blocks) = f.finish((date, blocks)).map_err(ApiError::Validation)?;
    let (Some(date), Some(blocks)) = (date, blocks) else {
        return Err(ApiError::invalid("blocks", "are invalid"));
    };
    check_tasks(&state, caller.user, block_tasks(blocks.as_slice())).await?;
    let day = DayBlocks {
        date,
        blocks,
        template: None,
        replace: true,
    };
    set(&state, &caller, "POST /schedule/daily", &body, day).await
}

/// The caller's day, now or `as_of` an earlier instant; 404 when it has no schedule.
#[utoipa::path(get, path = "/schedule/daily/{date}", tag = "schedule",
    params(("date" = String, Path, format = Date, description = "`YYYY-MM-DD`"), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ScheduleRow)))]
async fn get_day(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(date): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = day_id(user, &date)?;
    if let Some(at) = as_of.parse()? {
        let row = DAYS.as_of::<Schedules>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<ScheduleRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes the block at `index` (from 0, in the order the blocks were given); 404 when the
/// day has no block there, 422 naming the blocks it would overlap.
#[utoipa::path(patch, path = "/schedule/daily/{date}/blocks/{index}", tag = "schedule", request_body = PatchBlock,
    security(("bearer" = [])),
    params(("date" = String, Path, format = Date, description = "`YYYY-MM-DD`"),
        ("index" = u32, Path, maximum = 95, description = "The block's place, from 0"), ConditionalHeaders),
    responses((status = 200, body = ScheduleRow)))]
async fn patch_block(
    State(state): State<AppState>,
    caller: Caller,
    Path((date, index)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchBlock>,
) -> Result<Response, ApiError> {
    let (_, id) = day_id(caller.user, &date)?;
    let index: usize = index.parse().map_err(|_| ApiError::NotFound)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    if let Some(Some(task)) = changes.task_id {
        check_tasks(&state, caller.user, [("task_id".to_string(), task)]).await?;
    }
    state
        .core
        .schedules
        .execute(
            &id,
            &caller.ctx,
            ScheduleCommand::ChangeBlock { index, changes },
            expected,
            None,
        )
        .await
        .map_err(|e| match e {
            CommandError::Domain(ScheduleError::Blocks(e)) => ApiError::Validation(field_errors(e)),
            other => from_command(other),
        })?;
    let row = read::<ScheduleRow>(&state, &caller.user.to_string(), &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes the day's schedule (its history stays); the day may be set again.
#[utoipa::path(delete, path = "/schedule/daily/{date}", tag = "schedule", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, description = "`YYYY-MM-DD`"), ConditionalHeaders),
    responses((status = 204)))]
async fn delete_day(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = day_id(caller.user, &date)?;
    state
        .core
        .schedules
        .execute(&id, &caller.ctx, ScheduleCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The day's events, oldest first (every time it was set, changed or deleted).
#[utoipa::path(get, path = "/schedule/daily/{date}/history", tag = "schedule",
    params(("date" = String, Path, format = Date, description = "`YYYY-MM-DD`")),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn day_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(date): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = day_id(user, &date)?;
    Ok(axum::Json(DAYS.history(&state, user, &id).await?))
}
