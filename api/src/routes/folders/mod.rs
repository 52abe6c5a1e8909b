//! `/folders`: the caller's tree of folders. A folder moves anywhere but under itself or its
//! own subtree; a folder that still holds folders, notes or tasks is deleted only when asked
//! to hand them to its parent first, each by a command on its own stream.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::FolderId;
use joan_domain::folder::{FolderChanges, FolderCommand, Parent};
use joan_domain::note::{NoteChanges, NoteCommand};
use joan_domain::task::{TaskChanges, TaskCommand};
use joan_projections::folders::{self, Contents, FolderRow, Folders};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page};
use crate::http::state::AppState;

pub mod body;
mod moves;

use body::{CreateFolder, PatchFolder};

pub const FOLDERS: Resource = Resource::new("folder", "/api/v1/folders");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_folders, create_folder))
        .routes(routes!(get_folder, patch_folder, delete_folder))
        .routes(routes!(folder_history))
}

/// The folder a body names (`field`), when it is one of the caller's; else a 422 on `field`.
pub async fn own_folder(state: &AppState, user: &str, id: Uuid, field: &str) -> Result<FolderRow, ApiError> {
    match read::<FolderRow>(state, user, &id.to_string()).await {
        Err(ApiError::NotFound) => Err(ApiError::invalid(field, "must be one of your folders")),
        other => other,
    }
}

/// `id` as a parent: one of the caller's folders, with its ancestors for the cycle rule.
async fn parent(state: &AppState, user: &str, id: Uuid) -> Result<Parent, ApiError> {
    own_folder(state, user, id, "parent_id").await?;
    let ancestors = folders::ancestors(&mut state.core.store.db(), user, &id.to_string())
        .await
        .map_err(ApiError::internal)?;
    Ok(Parent {
        id: FolderId(id),
        ancestors: ancestors.iter().filter_map(|a| a.parse().ok()).collect(),
    })
}

/// Filters of `GET /folders`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FolderQuery {
    /// Only the folders directly in this one.
    pub parent_id: Option<Uuid>,
}

/// The caller's folders, by position among siblings, then name.
#[utoipa::path(get, path = "/folders", tag = "folders", params(FolderQuery, Page), security(("bearer" = [])),
    responses((status = 200, body = [FolderRow], headers(("x-total-count" = i64)))))]
async fn list_folders(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<FolderQuery>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let parent = query.parent_id.map(|p| p.to_string());
    let (page, total) = folders::list_json(
        state.core.store.db(),
        &user.to_string(),
        parent.as_deref(),
        limit,
        offset,
    )
    .await
    .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a folder, at the top of the tree or in one of the caller's folders.
#[utoipa::path(post, path = "/folders", tag = "folders", request_body = CreateFolder, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = FolderRow)))]
async fn create_folder(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateFolder>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /folders", &body, async |idem| {
        let id = FolderId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        if let Some(parent) = body.parent_id {
            own_folder(&state, &user, parent, "parent_id").await?;
        }
        let location = FOLDERS.location(&id);
        let render = RenderRow::<FolderRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .folders
            .execute_new(&id, &caller.ctx, FolderCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<FolderRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One folder, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/folders/{id}", tag = "folders", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = FolderRow)))]
async fn get_folder(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = FOLDERS.id::<FolderId>(&id)?;
    let row = match as_of.parse()? {
        Some(at) => FOLDERS.as_of::<Folders>(&state, user, &id, at).await?,
        None => read::<FolderRow>(&state, &user.to_string(), &id).await?,
    };
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Changes some fields; `parent_id` moves the folder (never under itself or its subtree: 422).
/// `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/folders/{id}", tag = "folders", request_body = PatchFolder, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 200, body = FolderRow)))]
async fn patch_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchFolder>,
) -> Result<Response, ApiError> {
    let (_, id) = FOLDERS.id::<FolderId>(&id)?;
    let user = caller.user.to_string();
    let mut changes = body.parse().map_err(ApiError::Validation)?;
    // Held from reading the new parent's ancestors through the append (see `moves`).
    let _moving = match body.parent_id {
        Some(_) => Some(moves::lock(&caller.user).await),
        None => None,
    };
    if let Some(wanted) = body.parent_id {
        // A stranger's folder is a 404 before its parent is looked at.
        read::<FolderRow>(&state, &user, &id).await?;
        changes.parent = Some(match wanted {
            Some(p) => Some(parent(&state, &user, p).await?),
            None => None,
        });
    }
    state
        .core
        .folders
        .execute(&id, &caller.ctx, FolderCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<FolderRow>(&state, &user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// `DELETE /folders/{id}` options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteFolderQuery {
    /// Move the folder's folders, notes and tasks to its parent (or the top) first; without
    /// it, a folder that holds anything is 409 `folder_not_empty`.
    pub move_contents: Option<bool>,
}

/// Deletes a folder; its history stays.
#[utoipa::path(delete, path = "/folders/{id}", tag = "folders", security(("bearer" = [])),
    params(("id" = Uuid, Path), DeleteFolderQuery, ConditionalHeaders),
    responses((status = 204), (status = 409, body = Problem)))]
async fn delete_folder(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiQuery(query): ApiQuery<DeleteFolderQuery>,
) -> Result<StatusCode, ApiError> {
    let (_, id) = FOLDERS.id::<FolderId>(&id)?;
    let user = caller.user.to_string();
    let folder = read::<FolderRow>(&state, &user, &id).await?;
    // Checked before anything moves, so a stale delete moves nothing either.
    if expected.is_some_and(|v| v != folder.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let _moving = moves::lock(&caller.user).await;
    let db = state.core.store.db();
    let mut contents = folders::contents(db, &user, &id).await.map_err(ApiError::internal)?;
    if query.move_contents == Some(true) && !contents.is_empty() {
        move_contents(&state, &caller, &folder, &contents).await?;
        contents = folders::contents(db, &user, &id).await.map_err(ApiError::internal)?;
    }
    let command = FolderCommand::Delete {
        contents: contents.len() as u64,
    };
    state
        .core
        .folders
        .execute(&id, &caller.ctx, command, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hands everything in `folder` to its parent, one command per folder, note and task (so each
/// one's history shows the move). Stopped half-way, every item is in the folder or its parent,
/// and a retry finishes the job.
async fn move_contents(
    state: &AppState,
    caller: &Caller,
    folder: &FolderRow,
    contents: &Contents,
) -> Result<(), ApiError> {
    let user = caller.user.to_string();
    let to: Option<Uuid> = folder.parent_id.as_deref().and_then(|p| p.parse().ok());
    let parent = match to {
        Some(p) => Some(parent(state, &user, p).await?),
        None => None,
    };
    let core = &state.core;
    for child in &contents.folders {
        let changes = FolderChanges {
            parent: Some(parent.clone()),
            ..FolderChanges::default()
        };
        core.folders
            .execute(child, &caller.ctx, FolderCommand::Update(changes), None, None)
            .await
            .map_err(from_command)?;
    }
    let to = to.map(FolderId);
    for note in &contents.notes {
        let changes = NoteChanges {
            folder_id: Some(to),
            ..NoteChanges::default()
        };
        core.notes
            .execute(note, &caller.ctx, NoteCommand::Update(changes), None, None)
            .await
            .map_err(from_command)?;
    }
    for task in &contents.tasks {
        let changes = TaskChanges {
            folder_id: Some(to),
            ..TaskChanges::default()
        };
        core.tasks
            .execute(task, &caller.ctx, TaskCommand::Update(changes), None, None)
            .await
            .map_err(from_command)?;
    }
    Ok(())
}

/// The folder's events, oldest first.
#[utoipa::path(get, path = "/folders/{id}/history", tag = "folders", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn folder_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = FOLDERS.id::<FolderId>(&id)?;
    Ok(axum::Json(FOLDERS.history(&state, user, &id).await?))
}
