//! `POST /attachments/upload`: a multipart form streamed into the object store. The bytes go
//! to a key the server makes, counted and hashed on the way; past the size limit the upload is
//! aborted (no object stays) and answered 413. Only once the object is complete is the
//! `AttachmentUploaded` event appended; whatever refuses the upload after that (bad fields, an
//! entity the caller cannot reach, the quota, a failed append) deletes the object again.
use axum::extract::State;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_domain::attachment::{AttachmentCommand, EntityKind, Filename, NewAttachment};
use joan_domain::{AttachmentId, UserId};
use joan_projections::attachments::{self, AttachmentRow};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ATTACHMENTS;
use super::access;
use super::body::UploadForm;
use super::content::{SNIFF_BYTES, sniff};
use crate::http::body_limit::{DRAIN_BYTES, DRAIN_TIME};
use crate::http::error::{ApiError, from_command};
use crate::http::extract::{Caller, IdempotencyHeaders};
use crate::http::fields::Fields;
use crate::http::resource::{RenderRow, idempotent, respond};
use crate::http::state::AppState;

/// The most a form's text fields may hold.
const TEXT_FIELD_BYTES: usize = 1024;
/// Room for the form around the file (boundaries, part headers, the text fields).
pub const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;
/// Parts the object store may upload at once.
const PARTS_IN_FLIGHT: usize = 4;

/// Uploads a file (multipart/form-data: `file`, `entity_type`, `entity_id`) and attaches it.
#[utoipa::path(post, path = "/attachments/upload", tag = "attachments",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])), params(IdempotencyHeaders),
    responses((status = 201, body = AttachmentRow),
        (status = 403, body = crate::http::error::Problem, description = "a viewer of the entity's project"),
        (status = 404, body = crate::http::error::Problem, description = "no such entity, or not one the caller reaches"),
        (status = 413, body = crate::http::error::Problem, description = "over the size limit (payload_too_large) or the quota (quota_exceeded)")))]
pub async fn upload_attachment(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut form = form.map_err(|_| ApiError::NotMultipart)?;
    let id = AttachmentId::generate();
    let key = crate::uploads::Uploads::key(caller.user, id);
    let received = match read_form(&state, &key, &mut form).await {
        Ok(received) => received,
        Err(error) => {
            // The client may still be sending: read the rest so it can read the answer.
            let drained = drain(form).await;
            let mut response = error.into_response();
            if !drained {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            return Ok(response);
        }
    };
    let stored = received.file.is_some();
    let result = attach(&state, &caller, id, &key, received).await;
    // Only a new attachment keeps the object: a refusal or a replay of an earlier upload does not.
    let kept = matches!(&result, Ok(r) if r.status() == StatusCode::CREATED && !r.headers().contains_key("idempotent-replayed"));
    if stored && !kept {
        discard(&state, &key).await;
    }
    result
}

/// What the form held: its text fields as sent, and the file once stored.
#[derive(Default)]
struct Received {
    entity_type: Option<String>,
    entity_id: Option<String>,
    file: Option<StoredFile>,
    unknown: Vec<String>,
}

/// A file in the store, described.
struct StoredFile {
    filename: Filename,
    mime_type: String,
    size: u64,
    sha256: String,
}

/// Reads every part; the file goes to the store as it arrives.
async fn read_form(state: &AppState, key: &ObjectPath, form: &mut Multipart) -> Result<Received, ApiError> {
    let mut received = Received::default();
    let result = async {
        while let Some(field) = form.next_field().await.map_err(malformed)? {
            match field.name().unwrap_or_default() {
                "file" if received.file.is_none() => received.file = Some(store(state, key, field).await?),
                "entity_type" => received.entity_type = Some(text(field).await?),
                "entity_id" => received.entity_id = Some(text(field).await?),
                other => received.unknown.push(other.to_string()),
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(received),
        Err(error) => {
            if received.file.is_some() {
                discard(state, key).await;
            }
            Err(error)
        }
    }
}

/// Streams the file part to `key`, counting, hashing and keeping its head for the sniffer.
async fn store(state: &AppState, key: &ObjectPath, mut field: Field<'_>) -> Result<StoredFile, ApiError> {
    let filename = Filename::sanitise(field.file_name().unwrap_or_default());
    let limit = state.uploads.max_bytes;
    let upload = state
        .uploads
        .store
        .put_multipart(key)
        .await
        .map_err(ApiError::internal)?;
    let mut writer = WriteMultipart::new(upload);
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size = 0u64;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                let _ = writer.abort().await;
                return Err(malformed(e));
            }
        };
        size += chunk.len() as u64;
        if size > limit {
            let _ = writer.abort().await;
            return Err(ApiError::UploadTooLarge(limit));
        }
        hasher.update(&chunk);
        let room = SNIFF_BYTES - head.len();
        head.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
            let _ = writer.abort().await;
            return Err(ApiError::internal(e));
        }
        writer.put(chunk);
    }
    writer.finish().await.map_err(ApiError::internal)?;
    Ok(StoredFile {
        filename,
        mime_type: sniff(&head),
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// A short text part.
async fn text(mut field: Field<'_>) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > TEXT_FIELD_BYTES {
            return Err(ApiError::invalid(
                name,
                format!("must be at most {TEXT_FIELD_BYTES} bytes"),
            ));
        }
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(name, "must be UTF-8 text"))
}

fn malformed(e: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::MalformedBody(format!("not a valid multipart/form-data body: {}", e.body_text()))
}

/// The fields of an upload, every error at once.
fn check(received: &Received) -> Result<(EntityKind, Uuid), ApiError> {
    let mut f = Fields::default();
    for name in &received.unknown {
        f.push(name, "is not a field of an upload (file, entity_type, entity_id)");
    }
    if received.file.is_none() {
        f.push("file", "is required");
    }
    let kind = match &received.entity_type {
        Some(raw) => f.check("entity_type", EntityKind::parse(raw)),
        None => {
            f.push("entity_type", "is required");
            None
        }
    };
    let entity = match &received.entity_id {
        Some(raw) => f.check("entity_id", Uuid::parse_str(raw.trim()).map_err(|_| "must be a UUID")),
        None => {
            f.push("entity_id", "is required");
            None
        }
    };
    f.finish(kind.zip(entity))
        .map_err(ApiError::Validation)?
        .ok_or_else(|| ApiError::invalid("entity_type", "is required"))
}

/// What an `Idempotency-Key` compares: the same file to the same entity.
#[derive(Serialize)]
struct Fingerprint<'a> {
    entity_type: &'a str,
    entity_id: Uuid,
    filename: &'a str,
    size: u64,
    sha256: &'a str,
}

/// Checks the stored file may stay, then records it.
async fn attach(
    state: &AppState,
    caller: &Caller,
    id: AttachmentId,
    key: &ObjectPath,
    received: Received,
) -> Result<Response, ApiError> {
    let (kind, entity) = check(&received)?;
    let Some(file) = received.file else {
        return Err(ApiError::invalid("file", "is required"));
    };
    match access::entity(state, caller.user, kind, &entity.to_string()).await? {
        Some(reach) if reach.uploads() => {}
        Some(_) => {
            return Err(ApiError::Forbidden {
                code: "role_forbids",
                detail: "viewers do not attach files to a project's things".into(),
            });
        }
        None => return Err(ApiError::NotFound),
    }
    check_quota(state, caller.user, file.size).await?;
    let fingerprint = Fingerprint {
        entity_type: kind.as_str(),
        entity_id: entity,
        filename: file.filename.as_str(),
        size: file.size,
        sha256: &file.sha256,
    };
    idempotent(state, caller, "POST /attachments/upload", &fingerprint, async |idem| {
        let (text_id, user) = (id.to_string(), caller.user.to_string());
        let new = NewAttachment {
            id,
            filename: file.filename.clone(),
            mime_type: file.mime_type.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
            storage_key: key.to_string(),
            entity_type: kind,
            entity_id: entity,
        };
        let location = ATTACHMENTS.location(&text_id);
        let render = RenderRow::<AttachmentRow>::new(&user, &text_id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .attachments
            .execute_new(&text_id, &caller.ctx, AttachmentCommand::Upload(new), hook)
            .await
            .map_err(from_command)?;
        let row = crate::http::resource::read::<AttachmentRow>(state, &user, &text_id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// 413 `quota_exceeded` when `size` more bytes would take the user over their quota. Two
/// uploads at once may both pass: the quota is a bound checked per upload, not a reservation.
async fn check_quota(state: &AppState, user: UserId, size: u64) -> Result<(), ApiError> {
    let (_, used) = attachments::usage(state.core.store.db(), &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    let needed = u64::try_from(used).unwrap_or(0).saturating_add(size);
    let quota = state.uploads.quota_bytes;
    if needed > quota {
        return Err(ApiError::QuotaExceeded { needed, quota });
    }
    Ok(())
}

/// Deletes an object no attachment keeps; a failure leaves an orphan, logged for the operator.
pub async fn discard(state: &AppState, key: &ObjectPath) {
    if let Err(e) = state.uploads.store.delete(key).await {
        tracing::warn!(key = %key, error = %e, "an attachment object could not be deleted");
    }
}

/// Reads the rest of the form within [`DRAIN_BYTES`] and [`DRAIN_TIME`]; whether it got to
/// its end.
async fn drain(mut form: Multipart) -> bool {
    let read_all = async {
        let mut read = 0u64;
        loop {
            let mut field = match form.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => return true,
                Err(_) => return false,
            };
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        read += chunk.len() as u64;
                        if read > DRAIN_BYTES {
                            return false;
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return false,
                }
            }
        }
    };
    tokio::time::timeout(DRAIN_TIME, read_all).await.unwrap_or(false)
}
