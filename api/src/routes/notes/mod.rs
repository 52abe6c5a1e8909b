//! `/notes`: the caller's markdown notes, with filters and ranked full-text search. Every edit
//! is kept: the history lists each version and `?as_of=` shows the note as it was.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::NoteId;
use joan_domain::note::NoteCommand;
use joan_domain::text::SearchText;
use joan_projections::notes::{self, NoteFilter, NoteRow, Notes};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page};
use crate::http::revert::{RevertBody, restoring};
use crate::http::schema::{search_text, tag_filter};
use crate::http::state::AppState;
use crate::routes::folders::own_folder;

pub mod body;

use body::{CreateNote, PatchNote};

pub const NOTES: Resource = Resource::new("note", "/api/v1/notes");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notes, create_note))
        .routes(routes!(get_note, patch_note, delete_note))
        .routes(routes!(revert_note))
        .routes(routes!(note_history))
}

/// Filters of `GET /notes`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoteQuery {
    pub folder_id: Option<Uuid>,
    /// Has this tag.
    #[param(schema_with = tag_filter)]
    pub tag: Option<String>,
    /// Words that must all occur in the title or content; the best match comes first.
    #[param(schema_with = search_text)]
    pub q: Option<String>,
    pub pinned: Option<bool>,
    pub archived: Option<bool>,
}

impl NoteQuery {
    /// The filter, or every invalid parameter at once.
    fn parse(self) -> Result<NoteFilter, ApiError> {
        let mut f = Fields::default();
        let tag = f.opt("tag", self.tag.as_deref(), SearchText::tag);
        let q = f.opt("q", self.q.as_deref(), SearchText::parse);
        let filter = NoteFilter {
            folder_id: self.folder_id.map(|f| f.to_string()),
            tag: tag.map(String::from),
            q: q.map(String::from),
            pinned: self.pinned,
            archived: self.archived,
        };
        f.finish(filter).map_err(ApiError::Validation)
    }
}

/// The caller's notes, newest first (best match first with `q`).
#[utoipa::path(get, path = "/notes", tag = "notes", params(NoteQuery, Page), security(("bearer" = [])),
    responses((status = 200, body = [NoteRow], headers(("x-total-count" = i64)))))]
async fn list_notes(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<NoteQuery>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let filter = query.parse()?;
    let (page, total) = notes::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a note; its markdown is rendered to sanitised `content_html`.
#[utoipa::path(post, path = "/notes", tag = "notes", request_body = CreateNote, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = NoteRow)))]
async fn create_note(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateNote>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /notes", &body, async |idem| {
        let id = NoteId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        if let Some(folder) = body.folder_id {
            own_folder(&state, &user, folder, "folder_id").await?;
        }
        let location = NOTES.location(&id);
        let render = RenderRow::<NoteRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .notes
            .execute_new(&id, &caller.ctx, NoteCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<NoteRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One note, now or `as_of` an earlier instant (its text and HTML as they were then).
#[utoipa::path(get, path = "/notes/{id}", tag = "notes", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = NoteRow)))]
async fn get_note(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = NOTES.id::<NoteId>(&id)?;
    let row = match as_of.parse()? {
        Some(at) => NOTES.as_of::<Notes>(&state, user, &id, at).await?,
        None => read::<NoteRow>(&state, &user.to_string(), &id).await?,
    };
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/notes/{id}", tag = "notes", request_body = PatchNote, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 200, body = NoteRow)))]
async fn patch_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchNote>,
) -> Result<Response, ApiError> {
    let (_, id) = NOTES.id::<NoteId>(&id)?;
    let user = caller.user.to_string();
    let changes = body.parse().map_err(ApiError::Validation)?;
    if let Some(Some(folder)) = body.folder_id {
        // A stranger's note is a 404 before the folder is looked at.
        read::<NoteRow>(&state, &user, &id).await?;
        own_folder(&state, &user, folder, "folder_id").await?;
    }
    state
        .core
        .notes
        .execute(&id, &caller.ctx, NoteCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<NoteRow>(&state, &user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Restores the note as it was at an earlier `version` (title, content, folder, tags, pin
/// and archive): a `NoteReverted` event and each field's change, appended to its history.
#[utoipa::path(post, path = "/notes/{id}/revert", tag = "notes", request_body = RevertBody, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 200, body = NoteRow)))]
async fn revert_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<RevertBody>,
) -> Result<Response, ApiError> {
    let (_, id) = NOTES.id::<NoteId>(&id)?;
    let user = caller.user.to_string();
    let events = NOTES.stream(&state, caller.user, &id).await?;
    let restored = ["title", "content", "folder_id", "tags", "is_pinned", "is_archived"];
    let (version, patch) = restoring::<Notes, PatchNote>(&events, &body, &restored)?;
    let changes = patch.parse().map_err(ApiError::Validation)?;
    if let Some(Some(folder)) = patch.folder_id {
        own_folder(&state, &user, folder, "folder_id").await?;
    }
    state
        .core
        .notes
        .execute(
            &id,
            &caller.ctx,
            NoteCommand::Revert { version, changes },
            expected,
            None,
        )
        .await
        .map_err(from_command)?;
    let row = read::<NoteRow>(&state, &user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes a note; its history stays.
#[utoipa::path(delete, path = "/notes/{id}", tag = "notes", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = NOTES.id::<NoteId>(&id)?;
    state
        .core
        .notes
        .execute(&id, &caller.ctx, NoteCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The note's events, oldest first: every version of its text.
#[utoipa::path(get, path = "/notes/{id}/history", tag = "notes", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn note_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = NOTES.id::<NoteId>(&id)?;
    Ok(axum::Json(NOTES.history(&state, user, &id).await?))
}
