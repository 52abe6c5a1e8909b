//! Reading the FastAPI system's SQLite database: each table's rows as loosely typed records,
//! so that a value of the wrong type is a bad row to report, not a failed import.
use std::collections::HashMap;
use std::path::Path;

use joan_domain::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

use super::ImportError;

/// One row: its columns by name.
#[derive(Debug, Clone, Default)]
pub struct Record(HashMap<String, Value>);

impl Record {
    /// The row's `id` as text, for the report (`?` when it has none).
    pub fn id(&self) -> String {
        match self.0.get("id") {
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Integer(i)) => i.to_string(),
            _ => "?".into(),
        }
    }

    /// A text column; NULL or absent is `None`, another type is an error.
    pub fn text(&self, column: &str) -> Result<Option<&str>, String> {
        match self.0.get(column) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t)),
            Some(_) => Err(format!("{column} is not text")),
        }
    }

    /// A text column that must hold a value.
    pub fn required(&self, column: &str) -> Result<&str, String> {
        self.text(column)?.ok_or_else(|| format!("{column} is missing"))
    }

    /// An integer column; NULL or absent is `None`.
    pub fn integer(&self, column: &str) -> Result<Option<i64>, String> {
        match self.0.get(column) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(Value::Text(t)) => t
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{column} is not a number")),
            Some(_) => Err(format!("{column} is not a number")),
        }
    }

    /// A number column that may hold a fraction, rounded to a whole number; NULL is `None`.
    pub fn rounded(&self, column: &str) -> Result<Option<i64>, String> {
        match self.0.get(column) {
            #[allow(clippy::cast_possible_truncation)]
            Some(Value::Real(r)) if r.is_finite() => Ok(Some(r.round() as i64)),
            Some(Value::Text(t)) => match t.trim().parse::<f64>() {
                #[allow(clippy::cast_possible_truncation)]
                Ok(r) if r.is_finite() => Ok(Some(r.round() as i64)),
                _ => Err(format!("{column} is not a number")),
            },
            _ => self.integer(column),
        }
    }

    /// A decimal column (money) as exact text: text as it is, a number as its shortest
    /// decimal form; NULL is `None`.
    pub fn decimal(&self, column: &str) -> Result<Option<String>, String> {
        match self.0.get(column) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t.trim().to_string())),
            Some(Value::Integer(i)) => Ok(Some(i.to_string())),
            Some(Value::Real(r)) if r.is_finite() => Ok(Some(r.to_string())),
            Some(_) => Err(format!("{column} is not a number")),
        }
    }

    /// A 0/1 column (`default` when NULL or absent).
    pub fn flag(&self, column: &str, default: bool) -> Result<bool, String> {
        match self.integer(column)? {
            None => Ok(default),
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            Some(other) => Err(format!("{column} is {other}, not 0 or 1")),
        }
    }

    /// A UUID column that must hold a value.
    pub fn uuid(&self, column: &str) -> Result<uuid::Uuid, String> {
        let raw = self.required(column)?;
        uuid::Uuid::parse_str(raw).map_err(|_| format!("{column} {raw:?} is not a UUID"))
    }

    /// A nullable UUID column.
    pub fn uuid_opt(&self, column: &str) -> Result<Option<uuid::Uuid>, String> {
        self.text(column)?
            .map(|raw| uuid::Uuid::parse_str(raw).map_err(|_| format!("{column} {raw:?} is not a UUID")))
            .transpose()
    }

    /// A timestamp column that must hold a value.
    pub fn timestamp(&self, column: &str) -> Result<Timestamp, String> {
        let raw = self.required(column)?;
        legacy_timestamp(raw).ok_or_else(|| format!("{column} {raw:?} is not a timestamp"))
    }

    /// A nullable timestamp column.
    pub fn timestamp_opt(&self, column: &str) -> Result<Option<Timestamp>, String> {
        self.text(column)?
            .map(|raw| legacy_timestamp(raw).ok_or_else(|| format!("{column} {raw:?} is not a timestamp")))
            .transpose()
    }

    /// A nullable JSON text column, parsed.
    pub fn json(&self, column: &str) -> Result<Option<serde_json::Value>, String> {
        self.text(column)?
            .map(|raw| serde_json::from_str(raw).map_err(|e| format!("{column} is not valid JSON ({e})")))
            .transpose()
    }
}

/// A time as the old system wrote it: SQLite's `datetime('now')` (`2024-03-01 12:30:00`,
/// UTC, maybe with fractions of a second) or RFC 3339.
pub fn legacy_timestamp(raw: &str) -> Option<Timestamp> {
    if let Ok(t) = Timestamp::parse(raw) {
        return Some(t);
    }
    let sqlite = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day][first [ ][T]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    time::PrimitiveDateTime::parse(raw.trim_end_matches('Z'), &sqlite)
        .ok()
        .map(|t| Timestamp::from_datetime(t.assume_utc()))
}

/// The legacy database, open read-only.
pub struct Source(Connection);

impl Source {
    pub fn open(path: &Path) -> Result<Self, ImportError> {
        if !path.is_file() {
            return Err(ImportError::NoSuchFile(path.display().to_string()));
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        Ok(Self(conn))
    }

    /// The tables the database holds.
    pub fn tables(&self) -> Result<Vec<String>, ImportError> {
        let mut stmt = self.0.prepare(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
        )?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }

    pub fn count(&self, table: &str) -> Result<u64, ImportError> {
        let n: i64 = self
            .0
            .query_row(&format!("select count(*) from \"{table}\""), [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every row of `table` in `order`; none when the table is absent.
    pub fn rows(&self, table: &str, order: &str) -> Result<Vec<Record>, ImportError> {
        if !self.tables()?.iter().any(|t| t == table) {
            return Ok(Vec::new());
        }
        let mut stmt = self.0.prepare(&format!("select * from \"{table}\" order by {order}"))?;
        let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
        let rows = stmt.query_map([], |row| {
            let mut record = HashMap::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                record.insert(name.clone(), row.get::<_, Value>(i)?);
            }
            Ok(Record(record))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The tables taken in, each with the order its rows are read in; the others of a legacy
/// database are listed as not imported.
pub const IMPORTED: [(&str, &str); 19] = [
    ("users", "created_at, id"),
    ("user_settings", "created_at, id"),
    ("folders", "created_at, id"),
    ("notes", "created_at, id"),
    ("goals", "created_at, id"),
    ("clients", "created_at, id"),
    ("projects", "created_at, id"),
    // The API contract's name, and the FastAPI models' own.
    ("project_memberships", "rowid"),
    ("project_members", "rowid"),
    ("tasks", "created_at, id"),
    // The old history in its order: by time, then as it was written.
    ("task_activities", "created_at, rowid"),
    ("task_goal_links", "rowid"),
    ("pomodoro_settings", "rowid"),
    ("pomodoro_sessions", "started_at, id"),
    ("personal_activities", "created_at, id"),
    ("activity_goals", "created_at, id"),
    ("daily_schedules", "created_at, id"),
    ("schedule_templates", "created_at, id"),
    ("attachments", "rowid"),
];

/// The legacy rows, read on a blocking thread.
pub struct Legacy {
    rows: HashMap<&'static str, Vec<Record>>,
    pub others: Vec<(String, u64)>,
}

impl Legacy {
    /// `table`'s rows (none when the database has no such table).
    pub fn take(&mut self, table: &str) -> Vec<Record> {
        self.rows.remove(table).unwrap_or_default()
    }
}

pub fn read(path: &Path) -> Result<Legacy, ImportError> {
    let source = Source::open(path)?;
    let mut others = Vec::new();
    for table in source.tables()? {
        if !IMPORTED.iter().any(|(t, _)| *t == table) {
            let rows = source.count(&table)?;
            others.push((table, rows));
        }
    }
    let mut rows = HashMap::new();
    for (table, order) in IMPORTED {
        rows.insert(table, source.rows(table, order)?);
    }
    Ok(Legacy { rows, others })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_rfc3339_times_are_read_as_utc() {
        let t = |raw| legacy_timestamp(raw).map(Timestamp::to_rfc3339);
        assert_eq!(t("2024-03-01 12:30:05").as_deref(), Some("2024-03-01T12:30:05.000000Z"));
        assert_eq!(
            t("2024-03-01 12:30:05.25").as_deref(),
            Some("2024-03-01T12:30:05.250000Z")
        );
        assert_eq!(
            t("2024-03-01T12:30:05Z").as_deref(),
            Some("2024-03-01T12:30:05.000000Z")
        );
        assert_eq!(
            t("2024-03-01T14:30:05+02:00").as_deref(),
            Some("2024-03-01T12:30:05.000000Z")
        );
        assert_eq!(t("yesterday"), None);
    }
}
