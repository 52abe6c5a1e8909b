//! `joan import legacy`: the FastAPI system's database taken in, on SQLite and PostgreSQL.
use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use joan_api::import::fixture::{self, Fixture};
use joan_api::import::{ImportOptions, ImportReport, import_legacy, legacy_timestamp};
use joan_commands::args;
use joan_projections::rebuild::rebuild;
use serde_json::Value;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

mod activities;
mod clients;
mod goals;
mod legacy;
mod notes;
mod pomodoro;
mod projects;
mod settings;

on_both_backends!(
    every_good_row_reads_back_through_the_api_and_every_bad_row_is_reported,
    a_second_import_adds_nothing_and_a_replay_gives_identical_tables,
    a_legacy_user_signs_in_with_the_old_password_and_is_rehashed_to_argon2id,
    a_dry_run_reports_and_writes_nothing,
);

/// Good tasks in the fixture these tests write.
const TASKS: usize = 120;

struct Imported {
    app: TestApp,
    fixture: Fixture,
    report: ImportReport,
    legacy: rusqlite::Connection,
    _dir: tempfile::TempDir,
}

/// Import options with the key `joan serve` seals API keys with, as the command gives them.
fn options(app: &TestApp, dry_run: bool) -> ImportOptions {
    ImportOptions {
        dry_run,
        keyring: Some(app.state.keyring.clone()),
        ..ImportOptions::default()
    }
}

async fn import_fixture(backend: Backend) -> Option<Imported> {
    let app = TestApp::new(backend).await?;
    let options = options(&app, false);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    let fixture = fixture::write(&path, TASKS).unwrap();
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

async fn every_good_row_reads_back_through_the_api_and_every_bad_row_is_reported(backend: Backend) {
    let Some(Imported {
        app,
        fixture,
        report,
        legacy,
        ..
    }) = import_fixture(backend).await
    else {
        return;
    };
    let expected_bad: BTreeSet<(String, String)> =
        fixture.bad.iter().map(|(t, id)| (t.to_string(), id.clone())).collect();
    assert_eq!(bad_rows(&report), expected_bad, "{report}");
    let counts = |t: &str| report.table(t).map(|t| (t.imported, t.already)).unwrap();
    assert_eq!(counts("users"), (fixture.good_users, 0));
    assert_eq!(counts("folders"), (fixture.good_folders, 0));
    assert_eq!(counts("tasks"), (fixture.good_tasks, 0));
    assert_eq!(counts("task_activities"), (fixture.good_activities, 0));
    for (table, good) in &fixture.good {
        assert_eq!(counts(table), (*good, 0), "{table}");
    }
    let expected_dropped: BTreeSet<(String, String, String)> = fixture
        .dropped
        .iter()
        .map(|(t, id, c)| (t.to_string(), id.clone(), c.to_string()))
        .collect();
    assert_eq!(dropped_references(&report), expected_dropped, "{report}");
    let summary = report.to_string();
    assert!(!summary.contains("not imported by this version"), "{summary}");
    assert!(summary.contains("its parents form a cycle"), "{summary}");

    // Users: their profile as the old rows had it.
    let tokens: HashMap<String, String> = fixture
        .users
        .iter()
        .map(|(id, ..)| (id.clone(), token(&app, id)))
        .collect();
    for row in legacy_rows(
        &legacy,
        "select id, email, name, is_active, created_at, updated_at from users",
    ) {
        let id = text(&row[0]).unwrap();
        let Some(token) = tokens.get(&id) else { continue };
        let me = app.get("/api/v1/users/profile").token(token).send().await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["email"], text(&row[1]).unwrap().as_str());
        assert_eq!(me.body["name"], text(&row[2]).unwrap_or_default().as_str());
        assert_eq!(me.body["created_at"], at(text(&row[4])), "{}", me.text);
    }

    // Folders: the sound ones, the child under its parent.
    for row in legacy_rows(&legacy, "select id, user_id, parent_id, name, created_at from folders") {
        let id = text(&row[0]).unwrap();
        let folder = app
            .get(&format!("/api/v1/folders/{id}"))
            .token(&tokens[&text(&row[1]).unwrap()])
            .send()
            .await;
        if expected_bad.contains(&("folders".into(), id.clone())) {
            assert_eq!(folder.status, StatusCode::NOT_FOUND);
            continue;
        }
        assert_eq!(folder.status, StatusCode::OK, "{}", folder.text);
        assert_eq!(folder.body["parent_id"], text(&row[2]).map_or(Value::Null, Value::from));
        assert_eq!(folder.body["name"], text(&row[3]).unwrap().as_str());
        assert_eq!(folder.body["created_at"], at(text(&row[4])));
    }

    // Tasks: every column the old system had, through the owner's eyes.
    let sql = "select id, user_id, title, description, status, priority, due_date, completed_at, folder_id, \
               created_at, updated_at, project_id from tasks";
    let mut checked = 0;
    for row in legacy_rows(&legacy, sql) {
        let id = text(&row[0]).unwrap();
        if expected_bad.contains(&("tasks".into(), id.clone())) {
            continue;
        }
        let owner = text(&row[1]).unwrap();
        let task = app
            .get(&format!("/api/v1/tasks/{id}"))
            .token(&tokens[&owner])
            .send()
            .await;
        assert_eq!(task.status, StatusCode::OK, "{id}: {}", task.text);
        let b = &task.body;
        assert_eq!(b["user_id"], owner.as_str());
        assert_eq!(b["title"], text(&row[2]).unwrap().as_str());
        assert_eq!(b["description"], text(&row[3]).map_or(Value::Null, Value::from));
        assert_eq!(b["status"], text(&row[4]).unwrap().as_str());
        let priority = match row[5] {
            rusqlite::types::Value::Integer(p) => p,
            _ => 0,
        };
        assert_eq!(b["priority"], priority);
        let due = text(&row[6]).map(|d| if d.len() == 10 { Value::from(d) } else { at(Some(d)) });
        assert_eq!(b["due_date"], due.unwrap_or(Value::Null));
        assert_eq!(b["completed_at"], at(text(&row[7])));
        let reference = |i: usize, column: &str| {
            if expected_dropped.contains(&("tasks".into(), id.clone(), column.into())) {
                Value::Null
            } else {
                text(&row[i]).map_or(Value::Null, Value::from)
            }
        };
        assert_eq!(b["folder_id"], reference(8, "folder_id"));
        assert_eq!(b["project_id"], reference(11, "project_id"), "{id}");
        assert_eq!(b["created_at"], at(text(&row[9])));
        assert_eq!(b["updated_at"], at(text(&row[10])));
        // Someone else's imported task is not theirs to see (unless it is in a project of
        // theirs).
        if b["project_id"].is_null() {
            let stranger = tokens.iter().find(|(u, _)| **u != owner).unwrap().1;
            let hidden = app.get(&format!("/api/v1/tasks/{id}")).token(stranger).send().await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        }
        checked += 1;
    }
    assert_eq!(checked, fixture.good_tasks);

    // The other tables, each through its own endpoints.
    let expect = legacy::Expect {
        tokens: &tokens,
        bad: &expected_bad,
        dropped: &expected_dropped,
    };
    let good = |table: &str| fixture.good[table];
    assert_eq!(
        settings::read_back_settings(&app, &legacy, &expect).await,
        good("user_settings")
    );
    settings::no_key_in_clear(&app, &fixture.secrets, &report.to_string()).await;
    assert_eq!(notes::read_back_notes(&app, &legacy, &expect).await, good("notes"));
    assert_eq!(goals::read_back_goals(&app, &legacy, &expect).await, good("goals"));
    assert_eq!(
        clients::read_back_clients(&app, &legacy, &expect).await,
        good("clients")
    );
    assert_eq!(
        activities::read_back_activities(&app, &legacy, &expect).await,
        good("personal_activities")
    );
    assert_eq!(
        projects::read_back_projects(&app, &legacy, &expect).await,
        good("projects")
    );
    assert_eq!(
        pomodoro::read_back_sessions(&app, &legacy, &expect).await,
        good("pomodoro_sessions")
    );
    let db = app.state.core.store.db();
    assert_eq!(goals::links_kept(db, &legacy, &expect).await, good("task_goal_links"));
    assert_eq!(
        projects::memberships_kept(db, &legacy, &expect).await,
        good("project_memberships")
    );

    // The long history: the import first, then every old activity in order, ids kept.
    let task = &fixture.long_history_task;
    let owner: String = legacy
        .query_row("select user_id from tasks where id = ?1", [task], |r| r.get(0))
        .unwrap();
    let old = legacy_rows(
        &legacy,
        &format!(
            "select id, action, details, created_at from task_activities where task_id = '{task}' order by created_at, rowid"
        ),
    );
    assert!(old.len() > 200, "{}", old.len());
    let shown = activity_oldest_first(&app, &tokens[&owner], task).await;
    assert_eq!(shown.len(), old.len() + 1);
    assert_eq!(shown[0]["action"], "imported");
    for (row, activity) in old.iter().zip(&shown[1..]) {
        assert_eq!(activity["id"], text(&row[0]).unwrap().as_str());
        assert_eq!(activity["action"], text(&row[1]).unwrap().as_str());
        let details: Value = text(&row[2]).map_or(Value::Null, |d| serde_json::from_str(&d).unwrap());
        assert_eq!(activity["details"], details, "{activity}");
        assert_eq!(activity["created_at"], at(text(&row[3])));
    }
    let history = app
        .get(&format!("/api/v1/tasks/{task}/history"))
        .token(&tokens[&owner])
        .send()
        .await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"TaskImported"));
    assert!(types[1..].iter().all(|t| *t == "TaskActivityImported"), "{types:?}");
    assert_eq!(history.body[0]["actor"], owner.as_str(), "{}", history.text);

    // Every imported event names its owner as actor and the run in its metadata.
    let metadata: Vec<(String, Option<String>)> = app
        .state
        .core
        .store
        .db()
        .fetch_all(
            "select metadata, owner_id from events where aggregate_id = $1",
            &args![task.as_str()],
        )
        .await
        .unwrap();
    for (meta, owner_id) in metadata {
        let meta: Value = serde_json::from_str(&meta).unwrap();
        assert_eq!(meta["import_run"], report.run_id.as_str());
        assert_eq!(meta["actor"], owner.as_str());
        assert_eq!(owner_id.as_deref(), Some(owner.as_str()));
    }

    // A change after the import continues the history.
    let patched = app
        .patch(&format!("/api/v1/tasks/{task}"))
        .token(&tokens[&owner])
        .json(&serde_json::json!({"title": "Renamed after the move"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let shown = activity_oldest_first(&app, &tokens[&owner], task).await;
    assert_eq!(shown.last().unwrap()["action"], "title_changed");
}

async fn a_second_import_adds_nothing_and_a_replay_gives_identical_tables(backend: Backend) {
    let Some(Imported {
        app, fixture, legacy, ..
    }) = import_fixture(backend).await
    else {
        return;
    };
    let core = &app.state.core;
    settle(core).await;

    // Imported tasks count in the daily statistics and analytics as created ones do, and
    // those that came in completed as completed on their old day.
    let bad: BTreeSet<String> = fixture
        .bad
        .iter()
        .filter(|(t, _)| *t == "tasks")
        .map(|(_, id)| id.clone())
        .collect();
    let completed = legacy_rows(&legacy, "select id from tasks where status = 'completed'")
        .iter()
        .filter(|r| !bad.contains(&text(&r[0]).unwrap()))
        .count() as i64;
    let db = core.store.db();
    let sum = |column: &'static str| async move {
        db.fetch_scalar_i64(
            &format!("select cast(coalesce(sum({column}), 0) as bigint) from task_daily_stats"),
            &[],
        )
        .await
        .unwrap()
    };
    assert_eq!(sum("created").await, fixture.good_tasks as i64);
    assert_eq!(sum("completed").await, completed);
    let facts = db
        .fetch_scalar_i64("select count(*) from analytics_task_facts where kind = 'created'", &[])
        .await
        .unwrap();
    assert_eq!(facts, fixture.good_tasks as i64);
    let done = db
        .fetch_scalar_i64(
            "select count(*) from analytics_task_state where done_at is not null",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(done, completed);
    let before = events(&app).await;
    let live = dump(core.store.db()).await;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    fixture::write(&path, TASKS).unwrap();
    let again = import_legacy(&core.store, &path, &options(&app, false), &())
        .await
        .unwrap();
    assert_eq!(again.imported(), 0, "{again}");
    let already = |t: &str| again.table(t).unwrap().already;
    for (table, good) in &fixture.good {
        assert_eq!(already(table), *good, "{table}");
    }
    assert_eq!(
        (
            already("users"),
            already("folders"),
            already("tasks"),
            already("task_activities")
        ),
        (
            fixture.good_users,
            fixture.good_folders,
            fixture.good_tasks,
            fixture.good_activities
        )
    );
    assert!(again.to_string().contains("nothing new to import"), "{again}");
    assert_eq!(events(&app).await, before);
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a second import");

    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a replay of the import");
}

async fn a_legacy_user_signs_in_with_the_old_password_and_is_rehashed_to_argon2id(backend: Backend) {
    let Some(Imported { app, fixture, .. }) = import_fixture(backend).await else {
        return;
    };
    let db = app.state.core.store.db();
    let hash = || async {
        let (hash,): (String,) = db
            .fetch_optional(
                "select password_hash from credentials where email = $1",
                &args![fixture.login_email.as_str()],
            )
            .await
            .unwrap()
            .unwrap();
        hash
    };
    let old = hash().await;
    assert!(old.starts_with("$2b$"), "{old}");

    let wrong = app.login(&fixture.login_email, "not the old password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(hash().await, old);

    let signed_in = app.login(&fixture.login_email, &fixture::password(0)).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    let new = hash().await;
    assert!(new.starts_with("$argon2id$"), "{new}");
    // The argon2id hash is the one that signs in from now on.
    let again = app.login(&fixture.login_email, &fixture::password(0)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(hash().await, new);

    let token = signed_in.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/users/profile").token(token).send().await;
    let user = me.body["id"].as_str().unwrap().to_string();
    let types: Vec<(String, String)> = db
        .fetch_all(
            "select event_type, payload from events where aggregate_type = 'user' and aggregate_id = $1 \
             order by sequence",
            &args![user.as_str()],
        )
        .await
        .unwrap();
    let names: Vec<&str> = types.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names, ["UserImported", "UserPasswordRehashed", "UserFirstLoggedIn"]);
    // No hash, old or new, is in any event.
    let leaked = db
        .fetch_scalar_i64(
            "select count(*) from events where payload like '%$2b$%' or payload like '%argon2%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(leaked, 0);

    // An inactive legacy user cannot sign in, even with the right password.
    let (_, email, password, _) = fixture.users.iter().find(|u| !u.3).unwrap();
    let refused = app.login(email, password).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

async fn a_dry_run_reports_and_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    let fixture = fixture::write(&path, TASKS).unwrap();
    let before = events(&app).await;
    let report = import_legacy(&app.state.core.store, &path, &options(&app, true), &())
        .await
        .unwrap();
    assert_eq!(report.table("tasks").unwrap().imported, fixture.good_tasks);
    assert_eq!(bad_rows(&report).len(), fixture.bad.len());
    assert!(report.to_string().contains("dry run"), "{report}");
    assert_eq!(events(&app).await, before);
    // The real run afterwards takes everything in.
    let real = import_legacy(&app.state.core.store, &path, &options(&app, false), &())
        .await
        .unwrap();
    assert_eq!(real.imported(), report.imported());
}
