//! Where attachments' bytes live: one object store, opened once from the configuration (a
//! directory under the data dir, or any S3-compatible store), with the size limit and quota.
use std::path::Path;
use std::sync::Arc;

use joan_domain::{AttachmentId, UserId};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;

use crate::config::{Secret, StorageKind, UploadArgs};
use crate::error::AppError;

/// The attachments' store and limits, shared by every request.
#[derive(Clone)]
pub struct Uploads {
    pub store: Arc<dyn ObjectStore>,
    /// The largest attachment, in bytes.
    pub max_bytes: u64,
    /// What one user's attachments may hold in all, in bytes.
    pub quota_bytes: u64,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploads")
            .field("store", &self.store.to_string())
            .field("max_bytes", &self.max_bytes)
            .field("quota_bytes", &self.quota_bytes)
            .finish()
    }
}

impl Default for Uploads {
    /// In memory, with the default limits: for tests and tools that keep no files.
    fn default() -> Self {
        Self::new(Arc::new(InMemory::new()))
    }
}

impl Uploads {
    pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;
    pub const DEFAULT_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;
    /// The directory under the data dir that the local store keeps.
    pub const LOCAL_DIR: &'static str = "attachments";

    /// `store` with the default limits.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            quota_bytes: Self::DEFAULT_QUOTA_BYTES,
        }
    }

    /// The store and limits `args` configure; the local store under `data_dir`.
    pub fn open(args: &UploadArgs, data_dir: &Path) -> Result<Self, AppError> {
        let uploads = match args.storage {
            StorageKind::Local => Self::local(&data_dir.join(Self::LOCAL_DIR))?,
            StorageKind::S3 => Self::new(Arc::new(s3(args)?)),
        };
        Ok(Self {
            max_bytes: args.max_upload_bytes,
            quota_bytes: args.upload_quota_bytes,
            ..uploads
        })
    }

    /// Files under `dir` (created if missing), with the default limits.
    pub fn local(dir: &Path) -> Result<Self, AppError> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(config_error)?;
        Ok(Self::new(Arc::new(store)))
    }

    /// Where an attachment's bytes are kept: made of ids only, never of anything the client
    /// named, so no file name can reach another key.
    pub fn key(user: UserId, id: AttachmentId) -> ObjectPath {
        ObjectPath::from(format!("{}/{user}/{id}", Self::LOCAL_DIR))
    }
}

/// Where an S3-compatible bucket is and how to sign for it: the attachments' store
/// (`JOAN_S3_*`) or the bucket `joan export r2` copies them to (`JOAN_R2_*`).
pub struct S3Settings<'a> {
    /// The endpoint URL; `None`: AWS.
    pub endpoint: Option<&'a str>,
    pub bucket: &'a str,
    pub region: &'a str,
    pub access_key_id: Option<&'a Secret>,
    pub secret_access_key: Option<&'a Secret>,
}

/// An S3-compatible store; plain `http://` endpoints are allowed (a store on the same host).
pub fn s3_store(settings: &S3Settings<'_>) -> Result<object_store::aws::AmazonS3, AppError> {
    crate::tls::install_crypto_provider();
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(settings.bucket)
        .with_region(settings.region);
    if let Some(endpoint) = settings.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let Some(key) = settings.access_key_id {
        builder = builder.with_access_key_id(key.expose());
    }
    if let Some(secret) = settings.secret_access_key {
        builder = builder.with_secret_access_key(secret.expose());
    }
    builder.build().map_err(config_error)
}

/// The attachments' own S3 store (`JOAN_STORAGE=s3`).
fn s3(args: &UploadArgs) -> Result<object_store::aws::AmazonS3, AppError> {
    let bucket = args
        .s3_bucket
        .as_deref()
        .ok_or_else(|| AppError::Config("JOAN_STORAGE=s3 needs JOAN_S3_BUCKET".into()))?;
    s3_store(&S3Settings {
        endpoint: args.s3_endpoint.as_deref(),
        bucket,
        region: &args.s3_region,
        access_key_id: args.s3_access_key_id.as_ref(),
        secret_access_key: args.s3_secret_access_key.as_ref(),
    })
}

fn config_error(e: object_store::Error) -> AppError {
    AppError::Config(format!("attachment storage: {e}"))
}
