//! `/attachments`: files on the caller's tasks, notes, projects and goals (and on the tasks and
//! projects they are a member of). Uploads stream into the object store; metadata changes are
//! events, with history and `?as_of=` for the one who uploaded.
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use joan_domain::AttachmentId;
use joan_domain::attachment::{AttachmentCommand, EntityKind};
use joan_projections::attachments::{self, AttachmentRow, AttachmentScope, Attachments};
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IfMatch, Page};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, Resource, respond, respond_page};
use crate::http::state::AppState;

mod access;
pub mod body;
pub mod content;
mod upload;

use body::{AttachmentQuery, PatchAttachment};

pub const ATTACHMENTS: Resource = Resource::new("attachment", "/api/v1/attachments");
/// The one route whose body is not JSON, with its own size limit.
pub const UPLOAD_PATH: &str = "/api/v1/attachments/upload";

pub fn router() -> OpenApiRouter<AppState> {
    // The upload counts its own bytes against `JOAN_MAX_UPLOAD_BYTES`: the JSON limit is off.
    let upload = OpenApiRouter::new()
        .routes(routes!(upload::upload_attachment))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(list_attachments))
        .routes(routes!(attachment_usage))
        .routes(routes!(get_attachment, patch_attachment, delete_attachment))
        .routes(routes!(attachment_content))
        .routes(routes!(attachment_history))
}

/// The most an upload request may declare: the file's limit and room for the form around it.
pub fn upload_limit(state: &AppState) -> u64 {
    state.uploads.max_bytes.saturating_add(upload::FORM_OVERHEAD_BYTES)
}

/// The caller's attachments, or (with `entity_type` and `entity_id`) everyone's on an entity
/// the caller reaches; newest first.
#[utoipa::path(get, path = "/attachments", tag = "attachments", params(AttachmentQuery, Page),
    security(("bearer" = [])), responses((status = 200, body = [AttachmentRow], headers(("x-total-count" = i64))),
        (status = 404, body = crate::http::error::Problem, description = "no such entity, or not one the caller reaches")))]
async fn list_attachments(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<AttachmentQuery>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let kind = f.opt("entity_type", query.entity_type.as_deref(), EntityKind::parse);
    let entity = f.opt("entity_id", query.entity_id.as_deref(), |raw| {
        Uuid::parse_str(raw).map_err(|_| "must be a UUID")
    });
    if query.entity_type.is_some() != query.entity_id.is_some() {
        f.push(
            if query.entity_type.is_some() {
                "entity_id"
            } else {
                "entity_type"
            },
            "is required with the other",
        );
    }
    let (limit, offset) = f.page(page);
    f.finish(()).map_err(ApiError::Validation)?;
    let (user_text, entity_text) = (user.to_string(), entity.map(|e| e.to_string()));
    let scope = match (kind, &entity_text) {
        (Some(kind), Some(entity)) => {
            access::entity(&state, user, kind, entity)
                .await?
                .ok_or(ApiError::NotFound)?;
            AttachmentScope::On {
                entity_type: kind.as_str(),
                entity_id: entity,
            }
        }
        _ => AttachmentScope::UploadedBy(&user_text),
    };
    let (page, total) = attachments::list_json(state.core.store.db(), scope, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// What the caller's attachments hold against their quota.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    /// Live attachments the caller uploaded.
    pub count: i64,
    /// Their total size in bytes.
    pub used_bytes: i64,
    /// The most they may hold in all, in bytes.
    pub quota_bytes: u64,
    /// The largest single upload, in bytes.
    pub max_upload_bytes: u64,
}

/// How much of their quota the caller's attachments use.
#[utoipa::path(get, path = "/attachments/usage", tag = "attachments", security(("bearer" = [])),
    responses((status = 200, body = Usage)))]
async fn attachment_usage(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<Usage>, ApiError> {
    let (count, used_bytes) = attachments::usage(state.core.store.db(), &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    Ok(axum::Json(Usage {
        count,
        used_bytes,
        quota_bytes: state.uploads.quota_bytes,
        max_upload_bytes: state.uploads.max_bytes,
    }))
}

/// One attachment's metadata; `as_of` (the uploader's only) shows it at an earlier instant.
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = AttachmentRow)))]
async fn get_attachment(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = ATTACHMENTS.id::<AttachmentId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = ATTACHMENTS.as_of::<Attachments>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let row = access::visible(&state, user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Renames an attachment (its uploader only). `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/attachments/{id}", tag = "attachments", request_body = PatchAttachment,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = AttachmentRow), (status = 403, body = crate::http::error::Problem)))]
async fn patch_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchAttachment>,
) -> Result<Response, ApiError> {
    let (_, id) = ATTACHMENTS.id::<AttachmentId>(&id)?;
    let name = body.parse().map_err(ApiError::Validation)?;
    let row = access::uploaded_by(&state, caller.user, &id).await?;
    let Some(name) = name else {
        if expected.is_some_and(|v| v != row.version) {
            return Err(ApiError::PreconditionFailed);
        }
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    };
    state
        .core
        .attachments
        .execute(&id, &caller.ctx, AttachmentCommand::Rename(name), expected, None)
        .await
        .map_err(from_command)?;
    let row = access::visible(&state, caller.user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes an attachment (its uploader only) and then its stored bytes.
#[utoipa::path(delete, path = "/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 204), (status = 403, body = crate::http::error::Problem)))]
async fn delete_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = ATTACHMENTS.id::<AttachmentId>(&id)?;
    let row = access::uploaded_by(&state, caller.user, &id).await?;
    state
        .core
        .attachments
        .execute(&id, &caller.ctx, AttachmentCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    upload::discard(&state, &ObjectPath::from(row.storage_key)).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The attachment's bytes, as an attachment (never shown inline), typed as sniffed.
#[utoipa::path(get, path = "/attachments/{id}/content", tag = "attachments", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream",
        body = Vec<u8>, headers(("content-disposition" = String)))))]
async fn attachment_content(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, id) = ATTACHMENTS.id::<AttachmentId>(&id)?;
    let row = access::visible(&state, user, &id).await?;
    let object = state
        .uploads
        .store
        .get(&ObjectPath::from(row.storage_key.as_str()))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                tracing::error!(attachment = %id, "an attachment's object is missing from the store");
                ApiError::NotFound
            }
            other => ApiError::internal(other),
        })?;
    let headers = content::download_headers(&row.filename, &row.mime_type, row.size);
    Ok((headers, Body::from_stream(object.into_stream())).into_response())
}

/// The attachment's events, oldest first (its uploader's only).
#[utoipa::path(get, path = "/attachments/{id}/history", tag = "attachments", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn attachment_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = ATTACHMENTS.id::<AttachmentId>(&id)?;
    Ok(axum::Json(ATTACHMENTS.history(&state, user, &id).await?))
}
