//! The `attachments` read table (D1 shape plus `sha256`), kept inline from the attachment
//! events, with the reads the API makes of it: one attachment, an entity's, a user's usage.
use joan_commands::{Arg, Database, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::attachment::AttachmentEvent;

use crate::fold::Fold;
use crate::read_table;
use crate::table::{Listing, TableRow};

read_table! {
    /// An attachment as the `attachments` table holds it and the API shows it.
    pub struct AttachmentRow in "attachments" {
        #[schema(format = Uuid)]
        pub id: String,
        /// Who uploaded it.
        #[schema(format = Uuid)]
        pub user_id: String,
        /// The name it is shown and downloaded under (sanitised; never a storage path).
        pub filename: String,
        /// The type sniffed from its bytes.
        pub mime_type: String,
        /// Its length in bytes.
        pub size: i64,
        /// SHA-256 of its bytes, 64 lowercase hex digits.
        pub sha256: String,
        /// Where the object store keeps it: made by the server, never from the name.
        pub storage_key: String,
        /// task, note, project or goal.
        pub entity_type: String,
        #[schema(format = Uuid)]
        pub entity_id: String,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub uploaded_at: String,
        pub updated_at: String,
    }
}

/// How attachment events change `attachments` rows.
pub struct Attachments;

impl Fold for Attachments {
    type Row = AttachmentRow;
    type Event = AttachmentEvent;
    const NAME: &'static str = "attachments";
    const AGGREGATE: &'static str = "attachment";

    fn at(change: &AttachmentEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<AttachmentRow>, event: &StoredEvent, change: AttachmentEvent) {
        use AttachmentEvent::*;
        match change {
            AttachmentUploaded {
                user_id,
                filename,
                mime_type,
                size,
                sha256,
                storage_key,
                entity_type,
                entity_id,
                at,
                ..
            }
            | AttachmentImported {
                user_id,
                filename,
                mime_type,
                size,
                sha256,
                storage_key,
                entity_type,
                entity_id,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(AttachmentRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    filename,
                    mime_type,
                    size: i64::try_from(size).unwrap_or(i64::MAX),
                    sha256,
                    storage_key,
                    entity_type: entity_type.as_str().to_string(),
                    entity_id: entity_id.to_string(),
                    version: event.sequence,
                    uploaded_at: at.clone(),
                    updated_at: at,
                });
            }
            AttachmentRenamed { to, .. } => {
                if let Some(row) = row {
                    row.filename = to;
                }
            }
            AttachmentDeleted { .. } => *row = None,
        }
    }
}

/// A live attachment, whoever uploaded it (the API decides who may see it).
pub async fn get_any(ex: &mut impl Executor, id: &str) -> Result<Option<AttachmentRow>, sqlx::Error> {
    let sql = AttachmentRow::sql();
    let query = format!("select {} from {} where id = $1", sql.list, sql.table);
    ex.fetch_optional(&query, &args![id]).await
}

/// What one user's live attachments hold: their count and total bytes.
pub async fn usage(db: &Database, user: &str) -> Result<(i64, i64), sqlx::Error> {
    let row: Option<(i64, i64)> = db
        .fetch_optional(
            "select count(*), cast(coalesce(sum(size), 0) as bigint) from attachments where user_id = $1",
            &args![user],
        )
        .await?;
    Ok(row.unwrap_or_default())
}

/// Whose attachments a list shows.
#[derive(Debug, Clone)]
pub enum AttachmentScope<'a> {
    /// Everything one user uploaded.
    UploadedBy(&'a str),
    /// Everything on one entity, whoever uploaded it.
    On { entity_type: &'a str, entity_id: &'a str },
}

/// One page of attachments, newest first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    scope: AttachmentScope<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = match scope {
        AttachmentScope::UploadedBy(user) => Listing::<AttachmentRow>::owned_by(user),
        AttachmentScope::On { entity_type, entity_id } => {
            let mut page = Listing::<AttachmentRow>::new("entity_type = $1", vec![Arg::from(entity_type)]);
            page.and("entity_id = ?", Arg::from(entity_id));
            page
        }
    };
    page.order = "uploaded_at desc, id desc";
    page.page_json(db, limit, offset).await
}
