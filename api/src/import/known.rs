//! What an import knows exists, with each row's owner: streams Joan holds already, and rows
//! of the legacy tables taken in by this run or an earlier one (what a reference may name).
use std::collections::{HashMap, HashSet};

use joan_commands::EventStore;

use super::ImportError;

/// Row or stream id → the user who owns it.
pub type Owners = HashMap<String, String>;

/// The aggregate types an import writes, whose streams it must not write twice.
pub const AGGREGATES: [&str; 14] = [
    "user",
    "folder",
    "task",
    "note",
    "goal",
    "client",
    "project",
    "settings",
    "pomodoro",
    "activity",
    "activity_goal",
    "schedule",
    "schedule_template",
    "attachment",
];

#[derive(Debug, Default)]
pub struct Known {
    /// Streams in Joan's log, by aggregate type.
    existing: HashMap<&'static str, Owners>,
    /// Rows a later table may name, by legacy table: imported now or before.
    present: HashMap<&'static str, Owners>,
    /// Project members (owners included) in Joan: (project, user).
    members: HashSet<(String, String)>,
}

impl Known {
    /// Reads the streams of every aggregate type an import writes.
    pub async fn load(store: &EventStore) -> Result<Self, ImportError> {
        let mut known = Known::default();
        for aggregate_type in AGGREGATES {
            let rows: Vec<(String, Option<String>)> = store
                .db()
                .fetch_all(
                    "select aggregate_id, owner_id from events where aggregate_type = $1 and sequence = 1",
                    &joan_commands::args![aggregate_type],
                )
                .await?;
            let owners = rows
                .into_iter()
                .map(|(id, owner)| (id, owner.unwrap_or_default()))
                .collect();
            known.existing.insert(aggregate_type, owners);
        }
        Ok(known)
    }

    /// Whether Joan holds the stream already (an earlier run imported it).
    pub fn exists(&self, aggregate_type: &str, id: &str) -> bool {
        self.existing.get(aggregate_type).is_some_and(|s| s.contains_key(id))
    }

    /// Records that `table`'s row `id`, owned by `owner`, is in Joan (now or before).
    pub fn add(&mut self, table: &'static str, id: String, owner: String) {
        self.present.entry(table).or_default().insert(id, owner);
    }

    /// The owner of `table`'s row `id`, when it is in Joan.
    pub fn owner_of(&self, table: &str, id: &str) -> Option<&str> {
        self.present.get(table)?.get(id).map(String::as_str)
    }

    pub fn has(&self, table: &str, id: &str) -> bool {
        self.owner_of(table, id).is_some()
    }

    /// Records that `user` is a member of `project` (now or before).
    pub fn add_member(&mut self, project: String, user: String) {
        self.members.insert((project, user));
    }

    pub fn is_member(&self, project: &str, user: &str) -> bool {
        self.members.contains(&(project.to_string(), user.to_string()))
    }
}
