//! `joan import legacy`: takes in a SQLite database of the FastAPI system Joan replaces.
//!
//! Each good row becomes import events that keep its id and timestamps, with its owner as
//! actor and the run's id in the metadata; a task's old `task_activities` follow its import
//! in its stream. A bad row is reported with its table, id and reason, and the rest is
//! imported. Streams that exist already are left alone, so a second run imports nothing new.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use joan_commands::{EventStore, StoreError};

mod append;
pub mod fixture;
mod folders;
mod report;
mod source;
mod tasks;
mod users;

pub use report::{BadRow, ImportReport, TableReport};
pub use source::legacy_timestamp;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("no legacy database at {0}")]
    NoSuchFile(String),
    #[error("reading the legacy database: {0}")]
    Source(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("reading Joan's database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("encoding an event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("writing the fixture: {0}")]
    Fixture(String),
    #[error("the legacy database reader stopped: {0}")]
    Reader(#[from] tokio::task::JoinError),
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check and report everything, write nothing.
    pub dry_run: bool,
    /// The old system's `./attachments` folder.
    pub attachments: Option<PathBuf>,
}

/// Where an import reports its progress (a bar per table on the command line).
pub trait Progress: Send + Sync {
    /// `table` starts, with `rows` to write.
    fn table(&self, table: &str, rows: u64) {
        let _ = (table, rows);
    }
    fn advance(&self, rows: u64) {
        let _ = rows;
    }
    fn finish(&self) {}
}

impl Progress for () {}

/// The tables taken in, in order; the others of a legacy database are listed as not imported.
const IMPORTED: [&str; 4] = ["users", "folders", "tasks", "task_activities"];

/// What the import knows exists: in Joan already, or imported by this run.
#[derive(Debug, Default)]
pub struct Known {
    /// User streams Joan holds already.
    existing_users: HashSet<String>,
    existing_tasks: HashSet<String>,
    existing_folders: HashSet<String>,
    /// Users a task may belong to: imported now or before.
    users: HashSet<String>,
    /// Folders a task may name: imported now or before.
    folders: HashSet<String>,
    /// Ids of the legacy projects (not imported yet), which tasks may name.
    projects: HashSet<String>,
}

/// The legacy rows, read on a blocking thread.
struct Legacy {
    users: Vec<source::Record>,
    tasks: Vec<source::Record>,
    activities: Vec<source::Record>,
    folders: Vec<source::Record>,
    projects: Vec<source::Record>,
    others: Vec<(String, u64)>,
}

fn read(path: &Path) -> Result<Legacy, ImportError> {
    let source = source::Source::open(path)?;
    let mut others = Vec::new();
    for table in source.tables()? {
        if !IMPORTED.contains(&table.as_str()) {
            let rows = source.count(&table)?;
            others.push((table, rows));
        }
    }
    Ok(Legacy {
        users: source.rows("users", "created_at, id")?,
        tasks: source.rows("tasks", "created_at, id")?,
        // The old history in its order: by time, then as it was written.
        activities: source.rows("task_activities", "created_at, rowid")?,
        folders: source.rows("folders", "created_at, id")?,
        projects: source.rows("projects", "id")?,
        others,
    })
}

/// The ids of `aggregate_type`'s streams in Joan's log.
async fn streams(store: &EventStore, aggregate_type: &str) -> Result<HashSet<String>, ImportError> {
    let rows: Vec<(String,)> = store
        .db()
        .fetch_all(
            "select aggregate_id from events where aggregate_type = $1 and sequence = 1",
            &joan_commands::args![aggregate_type],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Imports the legacy database at `path` into `store`.
pub async fn import_legacy(
    store: &EventStore,
    path: &Path,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    if let Some(dir) = &options.attachments {
        tracing::warn!(dir = %dir.display(), "attachments are not taken in by this version; their files stay where they are");
    }
    let run_id = uuid::Uuid::now_v7().to_string();
    let owned = path.to_path_buf();
    let legacy = tokio::task::spawn_blocking(move || read(&owned)).await??;
    let ids = |rows: &[source::Record]| rows.iter().map(source::Record::id).collect::<HashSet<_>>();
    let mut known = Known {
        existing_users: streams(store, "user").await?,
        existing_tasks: streams(store, "task").await?,
        existing_folders: streams(store, "folder").await?,
        projects: ids(&legacy.projects),
        ..Known::default()
    };
    let taken: Vec<(String, String)> = store
        .db()
        .fetch_all("select email, user_id from credentials", &[])
        .await?;
    let taken: HashMap<String, String> = taken.into_iter().collect();
    let stamp = append::Stamp { run_id: run_id.clone() };
    let mut report = ImportReport {
        run_id,
        dry_run: options.dry_run,
        not_imported: legacy.others.clone(),
        ..ImportReport::default()
    };

    let table_started = Instant::now();
    let mut user_report = TableReport::new("users", legacy.users.len());
    let mut user_batches = append::Batcher::default();
    users::plan(
        &legacy.users,
        &mut known,
        &taken,
        &stamp,
        &mut user_report,
        &mut user_batches,
    )?;
    write(store, options, progress, "users", user_batches).await?;
    user_report.elapsed = table_started.elapsed();

    let table_started = Instant::now();
    let mut folder_report = TableReport::new("folders", legacy.folders.len());
    let mut folder_batches = append::Batcher::default();
    folders::plan(
        &legacy.folders,
        &mut known,
        &stamp,
        &mut folder_report,
        &mut folder_batches,
    )?;
    write(store, options, progress, "folders", folder_batches).await?;
    folder_report.elapsed = table_started.elapsed();

    let table_started = Instant::now();
    let mut task_report = TableReport::new("tasks", legacy.tasks.len());
    let mut activity_report = TableReport::new("task_activities", legacy.activities.len());
    let mut task_batches = append::Batcher::default();
    tasks::plan(
        &legacy.tasks,
        &legacy.activities,
        &known,
        &stamp,
        (&mut task_report, &mut activity_report),
        &mut task_batches,
    )?;
    write(store, options, progress, "tasks + task_activities", task_batches).await?;
    task_report.elapsed = table_started.elapsed();
    activity_report.elapsed = task_report.elapsed;

    report.tables = vec![user_report, folder_report, task_report, activity_report];
    report.elapsed = started.elapsed();
    for bad in report.bad_rows() {
        tracing::warn!(table = bad.table, id = %bad.id, reason = %bad.reason, "legacy row skipped");
    }
    tracing::info!(
        run = %report.run_id,
        imported = report.imported(),
        skipped = report.bad_rows().count(),
        dry_run = options.dry_run,
        "legacy import finished"
    );
    Ok(report)
}

/// Appends `batches` (nothing in a dry run) with a progress bar for `table`.
async fn write(
    store: &EventStore,
    options: &ImportOptions,
    progress: &dyn Progress,
    table: &str,
    batches: append::Batcher,
) -> Result<(), ImportError> {
    let rows = batches.batches.iter().map(|b| b.rows).sum();
    progress.table(table, rows);
    if !options.dry_run {
        append::append_all(store, batches.batches, progress).await?;
    }
    progress.finish();
    Ok(())
}
