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
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::ImportError;

mod activities;
mod clients;
mod goals;
mod notes;
mod pomodoro;
mod projects;
mod settings;

const SCHEMA: &str = "
create table users (
  id text primary key, email text not null unique, hashed_password text not null, name text,
  is_active integer not null default 1, role text not null default 'user',
  created_at text not null default (datetime('now')), updated_at text not null default (datetime('now')));
create table user_settings (
  id text primary key, user_id text not null unique, theme text not null default 'light',
  language text not null default 'en', timezone text not null default 'UTC',
  notifications_enabled integer not null default 1,
  default_work_duration integer default 25, default_break_duration integer default 5,
  openai_api_key_encrypted text, anthropic_api_key_encrypted text, local_llm_enabled integer default 0,
  local_llm_url text, local_llm_model text,
  created_at text not null default (datetime('now')), updated_at text not null default (datetime('now')));
create table tasks (
  id text primary key, user_id text not null, title text not null, description text,
  status text not null default 'pending', priority integer default 0, due_date text, completed_at text,
  folder_id text, project_id text,
  created_at text not null default (datetime('now')), updated_at text not null default (datetime('now')));
create table task_activities (
  id text primary key, task_id text not null, user_id text, action text not null, details text,
  created_at text not null default (datetime('now')));
create table folders (
  id text primary key, user_id text not null, parent_id text, name text not null, description text,
  color text, icon text, position integer default 0,
  created_at text not null default (datetime('now')), updated_at text not null default (datetime('now')));
create index idx_tasks_user_id on tasks(user_id);
";

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

    fn user(&mut self, n: usize, email: &str, name: Option<&str>, active: i64) -> Result<String, ImportError> {
        let id = self.id();
        let hash = bcrypt::hash(password(n), BCRYPT_COST).map_err(|e| ImportError::Fixture(e.to_string()))?;
        let (created, updated) = (self.tick(), self.tick());
        self.conn.execute(
            "insert into users (id, email, hashed_password, name, is_active, role, created_at, updated_at) \
             values (?1, ?2, ?3, ?4, ?5, 'user', ?6, ?7)",
            params![id, email, hash, name, active, created, updated],
        )?;
        self.fixture
            .users
            .push((id.clone(), email.to_string(), password(n), active == 1));
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn task(
        &mut self,
        owner: &str,
        title: &str,
        description: Option<&str>,
        status: &str,
        priority: Option<i64>,
        due: Option<&str>,
        folder: Option<&str>,
    ) -> Result<String, ImportError> {
        let id = self.id();
        let created = self.tick();
        let completed = (status == "completed").then(|| self.tick());
        let updated = self.tick();
        self.conn.execute(
            "insert into tasks (id, user_id, title, description, status, priority, due_date, completed_at, \
             folder_id, project_id, created_at, updated_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, null, ?10, ?11)",
            params![id, owner, title, description, status, priority, due, completed, folder, created, updated],
        )?;
        Ok(id)
    }

    fn activity(
        &mut self,
        task: &str,
        owner: &str,
        action: &str,
        details: Option<&str>,
    ) -> Result<String, ImportError> {
        let id = self.id();
        let at = self.tick();
        self.conn.execute(
            "insert into task_activities (id, task_id, user_id, action, details, created_at) values (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, task, owner, action, details, at],
        )?;
        Ok(id)
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

const TITLES: [&str; 8] = [
    "Buy milk",
    "Écrire le rapport trimestriel",
    "日本語のタスク",
    "Ship it 🚀🔥",
    "Привет, мир",
    "مهمة باللغة العربية",
    "Zero\u{200d}width joiner 👩‍💻",
    "Plain ASCII task",
];
const STATUSES: [&str; 4] = ["pending", "in_progress", "completed", "cancelled"];

/// Writes the fixture to `path` (replacing it) with about `tasks` good tasks. Deterministic.
pub fn write(path: &Path, tasks: usize) -> Result<Fixture, ImportError> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|e| ImportError::Fixture(e.to_string()))?;
    }
    let conn = Connection::open(path)?;
    conn.execute_batch("pragma synchronous = off;")?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(notes::SCHEMA)?;
    conn.execute_batch(goals::SCHEMA)?;
    conn.execute_batch(clients::SCHEMA)?;
    conn.execute_batch(projects::SCHEMA)?;
    conn.execute_batch(pomodoro::SCHEMA)?;
    conn.execute_batch(activities::SCHEMA)?;
    conn.execute_batch("begin")?;
    let mut w = Writer {
        conn: &conn,
        rng: StdRng::seed_from_u64(20),
        fixture: Fixture::default(),
        clock: time::macros::datetime!(2021-03-01 08:00:00 UTC),
    };

    // Users: good ones (one without a name, one with emoji, one inactive), then bad ones.
    let mut owners = Vec::new();
    w.fixture.login_email = "legacy.user@example.com".into();
    owners.push(w.user(0, "legacy.user@example.com", Some("Légacy Üser"), 1)?);
    owners.push(w.user(1, "no.name@example.com", None, 1)?);
    owners.push(w.user(2, "emoji@example.com", Some("Emoji 😀 Person"), 1)?);
    owners.push(w.user(3, "inactive@example.com", Some("Gone Quiet"), 0)?);
    for n in 4..12 {
        owners.push(w.user(n, &format!("user{n}@example.com"), Some(&format!("User {n}")), 1)?);
    }
    w.fixture.good_users = owners.len() as u64;
    // The bad ones below are not good users.
    let bad = w.user(12, "not an email", Some("Bad Email"), 1)?;
    w.bad("users", bad);
    let bad = w.user(13, "LEGACY.USER@example.com", Some("Same email, other case"), 1)?;
    w.bad("users", bad);
    let bad_hash = w.id();
    let at = w.tick();
    conn.execute(
        "insert into users (id, email, hashed_password, name, created_at, updated_at) values (?1, 'plain@example.com', 'md5:abc', 'Plain', ?2, ?2)",
        params![bad_hash, at],
    )?;
    w.bad("users", bad_hash);
    w.fixture.users.truncate(owners.len());

    // A folder cycle (a -> b -> a), a sound folder and one inside it.
    let (folder_a, folder_b, folder_ok, folder_child) = (w.id(), w.id(), w.id(), w.id());
    for (id, parent, name) in [
        (&folder_a, Some(&folder_b), "Cycle A"),
        (&folder_b, Some(&folder_a), "Cycle B"),
        (&folder_ok, None, "Inbox 📥"),
        (&folder_child, Some(&folder_ok), "Ünter the inbox"),
    ] {
        let at = w.tick();
        conn.execute(
            "insert into folders (id, user_id, parent_id, name, created_at, updated_at) values (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id, owners[0], parent, name, at],
        )?;
    }
    w.bad("folders", folder_a.clone());
    w.bad("folders", folder_b.clone());
    // A folder of the second user, and one of theirs under the first user's: refused.
    let (other_folder, intruder) = (w.id(), w.id());
    for (id, parent, name) in [
        (&other_folder, None, "Someone else's"),
        (&intruder, Some(&folder_ok), "Under a stranger's folder"),
    ] {
        let at = w.tick();
        conn.execute(
            "insert into folders (id, user_id, parent_id, name, created_at, updated_at) values (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id, owners[1], parent, name, at],
        )?;
    }
    w.bad("folders", intruder);
    w.fixture.good_folders = 3;

    // Tasks with every nullable column null somewhere, long text, Unicode, and histories.
    let long_text = "Lorem ipsum dolor sit amet, ✨ consectetur adipiscing elit. ".repeat(1_500);
    let mut good_tasks = Vec::new();
    for n in 0..tasks {
        let owner = owners[n % owners.len()].clone();
        let title = format!("{} #{n}", TITLES[n % TITLES.len()]);
        // Very long text now and then (it would otherwise be most of what a benchmark writes).
        let description = match n % 5 {
            0 => None,
            _ if n % 50 == 1 => Some(long_text.as_str()),
            _ => Some("A description with \"quotes\", a \\ backslash and a\nnew line."),
        };
        let status = STATUSES[n % STATUSES.len()];
        let priority = if n % 7 == 0 { None } else { Some((n % 5) as i64) };
        let due = match n % 3 {
            0 => None,
            1 => Some("2026-12-24"),
            _ => Some("2026-12-24 17:30:00"),
        };
        // Only the folder's owner files tasks in it.
        let folder = (n % owners.len() == 0).then_some(folder_ok.as_str());
        let id = w.task(&owner, &title, description, status, priority, due, folder)?;
        good_tasks.push((id, owner));
    }
    w.fixture.good_tasks = good_tasks.len() as u64;

    // Histories: most tasks one to three entries, one task a long one.
    let mut good_activities = 0;
    for (n, (task, owner)) in good_tasks.iter().enumerate() {
        let entries = if n == 1 { 250 } else { n % 4 };
        for k in 0..entries {
            let details = match k % 3 {
                0 => Some(r#"{"from":"pending","to":"in_progress"}"#.to_string()),
                1 => None,
                _ => Some(format!(r#"{{"note":"step {k} ✅"}}"#)),
            };
            w.activity(
                task,
                owner,
                if k == 0 { "created" } else { "updated" },
                details.as_deref(),
            )?;
            good_activities += 1;
        }
    }
    w.fixture.good_activities = good_activities;
    if let Some((task, _)) = good_tasks.get(1) {
        w.fixture.long_history_task = task.clone();
    }

    // Bad tasks: a deleted owner, a status outside the set, a priority out of range, a title
    // too long, an id that is not a UUID.
    let deleted_owner = w.id();
    let bad = w.task(
        &deleted_owner,
        "Owner was deleted",
        None,
        "pending",
        Some(1),
        None,
        None,
    )?;
    w.bad("tasks", bad.clone());
    // Its history goes with it.
    let orphan = w.activity(&bad, &deleted_owner, "created", None)?;
    w.bad("task_activities", orphan);
    let refused_task = w.task(
        &owners[0],
        "Archived is not a status",
        None,
        "archived",
        Some(1),
        None,
        None,
    )?;
    w.bad("tasks", refused_task.clone());
    let bad = w.task(&owners[0], "Priority nine", None, "pending", Some(9), None, None)?;
    w.bad("tasks", bad);
    let title = "T".repeat(600);
    let bad = w.task(&owners[0], &title, None, "pending", Some(1), None, None)?;
    w.bad("tasks", bad);
    let at = w.tick();
    conn.execute(
        "insert into tasks (id, user_id, title, created_at, updated_at) values ('task-17', ?1, 'Old integer id', ?2, ?2)",
        params![owners[0], at],
    )?;
    w.bad("tasks", "task-17".into());

    // Bad activities: broken JSON, a task that never existed.
    if let Some((task, owner)) = good_tasks.first() {
        let bad = w.activity(task, owner, "updated", Some("{\"from\": \"pending\", "))?;
        w.bad("task_activities", bad);
    }
    let bad = w.activity(&Uuid::nil().to_string(), &owners[0], "created", None)?;
    w.bad("task_activities", bad);

    // A task in another user's folder: imported without it.
    let stranger = w.task(
        &owners[1],
        "In someone else's folder",
        None,
        "pending",
        None,
        None,
        Some(&folder_ok),
    )?;
    w.fixture.good_tasks += 1;
    w.fixture.dropped.push(("tasks", stranger, "folder_id"));

    let named = Owners {
        users: owners,
        folder: folder_ok,
        refused_folder: folder_a,
        other_folder,
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

    conn.execute_batch("commit")?;
    Ok(w.fixture)
}
