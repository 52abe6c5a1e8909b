//! `joan import fixture`: writes a database shaped like the FastAPI system's, with the edge
//! cases an import must survive, and says which rows an import must refuse.
//!
//! The schema is the old system's own (`users`, `user_settings` and `tasks` as its models
//! mapped them; the other tables as the read-table list in the API contract names them),
//! with ids as TEXT UUIDs, booleans 0/1, JSON as text and `datetime('now')` timestamps.
use std::collections::BTreeMap;
use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use rusqlite::types::Value;

use super::ImportError;

mod activities;
mod activity_goals;
mod attachments;
mod clients;
mod goals;
mod notes;
mod pomodoro;
mod projects;
mod schedules;
mod settings;
mod tasks;
mod users;

/// The password of every fixture user (`legacy-password-<n>`, n from 0).
pub fn password(n: usize) -> String {
    format!("legacy-password-{n}")
}

/// What the fixture holds that a test checks against.
#[derive(Debug, Clone, Default)]
pub struct Fixture {
    /// Rows an import must refuse: (table, id).
    pub bad: Vec<(&'static str, String)>,
    /// A user who signs in with [`password`]`(0)`.
    pub login_email: String,
    /// The good users: id, email, password, whether active.
    pub users: Vec<(String, String, String, bool)>,
    /// Good rows by table.
    pub good_users: u64,
    pub good_folders: u64,
    pub good_tasks: u64,
    pub good_activities: u64,
    /// A task with a long history (more activities than a page of them).
    pub long_history_task: String,
    /// Good rows of the other tables, by table.
    pub good: BTreeMap<&'static str, u64>,
    /// Every plain API key in the old settings, taken in or not: none may be written out.
    pub secrets: Vec<String>,
    /// Rows imported without a reference they named: (table, id, column).
    pub dropped: Vec<(&'static str, String, &'static str)>,
    /// The folder of the attachments' files.
    pub attachments_dir: std::path::PathBuf,
}

/// What the tables written after users, folders and tasks may name.
pub(crate) struct Owners {
    /// Good users; the first owns `folder`.
    pub users: Vec<String>,
    /// A sound folder of the first user.
    pub folder: String,
    /// A folder of the first user refused by the import (on a cycle).
    pub refused_folder: String,
    /// A folder of the second user.
    pub other_folder: String,
    /// Good tasks, with their owners (not the one with the long history).
    pub tasks: Vec<(String, String)>,
    /// A task the import refuses.
    pub refused_task: String,
}

/// bcrypt's work factor for fixture users: the lowest, so that writing many is quick.
const BCRYPT_COST: u32 = 4;

struct Writer<'c> {
    conn: &'c Connection,
    rng: StdRng,
    fixture: Fixture,
    clock: time::OffsetDateTime,
}

impl Writer<'_> {
    fn id(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.random())
            .into_uuid()
            .to_string()
    }

    /// The next old timestamp, in SQLite's `datetime('now')` shape, a few minutes on.
    fn tick(&mut self) -> String {
        self.clock += time::Duration::seconds(self.rng.random_range(30..600));
        let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        self.clock.format(&f).unwrap_or_default()
    }

    fn bad(&mut self, table: &'static str, id: String) {
        self.fixture.bad.push((table, id));
    }

    /// Inserts one row of `table`, columns by name.
    fn insert(&self, table: &str, row: &[(&str, Value)]) -> Result<(), ImportError> {
        let columns: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "insert into {table} ({}) values ({})",
            columns.join(", "),
            marks.join(", ")
        );
        self.conn
            .execute(&sql, rusqlite::params_from_iter(row.iter().map(|(_, v)| v)))?;
        Ok(())
    }

    fn good(&mut self, table: &'static str) {
        *self.fixture.good.entry(table).or_default() += 1;
    }
}

/// A text value; `None` is NULL.
fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.to_string()))
}

/// The folder the fixture's attachment files are written to, beside the database (the old
/// system's `./attachments`).
pub const ATTACHMENTS_DIR: &str = "attachments";

/// Writes the fixture to `path` (replacing it) with about `tasks` good tasks, and the
/// attachment files to [`ATTACHMENTS_DIR`] beside it. Deterministic.
pub fn write(path: &Path, tasks: usize) -> Result<Fixture, ImportError> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|e| ImportError::Fixture(e.to_string()))?;
    }
    let conn = Connection::open(path)?;
    conn.execute_batch("pragma synchronous = off;")?;
    for schema in [
        users::SCHEMA,
        settings::SCHEMA,
        tasks::SCHEMA,
        notes::SCHEMA,
        goals::SCHEMA,
        clients::SCHEMA,
        projects::SCHEMA,
        pomodoro::SCHEMA,
        activities::SCHEMA,
        activity_goals::SCHEMA,
        schedules::SCHEMA,
        attachments::SCHEMA,
    ] {
        conn.execute_batch(schema)?;
    }
    conn.execute_batch("begin")?;
    let mut w = Writer {
        conn: &conn,
        rng: StdRng::seed_from_u64(20),
        fixture: Fixture {
            attachments_dir: path.with_file_name(ATTACHMENTS_DIR),
            ..Fixture::default()
        },
        clock: time::macros::datetime!(2021-03-01 08:00:00 UTC),
    };

    let people = users::write(&mut w)?;
    let (good_tasks, refused_task) = tasks::write(&mut w, &people, tasks)?;

    let named = Owners {
        users: people.users,
        folder: people.folder,
        refused_folder: people.refused_folder,
        other_folder: people.other_folder,
        tasks: good_tasks
            .into_iter()
            .enumerate()
            .filter(|(n, _)| *n != 1)
            .map(|(_, t)| t)
            .collect(),
        refused_task,
    };
    settings::write(&mut w, &named)?;
    notes::write(&mut w, &named)?;
    let goals = goals::write(&mut w, &named)?;
    activities::write(&mut w, &named, &goals)?;
    let clients = clients::write(&mut w, &named)?;
    projects::write(&mut w, &named, &clients)?;
    pomodoro::write(&mut w, &named)?;
    activity_goals::write(&mut w, &named)?;
    schedules::write(&mut w, &named)?;
    attachments::write(&mut w, &named, &goals)?;

    conn.execute_batch("commit")?;
    Ok(w.fixture)
}
