//! `joan export r2`: every attachment's object, from the configured store to an S3-compatible
//! bucket (Cloudflare R2), under the same key (`attachments.storage_key`, which the D1 export
//! keeps). An object already there with the same size is skipped, so a second run copies only
//! what is new.
use std::time::Instant;

use joan_commands::{Arg, Database};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};

use super::ExportError;

/// Attachments read per query.
const PAGE: i64 = 500;

/// What a copy did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub copied: u64,
    /// Already in the bucket with the same size.
    pub skipped: u64,
    /// In the attachments table but not in the source store.
    pub missing: u64,
    /// Bytes copied.
    pub bytes: u64,
}

/// Copies every attachment's object from `source` to `target`.
pub async fn copy(db: &Database, source: &dyn ObjectStore, target: &dyn ObjectStore) -> Result<Copied, ExportError> {
    let started = Instant::now();
    let mut done = Copied::default();
    let mut after = String::new();
    loop {
        let page: Vec<(String, String, i64)> = db
            .fetch_all(
                &format!("select id, storage_key, size from attachments where id > $1 order by id limit {PAGE}"),
                &[Arg::Text(Some(&after))],
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        for (id, key, size) in &page {
            let key = ObjectPath::from(key.as_str());
            match target.head(&key).await {
                Ok(meta) if meta.size as i64 == *size => {
                    done.skipped += 1;
                    continue;
                }
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            let bytes = match source.get(&key).await {
                Ok(got) => got.bytes().await?,
                Err(object_store::Error::NotFound { .. }) => {
                    tracing::warn!(attachment = %id, key = %key, "the attachment's object is missing from the store");
                    done.missing += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            done.bytes += bytes.len() as u64;
            target.put(&key, bytes.into()).await?;
            done.copied += 1;
        }
        tracing::info!(
            copied = done.copied,
            skipped = done.skipped,
            missing = done.missing,
            "copying attachments"
        );
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    tracing::info!(
        copied = done.copied,
        skipped = done.skipped,
        missing = done.missing,
        bytes = done.bytes,
        seconds = format_args!("{:.2}", started.elapsed().as_secs_f64()),
        "attachments exported"
    );
    Ok(done)
}
