//! `joan import legacy`: the FastAPI system's database taken in, on SQLite and PostgreSQL.
//! The shared steps are here; the tests by topic below (reading every table back, running
//! again and replaying, signing in with an old password), with a module per table.
use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use joan_api::import::fixture::{self, Fixture};
use joan_api::import::{ImportOptions, ImportReport, import_legacy, legacy_timestamp};
use serde_json::Value;

use crate::app::TestApp;
use crate::backend::Backend;

mod activities;
mod activity_goals;
mod additions;
mod attachments;
mod clients;
mod goals;
mod legacy;
mod notes;
mod pomodoro;
mod projects;
mod read_back;
mod rerun;
mod schedules;
mod settings;
mod signin;

/// Good tasks in the fixture these tests write.
const TASKS: usize = 120;

struct Imported {
    app: TestApp,
    fixture: Fixture,
    report: ImportReport,
    legacy: rusqlite::Connection,
    _dir: tempfile::TempDir,
}

/// Import options as the command gives them: the key `joan serve` seals API keys with, and
/// its object store for the files of the fixture's attachments folder (when given).
fn options(app: &TestApp, dry_run: bool, attachments: Option<&Path>) -> ImportOptions {
    ImportOptions {
        dry_run,
        keyring: Some(app.state.keyring.clone()),
        attachments: attachments.map(Path::to_path_buf),
        uploads: Some(app.state.uploads.clone()),
    }
}

async fn import_fixture(backend: Backend) -> Option<Imported> {
    let app = TestApp::new(backend).await?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    let fixture = fixture::write(&path, TASKS).unwrap();
    let options = options(&app, false, Some(&fixture.attachments_dir));
    let report = import_legacy(&app.state.core.store, &path, &options, &())
        .await
        .unwrap();
    let legacy = rusqlite::Connection::open(&path).unwrap();
    Some(Imported {
        app,
        fixture,
        report,
        legacy,
        _dir: dir,
    })
}

fn token(app: &TestApp, user: &str) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let id = joan_domain::UserId(user.parse().unwrap());
    app.state.tokens.issue(id, uuid::Uuid::new_v4(), now).unwrap()
}

/// An old timestamp as Joan shows it.
fn at(raw: Option<String>) -> Value {
    raw.map_or(Value::Null, |raw| legacy_timestamp(&raw).unwrap().to_rfc3339().into())
}

fn legacy_rows(legacy: &rusqlite::Connection, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = legacy.prepare(sql).unwrap();
    let columns = stmt.column_count();
    stmt.query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn text(v: &rusqlite::types::Value) -> Option<String> {
    match v {
        rusqlite::types::Value::Text(t) => Some(t.clone()),
        _ => None,
    }
}

fn bad_rows(report: &ImportReport) -> BTreeSet<(String, String)> {
    report.bad_rows().map(|b| (b.table.to_string(), b.id.clone())).collect()
}

/// The rows imported without a reference they named: (table, id, column), the column being
/// the first word of the reason.
fn dropped_references(report: &ImportReport) -> BTreeSet<(String, String, String)> {
    report
        .tables
        .iter()
        .flat_map(|t| t.dropped_references.iter())
        .map(|b| {
            let column = b.reason.split(' ').next().unwrap_or_default();
            (b.table.to_string(), b.id.clone(), column.to_string())
        })
        .collect()
}

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

/// Every task page of a task's activity, oldest first.
async fn activity_oldest_first(app: &TestApp, token: &str, task: &str) -> Vec<Value> {
    let mut all = Vec::new();
    loop {
        let page = app
            .get(&format!("/api/v1/tasks/{task}/activity?limit=200&offset={}", all.len()))
            .token(token)
            .send()
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let rows = page.body.as_array().unwrap().clone();
        if rows.is_empty() {
            break;
        }
        all.extend(rows);
    }
    all.reverse();
    all
}
