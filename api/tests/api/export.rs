//! `joan export d1` loaded into a real local D1 by wrangler (`JOAN_WRANGLER`, installed by
//! `.ci/wrangler.sh`): the same rows and values as Joan's read tables; `joan export r2` copies
//! every attachment to an S3-compatible server (moto) byte for byte. Without wrangler or moto
//! the tests print `SKIP:` and pass, unless `CI=true`, where they fail.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use joan_api::export::tables::{TABLES, Table};
use joan_api::uploads::{S3Settings, Uploads, s3_store};
use joan_api::workload::Workload;
use joan_commands::Database;
use joan_commands::db::Location;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::attachments::s3::{BUCKET, required, start_moto};
use crate::attachments::{noise, note, upload};
use crate::backend::{Backend, on_both_backends};
use crate::support::{JOAN, joan, json_rows, settle};

on_both_backends!(an_export_loads_into_a_local_d1_with_every_row_and_value);

/// `JOAN_WRANGLER`; `None` (after a `SKIP:` line) when it is not set.
fn wrangler() -> Option<PathBuf> {
    match std::env::var_os("JOAN_WRANGLER").filter(|p| !p.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => {
            assert!(
                !required(),
                "JOAN_WRANGLER is required when CI=true: run .ci/wrangler.sh"
            );
            eprintln!(
                "SKIP: JOAN_WRANGLER is not set (export JOAN_WRANGLER=$(.ci/wrangler.sh)); set CI=true to make this a failure"
            );
            None
        }
    }
}

/// A local D1 database in a directory of its own, reached through wrangler.
struct LocalD1 {
    wrangler: PathBuf,
    dir: tempfile::TempDir,
}

impl LocalD1 {
    fn new(wrangler: PathBuf) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("wrangler.toml"),
            "name = \"joan-export-test\"\ncompatibility_date = \"2025-09-01\"\n\n\
             [[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"joan\"\n\
             database_id = \"00000000-0000-0000-0000-000000000000\"\n",
        )
        .unwrap();
        Self { wrangler, dir }
    }

    fn execute(&self, args: &[&str]) -> std::process::Output {
        let out = Command::new(&self.wrangler)
            .args(["d1", "execute", "joan", "--local", "--persist-to", "state"])
            .args(args)
            .current_dir(self.dir.path())
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "wrangler d1 execute {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn load(&self, file: &Path) {
        self.execute(&["--file", file.to_str().unwrap()]);
    }

    /// The rows of each statement of `sql`.
    fn query(&self, sql: &str) -> Vec<Vec<serde_json::Map<String, Value>>> {
        let out = self.execute(&["--json", "--command", sql]);
        let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "wrangler's --json answer: {e}: {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        answers
            .into_iter()
            .map(|answer| {
                assert_eq!(answer["success"], json!(true), "{answer}");
                serde_json::from_value(answer["results"].clone()).unwrap()
            })
            .collect()
    }
}

fn select_list(table: &Table) -> String {
    table
        .exported()
        .filter_map(|c| c.select())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Joan's rows of `table` with these ids, as the export reads them, by id.
async fn joan_rows(db: &Database, table: &Table, ids: &[String]) -> BTreeMap<String, Vec<Value>> {
    if ids.is_empty() {
        return BTreeMap::new();
    }
    let list = ids.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(", ");
    let rest = format!("from {} where id in ({list})", table.name);
    json_rows(db, &select_list(table), &rest)
        .await
        .into_iter()
        .map(|r| {
            let row: Vec<Value> = serde_json::from_str(&r).unwrap();
            (row[0].as_str().unwrap().to_string(), row)
        })
        .collect()
}

/// Whether a D1 value is the one Joan holds (numbers by value: 1 and 1.0 are one REAL).
fn same(d1: &Value, joan: &Value) -> bool {
    match (d1, joan) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => d1 == joan,
    }
}

/// Rows in every domain, and the edge cases: Unicode and emoji, a quote, a semicolon and a
/// comment marker inside text, a tab and a CR LF, NULLs, a description longer than one D1
/// statement may be. Answers the ids of the edge rows by table.
async fn fill(app: &TestApp) -> Vec<(&'static str, String)> {
    let mut workload = Workload::start(app.router.clone(), &app.state, 3, 61).await.unwrap();
    let tally = workload.run(700).await.unwrap();
    assert!(tally.accepted > 400, "{tally:?}");

    let edge = app.register_and_login("zoë-export@example.test").await;
    let renamed = app
        .patch("/api/v1/users/profile")
        .token(&edge.access)
        .json(&json!({"name": "Zoë 🎉 O'Brien"}))
        .send()
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let quoted = app
        .post("/api/v1/tasks")
        .token(&edge.access)
        .json(&json!({
            "title": "It's \"done\"; -- not a comment /* nor this */ 🎉 naïve 日本語",
            "description": "tab\there\r\nnext line ' \" ; 👩‍💻",
            "tags": ["ünï", "🎉"],
        }))
        .send()
        .await;
    assert_eq!(quoted.status, StatusCode::CREATED, "{}", quoted.text);
    let bare = app
        .post("/api/v1/tasks")
        .token(&edge.access)
        .json(&json!({"title": "nothing else"}))
        .send()
        .await;
    assert_eq!(bare.status, StatusCode::CREATED, "{}", bare.text);
    // 100,000 characters, ~300 KB of UTF-8: three times what one D1 statement may hold.
    let long: String = "é🎉'x".chars().cycle().take(100_000).collect();
    let long_task = app
        .post("/api/v1/tasks")
        .token(&edge.access)
        .json(&json!({"title": "long", "description": long}))
        .send()
        .await;
    assert_eq!(long_task.status, StatusCode::CREATED, "{}", long_task.text);
    let id = |r: &crate::app::Reply| r.body["id"].as_str().unwrap().to_string();
    vec![
        ("users", edge.user_id.clone()),
        ("tasks", id(&quoted)),
        ("tasks", id(&bare)),
        ("tasks", id(&long_task)),
    ]
}

async fn an_export_loads_into_a_local_d1_with_every_row_and_value(backend: Backend) {
    let Some(wrangler) = wrangler() else { return };
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let edges = fill(&app).await;
    settle(&app.state.core).await;
    let db = app.state.core.store.db().clone();
    // A task whose user is not in `users` (D1 would refuse it): left out, and said so.
    app.db
        .execute_outside(
            "insert into tasks (id, user_id, title, status, priority, tags, version, created_at, updated_at) \
             values ('orphan-task', 'no-such-user', 'orphan', 'pending', 0, '[]', 1, \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .await;

    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("joan.sql");
    let exported = joan(&app.db)
        .args(["export", "d1", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&exported.stderr);
    assert!(exported.status.success(), "joan export d1 failed: {stderr}");
    assert!(
        stderr.contains("table=tasks") && stderr.contains("D1 export written"),
        "no progress per table: {stderr}"
    );
    assert!(
        stderr.contains("rows left out") && stderr.contains("left_out=1"),
        "the orphan task was not reported: {stderr}"
    );
    assert!(!out_dir.path().join("joan.sql.partial").exists());
    let sql = std::fs::read_to_string(&file).unwrap();
    assert!(!sql.contains("PRAGMA") && !sql.contains("BEGIN"));

    let d1 = LocalD1::new(wrangler);
    d1.load(&file);

    // Row counts, every table (one statement each: D1 allows few terms in a compound SELECT).
    let counts_sql = TABLES
        .iter()
        .map(|t| format!("select count(*) as n from {}", t.name))
        .collect::<Vec<_>>()
        .join("; ");
    let counts: Vec<Value> = d1
        .query(&counts_sql)
        .into_iter()
        .map(|rows| rows[0]["n"].clone())
        .collect();
    assert_eq!(counts.len(), TABLES.len());
    let mut total = 0;
    for (table, n) in TABLES.iter().zip(&counts) {
        let joan_count = db
            .fetch_scalar_i64(&format!("select count(*) from {}", table.name), &[])
            .await
            .unwrap();
        let orphans = i64::from(table.name == "tasks");
        assert_eq!(*n, json!(joan_count - orphans), "rows of {} in D1", table.name);
        total += joan_count;
    }
    for table in [
        "tasks",
        "task_activities",
        "notes",
        "goals",
        "projects",
        "personal_activities",
    ] {
        let n = TABLES.iter().zip(&counts).find(|(t, _)| t.name == table).unwrap().1;
        assert!(n.as_i64().unwrap() > 3, "the workload made too few {table}: {n}");
    }
    assert!(total > 500, "{total} rows");

    // Every column of a sample of rows (the first by id, and the edge cases).
    let samples = TABLES
        .iter()
        .map(|t| {
            let edge_ids: Vec<String> = edges
                .iter()
                .filter(|(table, _)| *table == t.name)
                .map(|(_, id)| format!("'{id}'"))
                .collect();
            let edge = if edge_ids.is_empty() {
                String::new()
            } else {
                format!(" or id in ({})", edge_ids.join(", "))
            };
            let columns: Vec<&str> = t.exported().map(|c| c.name).collect();
            format!(
                "select {} from {1} where id in (select id from {1} order by id limit 6){edge}",
                columns.join(", "),
                t.name
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let answers = d1.query(&samples);
    assert_eq!(answers.len(), TABLES.len());
    let mut compared = 0;
    for (table, rows) in TABLES.iter().zip(answers) {
        let ids: Vec<String> = rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        let expected = joan_rows(&db, table, &ids).await;
        assert_eq!(expected.len(), rows.len(), "{}: rows missing in Joan", table.name);
        for row in &rows {
            let joan_row = &expected[row["id"].as_str().unwrap()];
            for (column, value) in table.exported().zip(joan_row) {
                assert!(
                    same(&row[column.name], value),
                    "{}.{} of {}: D1 has {}, Joan {}",
                    table.name,
                    column.name,
                    row["id"],
                    row[column.name],
                    value
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "{compared} values compared");

    // The edge cases arrived whole, and the user's hash is the credential store's.
    let edge_user = &edges[0].1;
    let edge_rows = d1.query(&format!(
        "select name, hashed_password from users where id = '{edge_user}'; \
         select title, description from tasks where user_id = '{edge_user}' order by title"
    ));
    let user = &edge_rows[0][0];
    // The seed's columns, without Joan's own (`version`).
    let columns = d1.query("select name from pragma_table_info('tasks')").remove(0);
    let columns: Vec<&str> = columns.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "user_id",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "completed_at",
            "folder_id",
            "project_id",
            "estimated_minutes",
            "actual_minutes",
            "tags",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(user["name"], json!("Zoë 🎉 O'Brien"));
    assert!(
        user["hashed_password"].as_str().unwrap().starts_with("$argon2id$"),
        "{user:?}"
    );
    let tasks = &edge_rows[1];
    assert_eq!(
        tasks[0]["title"],
        json!("It's \"done\"; -- not a comment /* nor this */ 🎉 naïve 日本語")
    );
    assert_eq!(tasks[0]["description"], json!("tab\there\r\nnext line ' \" ; 👩‍💻"));
    assert_eq!(tasks[1]["description"].as_str().unwrap().chars().count(), 100_000);
    assert_eq!(tasks[2]["description"], Value::Null);
    // A second load of the same file replaces the tables: the counts stay.
    d1.load(&file);
    let again: Vec<Value> = d1
        .query(&counts_sql)
        .into_iter()
        .map(|rows| rows[0]["n"].clone())
        .collect();
    assert_eq!(again, counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_r2_copies_every_attachment_byte_for_byte_and_skips_what_is_there() {
    let Some(moto) = start_moto().await else { return };
    let data = tempfile::tempdir().unwrap();
    let uploads = Uploads::local(&data.path().join(Uploads::LOCAL_DIR)).unwrap();
    let Some(app) = TestApp::with_uploads(Backend::Sqlite, uploads).await else {
        return;
    };
    let Location::Sqlite(database) = &app.db.location else {
        unreachable!()
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let files = [
        ("big.bin", noise(6 * 1024 * 1024 + 17)),
        ("small.txt", b"hello \0 world".to_vec()),
    ];
    let mut keys = Vec::new();
    for (name, bytes) in &files {
        let uploaded = upload(&app, &token, ("note", &note), name, bytes).await;
        assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
        keys.push(uploaded.body["storage_key"].as_str().unwrap().to_string());
    }

    const SECRET: &str = "r2-secret-that-is-never-logged";
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let export = || {
        let mut command = Command::new(JOAN);
        command
            .arg("--data-dir")
            .arg(data.path())
            .arg("--database-url")
            .arg(format!("sqlite://{}", database.display()))
            .args(["export", "r2"])
            .env("JOAN_R2_ENDPOINT", &endpoint)
            .env("JOAN_R2_BUCKET", BUCKET)
            .env("JOAN_R2_REGION", "us-east-1")
            .env("JOAN_R2_ACCESS_KEY_ID", "testing")
            .env("JOAN_R2_SECRET_ACCESS_KEY", SECRET);
        command
    };
    let first = export().output().unwrap();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "joan export r2 failed: {stderr}");
    assert!(stderr.contains("copied=2") && stderr.contains("skipped=0"), "{stderr}");
    assert!(!stderr.contains(SECRET));

    let bucket = s3_store(&S3Settings {
        endpoint: Some(&endpoint),
        bucket: BUCKET,
        region: "us-east-1",
        access_key_id: Some(&joan_api::config::Secret::new("testing")),
        secret_access_key: Some(&joan_api::config::Secret::new("testing")),
    })
    .unwrap();
    for (key, (_, bytes)) in keys.iter().zip(&files) {
        let stored = bucket.get(&ObjectPath::from(key.as_str())).await.unwrap();
        let stored = stored.bytes().await.unwrap();
        assert!(stored.as_ref() == bytes.as_slice(), "{key} differs");
    }

    // A second run copies nothing: both are there with their sizes.
    let second = export().output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{stderr}");
    assert!(stderr.contains("copied=0") && stderr.contains("skipped=2"), "{stderr}");

    // --help shows where the secret goes, never its value.
    let help = export().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("JOAN_R2_SECRET_ACCESS_KEY") && !help.contains(SECRET),
        "{help}"
    );
}
