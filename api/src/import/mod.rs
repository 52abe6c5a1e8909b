//! `joan import legacy`: takes in a SQLite database of the FastAPI system Joan replaces.
//!
//! Each good row becomes import events that keep its id and timestamps, with its owner as
//! actor and the run's id in the metadata; a task's old `task_activities` follow its import
//! in its stream. A bad row is reported with its table, id and reason, and the rest is
//! imported. Streams that exist already are left alone, so a second run imports nothing new;
//! only a task's goal links and a project's memberships that its stream lacks go onto its
//! end (`earlier`). Attachment files go into the object store with their rows.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use joan_commands::{EventStore, StoreError};

use known::Known;

use crate::crypto::Keyring;
use crate::uploads::Uploads;

mod activities;
mod activity_goals;
mod append;
mod attachments;
mod clients;
mod earlier;
pub mod fixture;
mod folders;
mod goal_links;
mod goals;
mod known;
mod notes;
mod pomodoro;
mod projects;
mod report;
mod rules;
mod schedules;
mod settings;
mod single;
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
    #[error("--attachments needs the object store to put the files in")]
    NoObjectStore,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check and report everything, write nothing.
    pub dry_run: bool,
    /// The old system's `./attachments` folder: without it, `attachments` rows are reported
    /// as skipped.
    pub attachments: Option<PathBuf>,
    /// Where attachment files go (the store `joan serve` uses); needed with `attachments`
    /// unless `dry_run`.
    pub uploads: Option<Uploads>,
    /// Seals the users' API keys of `user_settings` (a row with a key is refused without it).
    pub keyring: Option<Keyring>,
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

/// Imports the legacy database at `path` into `store`.
pub async fn import_legacy(
    store: &EventStore,
    path: &Path,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let uploads = if options.dry_run {
        None
    } else {
        options.uploads.as_ref()
    };
    let files = match &options.attachments {
        Some(_) if uploads.is_none() && !options.dry_run => return Err(ImportError::NoObjectStore),
        Some(dir) => Some(attachments::Files { dir, uploads }),
        None => None,
    };
    let run_id = uuid::Uuid::now_v7().to_string();
    let owned = path.to_path_buf();
    let mut legacy = tokio::task::spawn_blocking(move || source::read(&owned)).await??;
    let mut known = Known::load(store).await?;
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
    let records = legacy.take("users");
    let mut user_report = TableReport::new("users", records.len());
    let mut user_batches = append::Batcher::default();
    users::plan(
        &records,
        &mut known,
        &taken,
        &stamp,
        &mut user_report,
        &mut user_batches,
    )?;
    write(store, options, progress, "users", user_batches).await?;
    user_report.elapsed = table_started.elapsed();

    let table_started = Instant::now();
    let records = legacy.take("folders");
    let mut folder_report = TableReport::new("folders", records.len());
    let mut folder_batches = append::Batcher::default();
    folders::plan(&records, &mut known, &stamp, &mut folder_report, &mut folder_batches)?;
    write(store, options, progress, "folders", folder_batches).await?;
    folder_report.elapsed = table_started.elapsed();

    let run = Run {
        store,
        options,
        progress,
        stamp: &stamp,
    };
    let settings_rows = legacy.take("user_settings");
    let keyring = options.keyring.as_ref();
    let settings_report = run
        .one_per_row(&mut known, &settings::TABLE, &settings_rows, |record, known| {
            settings::check(record, known, keyring)
        })
        .await?;
    let note_rows = legacy.take("notes");
    let note_report = run
        .one_per_row(&mut known, &notes::TABLE, &note_rows, notes::check)
        .await?;
    let goal_rows = legacy.take("goals");
    let goal_report = run
        .one_per_row(&mut known, &goals::TABLE, &goal_rows, goals::check)
        .await?;
    let activity_rows = legacy.take("personal_activities");
    let activity_report = run
        .one_per_row(&mut known, &activities::TABLE, &activity_rows, activities::check)
        .await?;
    let activity_goal_rows = legacy.take("activity_goals");
    let activity_goal_report = run
        .one_per_row(
            &mut known,
            &activity_goals::TABLE,
            &activity_goal_rows,
            activity_goals::check,
        )
        .await?;
    let client_rows = legacy.take("clients");
    let client_report = run
        .one_per_row(&mut known, &clients::TABLE, &client_rows, clients::check)
        .await?;

    let table_started = Instant::now();
    let project_rows = legacy.take("projects");
    let mut member_rows = legacy.take("project_memberships");
    member_rows.extend(legacy.take("project_members"));
    let mut project_report = TableReport::new("projects", project_rows.len());
    let mut member_report = TableReport::new("project_memberships", member_rows.len());
    let mut project_batches = append::Batcher::default();
    let earlier_projects = earlier::load(store, &known, &member_rows, "project_id").await?;
    projects::plan(
        &project_rows,
        &member_rows,
        &earlier_projects,
        &mut known,
        &stamp,
        (&mut project_report, &mut member_report),
        &mut project_batches,
    )?;
    write(store, options, progress, "projects + members", project_batches).await?;
    project_report.elapsed = table_started.elapsed();
    member_report.elapsed = project_report.elapsed;

    let table_started = Instant::now();
    let (tasks, activities, links) = (
        legacy.take("tasks"),
        legacy.take("task_activities"),
        legacy.take("task_goal_links"),
    );
    let mut reports = tasks::Reports {
        tasks: TableReport::new("tasks", tasks.len()),
        activities: TableReport::new("task_activities", activities.len()),
        links: TableReport::new("task_goal_links", links.len()),
    };
    let mut task_batches = append::Batcher::default();
    let earlier_tasks = earlier::load(store, &known, &links, "task_id").await?;
    tasks::plan(
        &tasks,
        &activities,
        &links,
        &earlier_tasks,
        &mut known,
        &stamp,
        &mut reports,
        &mut task_batches,
    )?;
    write(
        store,
        options,
        progress,
        "tasks + activities + goal links",
        task_batches,
    )
    .await?;
    let elapsed = table_started.elapsed();
    for table in [&mut reports.tasks, &mut reports.activities, &mut reports.links] {
        table.elapsed = elapsed;
    }

    // Blocks name tasks: the days and templates come after them.
    let day_rows = legacy.take("daily_schedules");
    let day_report = run
        .one_per_row(&mut known, &schedules::DAYS, &day_rows, schedules::check_day)
        .await?;
    let template_rows = legacy.take("schedule_templates");
    let template_report = run
        .one_per_row(
            &mut known,
            &schedules::TEMPLATES,
            &template_rows,
            schedules::check_template,
        )
        .await?;

    let table_started = Instant::now();
    let (session_rows, pomodoro_settings_rows) = (legacy.take("pomodoro_sessions"), legacy.take("pomodoro_settings"));
    let mut session_report = TableReport::new("pomodoro_sessions", session_rows.len());
    let mut pomodoro_settings_report = TableReport::new("pomodoro_settings", pomodoro_settings_rows.len());
    let mut session_batches = append::Batcher::default();
    pomodoro::plan(
        &session_rows,
        &pomodoro_settings_rows,
        &known,
        &stamp,
        pomodoro::Reports {
            sessions: &mut session_report,
            settings: &mut pomodoro_settings_report,
        },
        &mut session_batches,
    )?;
    write(
        store,
        options,
        progress,
        "pomodoro settings + sessions",
        session_batches,
    )
    .await?;
    session_report.elapsed = table_started.elapsed();
    pomodoro_settings_report.elapsed = session_report.elapsed;

    // Attachments hang on tasks, notes, projects and goals: they come last.
    let table_started = Instant::now();
    let attachment_rows = legacy.take("attachments");
    let mut attachment_report = TableReport::new(attachments::TABLE, attachment_rows.len());
    let mut attachment_batches = append::Batcher::default();
    attachments::plan(
        &attachment_rows,
        &known,
        files.as_ref(),
        &stamp,
        &mut attachment_report,
        &mut attachment_batches,
    )
    .await?;
    write(store, options, progress, attachments::TABLE, attachment_batches).await?;
    attachment_report.elapsed = table_started.elapsed();

    report.tables = vec![
        user_report,
        settings_report,
        folder_report,
        note_report,
        goal_report,
        activity_report,
        activity_goal_report,
        client_report,
        project_report,
        member_report,
        reports.tasks,
        reports.activities,
        reports.links,
        day_report,
        template_report,
        pomodoro_settings_report,
        session_report,
        attachment_report,
    ];
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

/// What every table's import shares.
struct Run<'r> {
    store: &'r EventStore,
    options: &'r ImportOptions,
    progress: &'r dyn Progress,
    stamp: &'r append::Stamp,
}

impl Run<'_> {
    /// Imports a table whose rows each become one stream, checked by `check`.
    async fn one_per_row<E: cqrs_es::DomainEvent + serde::Serialize>(
        &self,
        known: &mut Known,
        table: &single::Table,
        records: &[source::Record],
        check: impl Fn(&source::Record, &Known) -> Result<single::Checked<E>, String>,
    ) -> Result<TableReport, ImportError> {
        let started = Instant::now();
        let mut report = TableReport::new(table.name, records.len());
        let mut batches = append::Batcher::default();
        single::plan(table, records, known, self.stamp, &mut report, &mut batches, check)?;
        write(self.store, self.options, self.progress, table.name, batches).await?;
        report.elapsed = started.elapsed();
        Ok(report)
    }
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
