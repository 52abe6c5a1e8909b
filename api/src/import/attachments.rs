//! Legacy `attachments` rows and their files: each file, found by its row's `storage_key`
//! under the old `./attachments` folder, is put into Joan's object store under a key Joan
//! makes (as `POST /attachments/upload` does: type sniffed from the bytes, SHA-256 taken),
//! then an `AttachmentImported` keeps the row's id, name and `uploaded_at`. A missing file, a
//! size that differs from the row's, or an entity that is not in Joan is a bad row; without
//! the folder every row is reported as skipped.
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use joan_domain::attachment::{AttachmentEvent, EntityKind, Filename};
use joan_domain::{AttachmentId, Timestamp, UserId};
use object_store::{ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::known::Known;
use super::report::TableReport;
use super::rules;
use super::source::Record;
use crate::routes::attachments::content::{SNIFF_BYTES, sniff};
use crate::uploads::Uploads;

pub const TABLE: &str = "attachments";

/// The reason every row gets when no folder was given.
pub const NO_FOLDER: &str = "its file was not read: no --attachments folder was given (run again with it)";

/// Where the files come from and go to.
pub struct Files<'f> {
    /// The old `./attachments` folder.
    pub dir: &'f Path,
    /// Joan's object store; `None` in a dry run (files are checked, not copied).
    pub uploads: Option<&'f Uploads>,
}

/// A row that passed the checks of its columns; its file is still to be read.
struct Row {
    id: Uuid,
    owner: UserId,
    filename: Filename,
    size: u64,
    /// The file, under the old folder.
    file: PathBuf,
    entity_type: EntityKind,
    entity_id: Uuid,
    uploaded_at: Timestamp,
}

/// The legacy table an entity kind's rows come from.
fn entity_table(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Task => "tasks",
        EntityKind::Note => "notes",
        EntityKind::Project => "projects",
        EntityKind::Goal => "goals",
    }
}

/// A relative path inside the folder (no `..`, not absolute): an old key must not reach out.
fn inside(dir: &Path, key: &str) -> Result<PathBuf, String> {
    let relative = Path::new(key);
    if key.is_empty() || !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "storage_key {key:?} is not a path inside the attachments folder"
        ));
    }
    Ok(dir.join(relative))
}

fn check(record: &Record, known: &Known, dir: &Path) -> Result<Row, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let filename = rules::parsed("filename", Filename::parse(record.required("filename")?))?;
    let size = record.integer("size")?.ok_or("size is missing")?;
    let size = u64::try_from(size).map_err(|_| format!("size {size} is negative"))?;
    let file = inside(dir, record.required("storage_key")?)?;
    let kind = record.required("entity_type")?;
    let entity_type = EntityKind::parse(kind).map_err(|e| format!("entity_type {kind:?}: {e}"))?;
    let entity_id = record.uuid("entity_id")?;
    let table = entity_table(entity_type);
    let entity = entity_id.to_string();
    // Who may attach to what: the owner's own entity, or a project they are a member of.
    let reachable = match known.owner_of(table, &entity) {
        None => return Err(format!("entity_id {entity_id} names no row of {table}")),
        Some(_) if entity_type == EntityKind::Project => known.is_member(&entity, &owner.to_string()),
        Some(entity_owner) => entity_owner == owner.to_string(),
    };
    if !reachable {
        return Err(format!(
            "entity_id {entity_id} is a row of {table} the owner cannot reach"
        ));
    }
    let uploaded_at = match record.timestamp_opt("uploaded_at")? {
        Some(at) => at,
        None => record.timestamp("created_at")?,
    };
    Ok(Row {
        id,
        owner,
        filename,
        size,
        file,
        entity_type,
        entity_id,
        uploaded_at,
    })
}

/// Reads the row's file, checks it against the row, puts it into the store, and gives the
/// import event.
async fn copy(row: Row, files: &Files<'_>, max_bytes: u64) -> Result<AttachmentEvent, String> {
    let key = row.file.display();
    let bytes = match tokio::fs::read(&row.file).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("its file {key} is not in the attachments folder"));
        }
        Err(e) => return Err(format!("its file {key} cannot be read: {e}")),
    };
    let size = bytes.len() as u64;
    if size != row.size {
        return Err(format!("its file {key} holds {size} bytes, the row says {}", row.size));
    }
    if size > max_bytes {
        return Err(format!("its file is over the size limit of {max_bytes} bytes"));
    }
    let attachment_id = AttachmentId::from(row.id);
    let storage_key = Uploads::key(row.owner, attachment_id);
    let mime_type = sniff(&bytes[..bytes.len().min(SNIFF_BYTES)]);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(uploads) = files.uploads {
        uploads
            .store
            .put(&storage_key, PutPayload::from(bytes))
            .await
            .map_err(|e| format!("the object store refused its file: {e}"))?;
    }
    Ok(AttachmentEvent::AttachmentImported {
        attachment_id,
        user_id: row.owner,
        filename: row.filename.into(),
        mime_type,
        size,
        sha256,
        storage_key: storage_key.to_string(),
        entity_type: row.entity_type,
        entity_id: row.entity_id,
        at: row.uploaded_at,
    })
}

/// Checks every row, copies the files of those not in Joan yet, and adds their events to
/// `batches`. Without `files` (no folder given) every such row is reported as skipped.
pub async fn plan(
    records: &[Record],
    known: &Known,
    files: Option<&Files<'_>>,
    stamp: &Stamp,
    report: &mut TableReport,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let max_bytes = files
        .and_then(|f| f.uploads)
        .map_or(Uploads::DEFAULT_MAX_BYTES, |u| u.max_bytes);
    let mut seen = HashSet::new();
    for record in records {
        if !seen.insert(record.id()) {
            report.refuse(record.id(), super::single::ID_TWICE);
            continue;
        }
        let stream = record.uuid("id").map_or_else(|_| record.id(), |id| id.to_string());
        if known.exists("attachment", &stream) {
            report.already += 1;
            continue;
        }
        let Some(files) = files else {
            report.refuse(record.id(), NO_FOLDER);
            continue;
        };
        let checked = match check(record, known, files.dir) {
            Ok(row) => (row.id, row.owner, row.uploaded_at, copy(row, files, max_bytes).await),
            Err(reason) => {
                report.refuse(record.id(), reason);
                continue;
            }
        };
        match checked {
            (id, owner, at, Ok(event)) => {
                let (id, owner) = (id.to_string(), owner.to_string());
                batches.push(stamp.stream("attachment", &id, &owner, &[(event, at)])?, 1);
                report.imported += 1;
            }
            (.., Err(reason)) => report.refuse(record.id(), reason),
        }
    }
    Ok(())
}
