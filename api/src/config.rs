//! Configuration shared by every subcommand, parsed once from flags and `JOAN_*` variables.
use std::path::PathBuf;

use clap::Args;
use joan_commands::db::Location;

#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the SQLite file, attachments and generated secrets.
    #[arg(long, env = "JOAN_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: SQLite at `<data-dir>/joan.db`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl StorageArgs {
    pub fn location(&self) -> Location {
        match &self.database_url {
            Some(url) => Location::parse(url),
            None => Location::Sqlite(self.data_dir.join("joan.db")),
        }
    }
}

/// A secret value: never printed by `Debug`, never logged.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Read from a request body straight into its wrapper, so a key never sits in a plain
/// `String` that a `Debug` could print.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// `joan serve` settings.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "JOAN_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Secret that signs access tokens (default: generated once and kept in the data dir).
    #[arg(long, env = "JOAN_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Key that seals users' LLM API keys: 32 bytes as 64 hex digits or base64 (default:
    /// generated once and kept in the data dir as `encryption_key`).
    #[arg(long, env = "JOAN_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<Secret>,
    /// Earlier encryption keys, comma-separated: what they sealed still opens (key rotation).
    #[arg(
        long,
        env = "JOAN_ENCRYPTION_OLD_KEYS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub encryption_old_keys: Vec<Secret>,
    /// Origins allowed by CORS, comma-separated (default: none).
    #[arg(long, env = "JOAN_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Largest JSON request body in bytes.
    #[arg(long, env = "JOAN_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds a client has to send a request's head, on a new connection and between the
    /// requests of a kept-alive one (an idle connection is closed after it).
    #[arg(long, env = "JOAN_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Open connections at most (default and ceiling: the open-file limit less a reserve).
    #[arg(long, env = "JOAN_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Joan is served over HTTPS (by a TLS proxy): send Strict-Transport-Security.
    #[arg(long, env = "JOAN_HSTS")]
    pub hsts: bool,
    /// Address of the Prometheus `/metrics` listener, or `off`.
    #[arg(long, env = "JOAN_METRICS_BIND", default_value = "127.0.0.1:9464")]
    pub metrics_bind: String,
    /// Also serve `/metrics` on the API port to `Authorization: Bearer <this token>`.
    #[arg(long, env = "JOAN_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,
    /// The built web app to serve at `/` (default: `frontend/dist` when it has been built).
    #[arg(long, env = "JOAN_FRONTEND_DIR")]
    pub frontend_dir: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub uploads: UploadArgs,
    #[command(flatten)]
    pub ai: AiArgs,
    /// AI steps run by this many tasks inside `joan serve` when there is no NATS.
    #[arg(long, env = "JOAN_AI_WORKERS", default_value_t = 2)]
    pub ai_workers: usize,
    #[command(flatten)]
    pub nats: crate::ai::queue::nats::NatsArgs,
}

impl ServeArgs {
    /// The metrics listener's address; `None` when turned off.
    pub fn metrics_address(&self) -> Option<&str> {
        let bind = self.metrics_bind.trim();
        (!bind.eq_ignore_ascii_case("off")).then_some(bind)
    }
}

/// Reads the secret kept in `dir/name`, creating it (random, mode 0600) on first use.
pub fn stored_secret(dir: &std::path::Path, name: &str) -> std::io::Result<Secret> {
    use rand::RngCore;
    use std::io::Write;
    let path = dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(Secret::new(existing));
        }
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&path)?.write_all(secret.as_bytes())?;
    Ok(Secret::new(secret))
}

/// Where attachments are kept and how much a user may store (`joan serve`).
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// Largest attachment in bytes; a bigger upload is refused with 413 and nothing is kept.
    #[arg(long, env = "JOAN_MAX_UPLOAD_BYTES", default_value_t = 25 * 1024 * 1024)]
    pub max_upload_bytes: u64,
    /// Bytes of attachments each user may keep in all.
    #[arg(long, env = "JOAN_UPLOAD_QUOTA_BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub upload_quota_bytes: u64,
    /// `local` (a directory under the data dir) or `s3` (any S3-compatible store, such as R2).
    #[arg(long, env = "JOAN_STORAGE", default_value = "local")]
    pub storage: StorageKind,
    /// The S3 endpoint URL (R2: `https://<account>.r2.cloudflarestorage.com`); default: AWS.
    #[arg(long, env = "JOAN_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    #[arg(long, env = "JOAN_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The region requests are signed for (R2: `auto`).
    #[arg(long, env = "JOAN_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "JOAN_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<Secret>,
    #[arg(long, env = "JOAN_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,
}

/// The object stores attachments can live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StorageKind {
    Local,
    S3,
}

/// How AI providers are reached (`joan serve`; `joan worker` too).
#[derive(Debug, Clone, Args)]
pub struct AiArgs {
    /// `host:port` entries, comma-separated, that AI calls may reach although they are
    /// loopback or private (a local model server, a test server). The Ollama URL is allowed.
    #[arg(long, env = "JOAN_AI_ALLOW_HOSTS", value_delimiter = ',')]
    pub ai_allow_hosts: Vec<String>,
    /// Reach only those hosts, public ones and the Ollama URL included: no other egress.
    #[arg(long, env = "JOAN_AI_ONLY_ALLOWED")]
    pub ai_only_allowed: bool,
    /// The operator's Ollama: used by Ollama providers that name no endpoint, always allowed.
    #[arg(long, env = "JOAN_OLLAMA_URL", default_value = "http://127.0.0.1:11434")]
    pub ollama_url: String,
    /// Seconds one AI provider call may take, connect to last byte.
    #[arg(long, env = "JOAN_AI_TIMEOUT", default_value_t = 60)]
    pub ai_timeout: u64,
}

impl AiArgs {
    pub fn settings(&self) -> crate::ai::providers::AiSettings {
        crate::ai::providers::AiSettings {
            allow_hosts: self.ai_allow_hosts.clone(),
            only_allowed: self.ai_only_allowed,
            ollama_url: self.ollama_url.clone(),
            timeout: std::time::Duration::from_secs(self.ai_timeout.max(1)),
            ..crate::ai::providers::AiSettings::default()
        }
    }
}
