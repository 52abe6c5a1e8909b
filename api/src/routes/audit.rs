//! `GET /audit`: the caller's timeline, newest first: what they did, and what anyone did in
//! the projects they are members of now (the project and its tasks), each event with a
//! readable change ([`Change`]). Paged by position (`before`), filtered by entity, event type
//! and time.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use cqrs_es::Aggregate;
use joan_commands::{Arg, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::project::Project;
use joan_domain::task::Task;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, CurrentUser};
use crate::http::fields::Fields;
use crate::http::state::AppState;
use crate::live::change::Change;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit))
}

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// Filters of `GET /audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events of this kind of entity (`task`, `note`, `project`...).
    #[param(pattern = "^[a-z_]{1,40}$")]
    pub entity_type: Option<String>,
    /// Events of this entity.
    #[param(format = Uuid)]
    pub entity_id: Option<String>,
    /// Events of this type (`TaskTitleChanged`...).
    #[serde(rename = "type")]
    #[param(rename = "type", pattern = "^[A-Za-z]{1,80}$")]
    pub event_type: Option<String>,
    /// Events at or after this instant (RFC 3339).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Events before this instant.
    #[param(format = DateTime)]
    pub until: Option<String>,
    /// Events before this position (the previous page's `next_before`).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// Events to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A page of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub events: Vec<Change>,
    /// `before` of the next page; absent on the last.
    pub next_before: Option<i64>,
}

struct Filter {
    entity_type: Option<String>,
    entity_id: Option<String>,
    event_type: Option<String>,
    since: Option<String>,
    until: Option<String>,
    before: i64,
    limit: i64,
}

impl AuditQuery {
    fn parse(self) -> Result<Filter, ApiError> {
        let mut f = Fields::default();
        let word = |max: usize, ok: fn(char) -> bool| {
            move |s: String| {
                if !s.is_empty() && s.len() <= max && s.chars().all(ok) {
                    Ok(s)
                } else {
                    Err(format!("must be 1 to {max} of [a-z_A-Z]"))
                }
            }
        };
        let entity_type = f.opt(
            "entity_type",
            self.entity_type,
            word(40, |c| c.is_ascii_lowercase() || c == '_'),
        );
        let entity_id = f.opt("entity_id", self.entity_id, |s| {
            uuid::Uuid::parse_str(&s)
                .map(|u| u.to_string())
                .map_err(|_| "must be a UUID")
        });
        let event_type = f.opt("type", self.event_type, word(80, |c| c.is_ascii_alphabetic()));
        let instant = |s: String| {
            Timestamp::parse(&s)
                .map(Timestamp::to_rfc3339)
                .map_err(|_| "must be an RFC 3339 timestamp")
        };
        let since = f.opt("since", self.since, instant);
        let until = f.opt("until", self.until, instant);
        let before = f.opt("before", self.before, |b| {
            if b >= 1 { Ok(b) } else { Err("must be at least 1") }
        });
        let limit = f.opt("limit", self.limit, |l| {
            if (1..=MAX_LIMIT).contains(&l) {
                Ok(l)
            } else {
                Err(format!("must be from 1 to {MAX_LIMIT}"))
            }
        });
        let filter = Filter {
            entity_type,
            entity_id,
            event_type,
            since,
            until,
            before: before.unwrap_or(i64::MAX),
            limit: limit.unwrap_or(DEFAULT_LIMIT),
        };
        f.finish(filter).map_err(ApiError::Validation)
    }
}

/// The caller's events, newest first: their own doings, and everything in the projects they
/// are a member of now. `next_before` pages back in time.
#[utoipa::path(get, path = "/audit", tag = "history", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage)))]
async fn audit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = query.parse()?;
    let user = user.to_string();
    let (sql, args) = statement(&user, &filter);
    let events: Vec<StoredEvent> = state
        .core
        .store
        .db()
        .fetch_all(&sql, &args)
        .await
        .map_err(ApiError::internal)?;
    let full = i64::try_from(events.len()).is_ok_and(|n| n >= filter.limit);
    let next_before = full.then(|| events.last().map(|e| e.position)).flatten();
    let events = events.iter().map(Change::from).collect();
    Ok(Json(AuditPage { events, next_before }).into_response())
}

/// Three arms, each newest first and cut at the limit on its own index (the actor's, and
/// the streams of the caller's projects and of those projects' tasks), merged and cut again.
fn statement<'a>(user: &'a str, f: &'a Filter) -> (String, Vec<Arg<'a>>) {
    let mut args: Vec<Arg<'a>> = vec![user.into(), f.before.into(), f.limit.into()];
    let mut filters = String::new();
    let mut add = |column: &str, op: &str, value: &'a Option<String>| {
        if let Some(v) = value {
            args.push(v.as_str().into());
            filters.push_str(&format!(" and {column} {op} ${}", args.len()));
        }
    };
    add("aggregate_type", "=", &f.entity_type);
    add("aggregate_id", "=", &f.entity_id);
    add("event_type", "=", &f.event_type);
    add("recorded_at", ">=", &f.since);
    add("recorded_at", "<", &f.until);
    let arm = |scope: &str| {
        format!(
            "select * from ({} where {scope} and position < $2{filters} order by position desc limit $3) as arm",
            joan_commands::select_events!()
        )
    };
    let projects = "select project_id from project_memberships where user_id = $1";
    let sql = format!(
        "select * from ({} union {} union {}) as timeline order by position desc limit $3",
        arm("owner_id = $1"),
        arm(&format!(
            "aggregate_type = '{}' and aggregate_id in ({projects})",
            Project::TYPE
        )),
        arm(&format!(
            "aggregate_type = '{}' and aggregate_id in (select id from tasks where project_id in ({projects}))",
            Task::TYPE
        )),
    );
    (sql, args)
}
