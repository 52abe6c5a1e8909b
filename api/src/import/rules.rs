//! The rules every legacy table shares: an owner that is in Joan, a value parsed by Joan's own
//! rules, a JSON list of tags, a reference to another table's row (dropped and reported
//! when the row is missing or another user's, never invented).
use std::fmt::Display;

use joan_domain::task::DueDate;
use joan_domain::values::{ClockTime, Day};
use joan_domain::{Timestamp, UserId};
use uuid::Uuid;

use super::known::Known;
use super::report::BadRow;
use super::source::{Record, legacy_timestamp};

/// The row's `user_id`, which must name a user in Joan.
pub fn owner(record: &Record, known: &Known) -> Result<UserId, String> {
    let owner = record.uuid("user_id")?;
    if !known.has("users", &owner.to_string()) {
        return Err(format!("owner {owner} is missing"));
    }
    Ok(UserId::from(owner))
}

/// `column`'s value through one of Joan's `parse`, its error naming the column.
pub fn parsed<T, E: Display>(column: &str, value: Result<T, E>) -> Result<T, String> {
    value.map_err(|e| format!("{column}: {e}"))
}

/// A nullable text column through `parse`.
pub fn optional<T, E: Display>(
    record: &Record,
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, String> {
    record.text(column)?.map(|raw| parsed(column, parse(raw))).transpose()
}

/// A JSON list of tags (none when NULL), by Joan's rules for tags.
pub fn tags(record: &Record, column: &str) -> Result<Vec<String>, String> {
    let Some(value) = record.json(column)? else {
        return Ok(Vec::new());
    };
    let list =
        serde_json::from_value::<Vec<String>>(value).map_err(|_| format!("{column} is not a JSON list of texts"))?;
    Ok(parsed(column, joan_domain::text::Tags::parse(&list))?.into())
}

/// A due date (of a task, a goal's target) as Joan keeps it: a calendar day as it is, an instant in RFC 3339.
pub fn due_date(column: &str, raw: &str) -> Result<String, String> {
    let normalised = legacy_timestamp(raw).map_or_else(|| raw.to_string(), Timestamp::to_rfc3339);
    let raw = if raw.len() == 10 { raw.to_string() } else { normalised };
    DueDate::parse(&raw)
        .map(String::from)
        .map_err(|e| format!("{column} {raw:?}: {e}"))
}

/// A calendar day (`YYYY-MM-DD`), or the day of an old timestamp.
pub fn day(column: &str, raw: &str) -> Result<String, String> {
    let raw = match legacy_timestamp(raw) {
        Some(t) if raw.len() > 10 => t.day(),
        _ => raw.to_string(),
    };
    Day::parse(&raw)
        .map(String::from)
        .map_err(|e| format!("{column} {raw:?}: {e}"))
}

/// A time of day, `HH:MM`; the old `HH:MM:00` too.
pub fn clock_time(raw: &str) -> Result<ClockTime, joan_domain::text::ValueError> {
    ClockTime::parse(raw.strip_suffix(":00").filter(|t| t.len() == 5).unwrap_or(raw))
}

/// The references one row makes; those that name no row in Joan are dropped and listed.
pub struct References<'r> {
    record: &'r Record,
    table: &'static str,
    /// The row's owner: a reference to another user's row is dropped (`None`: any owner).
    owner: Option<String>,
    pub dropped: Vec<BadRow>,
}

impl<'r> References<'r> {
    pub fn new(record: &'r Record, table: &'static str, owner: Option<UserId>) -> Self {
        Self {
            record,
            table,
            owner: owner.map(|o| o.to_string()),
            dropped: Vec::new(),
        }
    }

    /// `column`'s id when it names a row of `target` in Joan of the same owner; `None`,
    /// reported, when it does not.
    pub fn keep(&mut self, column: &str, target: &str, known: &Known) -> Result<Option<Uuid>, String> {
        match self.record.uuid_opt(column)? {
            Some(id) => self.keep_id(column, id, target, known),
            None => Ok(None),
        }
    }

    /// `id`, named by `field` (a column, or a place inside one: `blocks[2].task_id`), when it
    /// is a row of `target` in Joan of the same owner; `None`, reported, when it is not.
    pub fn keep_id(&mut self, field: &str, id: Uuid, target: &str, known: &Known) -> Result<Option<Uuid>, String> {
        match known.owner_of(target, &id.to_string()) {
            None => self.drop(format!("{field} {id} names no row of {target}")),
            Some(owner) if self.owner.as_deref().is_some_and(|me| me != owner) => {
                self.drop(format!("{field} {id} is another user's row of {target}"))
            }
            Some(_) => Ok(Some(id)),
        }
    }

    /// `column`'s project id when the row's owner is one of that project's members in Joan;
    /// `None`, reported, when not.
    pub fn keep_project(&mut self, column: &str, known: &Known) -> Result<Option<Uuid>, String> {
        let Some(id) = self.record.uuid_opt(column)? else {
            return Ok(None);
        };
        let member = self
            .owner
            .as_deref()
            .is_none_or(|me| known.is_member(&id.to_string(), me));
        if !known.has("projects", &id.to_string()) {
            self.drop(format!("{column} {id} names no row of projects"))
        } else if !member {
            self.drop(format!("{column} {id} is a project the owner is not a member of"))
        } else {
            Ok(Some(id))
        }
    }

    fn drop(&mut self, reason: String) -> Result<Option<Uuid>, String> {
        self.dropped.push(BadRow {
            table: self.table,
            id: self.record.id(),
            reason,
        });
        Ok(None)
    }
}
