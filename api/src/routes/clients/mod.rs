//! `/clients`: the people and organisations the caller works for, with history and `as_of`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::ClientId;
use joan_domain::client::{ClientCommand, ClientStatus};
use joan_projections::clients::{self, ClientFilter, ClientRow, Clients};
use joan_projections::table;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, respond, respond_page, respond_raw};
use crate::http::state::AppState;

pub mod body;

use body::{CreateClient, PatchClient, schemas};

pub const CLIENTS: Resource = Resource::new("client", "/api/v1/clients");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clients, create_client))
        .routes(routes!(get_client, patch_client, delete_client))
        .routes(routes!(client_history))
}

/// Whether the client is the caller's (a project may only name one of theirs).
pub async fn owns(state: &AppState, user: &str, id: &str) -> Result<bool, ApiError> {
    match read_client(state, user, id).await {
        Ok(_) => Ok(true),
        Err(ApiError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn read_client(state: &AppState, user: &str, id: &str) -> Result<ClientRow, ApiError> {
    table::get::<ClientRow>(&mut state.core.store.db(), user, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

/// Filters of `GET /clients`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    #[param(schema_with = schemas::status)]
    pub status: Option<String>,
    /// Text in the name, company or email (case-insensitive).
    pub q: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// The caller's clients, newest first.
#[utoipa::path(get, path = "/clients", tag = "clients", params(ClientQuery), security(("bearer" = [])),
    responses((status = 200, body = [ClientRow], headers(("x-total-count" = i64)))))]
async fn list_clients(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<ClientQuery>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let status = f.opt("status", query.status.as_deref(), ClientStatus::parse);
    let page = Page {
        limit: query.limit,
        offset: query.offset,
    }
    .validate();
    let (limit, offset) = match page {
        Ok(page) => page,
        Err(ApiError::Validation(more)) => {
            f.errors.extend(more);
            (0, 0)
        }
        Err(e) => return Err(e),
    };
    let filter = ClientFilter {
        status: status.map(|s| s.as_str().to_string()),
        q: query.q,
    };
    let filter = f.finish(filter).map_err(ApiError::Validation)?;
    let (page, total) = clients::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a client.
#[utoipa::path(post, path = "/clients", tag = "clients", request_body = CreateClient, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = ClientRow)))]
async fn create_client(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateClient>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /clients", &body, async |idem| {
        let id = ClientId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = CLIENTS.location(&id);
        let render = RenderRow::<ClientRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .clients
            .execute_new(&id, &caller.ctx, ClientCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read_client(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One client, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/clients/{id}", tag = "clients", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ClientRow)))]
async fn get_client(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = CLIENTS.id::<ClientId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = CLIENTS.as_of::<Clients>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<ClientRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", request_body = PatchClient,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = ClientRow)))]
async fn patch_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchClient>,
) -> Result<Response, ApiError> {
    let (_, id) = CLIENTS.id::<ClientId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .clients
        .execute(&id, &caller.ctx, ClientCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read_client(&state, &caller.user.to_string(), &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes a client that no project belongs to any more (409 otherwise); its history stays.
#[utoipa::path(delete, path = "/clients/{id}", tag = "clients", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204), (status = 409, body = Problem)))]
async fn delete_client(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = CLIENTS.id::<ClientId>(&id)?;
    // Yours first (a stranger learns nothing), then whether projects still name it.
    read_client(&state, &caller.user.to_string(), &id).await?;
    let projects = joan_projections::projects::count_for_client(state.core.store.db(), &id)
        .await
        .map_err(ApiError::internal)?;
    if projects > 0 {
        return Err(ApiError::Conflict {
            code: "client_has_projects",
            detail: format!("{projects} project(s) still belong to this client"),
        });
    }
    state
        .core
        .clients
        .execute(&id, &caller.ctx, ClientCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The client's events, oldest first.
#[utoipa::path(get, path = "/clients/{id}/history", tag = "clients", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn client_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = CLIENTS.id::<ClientId>(&id)?;
    Ok(axum::Json(CLIENTS.history(&state, user, &id).await?))
}
