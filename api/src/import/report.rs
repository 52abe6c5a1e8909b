//! What an import did: per table, rows read, imported, already there and refused (with why).
use std::fmt;
use std::time::Duration;

/// A row that was not imported, or was imported without a reference it named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub table: &'static str,
    pub id: String,
    pub reason: String,
}

/// One table's outcome.
#[derive(Debug, Clone, Default)]
pub struct TableReport {
    pub table: &'static str,
    /// Rows in the legacy table.
    pub read: u64,
    /// Rows that became events in this run (or would, with `--dry-run`).
    pub imported: u64,
    /// Rows an earlier run imported already.
    pub already: u64,
    /// Rows refused, each with its reason.
    pub bad: Vec<BadRow>,
    /// Rows imported without a reference to a row that is missing (reported, not invented).
    pub dropped_references: Vec<BadRow>,
    pub elapsed: Duration,
}

impl TableReport {
    pub fn new(table: &'static str, read: usize) -> Self {
        Self {
            table,
            read: read as u64,
            ..Self::default()
        }
    }

    pub fn refuse(&mut self, id: String, reason: impl Into<String>) {
        self.bad.push(BadRow {
            table: self.table,
            id,
            reason: reason.into(),
        });
    }
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The run's id, in the metadata of every event it wrote.
    pub run_id: String,
    pub dry_run: bool,
    pub tables: Vec<TableReport>,
    /// Tables of the legacy database this version does not take in, with their row counts.
    pub not_imported: Vec<(String, u64)>,
    pub elapsed: Duration,
}

impl ImportReport {
    pub fn table(&self, name: &str) -> Option<&TableReport> {
        self.tables.iter().find(|t| t.table == name)
    }

    /// Rows imported by this run, over every table.
    pub fn imported(&self) -> u64 {
        self.tables.iter().map(|t| t.imported).sum()
    }

    pub fn bad_rows(&self) -> impl Iterator<Item = &BadRow> {
        self.tables.iter().flat_map(|t| t.bad.iter())
    }

    /// Rows imported per second of the whole run.
    pub fn rows_per_second(&self) -> f64 {
        self.imported() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run { "would import" } else { "imported" };
        writeln!(
            f,
            "import run {}{}",
            self.run_id,
            if self.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        )?;
        writeln!(
            f,
            "{:<20} {:>9} {:>12} {:>9} {:>9} {:>9}",
            "table", "read", verb, "already", "skipped", "seconds"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<20} {:>9} {:>12} {:>9} {:>9} {:>9.2}",
                t.table,
                t.read,
                t.imported,
                t.already,
                t.bad.len(),
                t.elapsed.as_secs_f64()
            )?;
        }
        for row in self.bad_rows() {
            writeln!(f, "skipped {} {}: {}", row.table, row.id, row.reason)?;
        }
        for row in self.tables.iter().flat_map(|t| t.dropped_references.iter()) {
            writeln!(
                f,
                "imported {} {} without a reference: {}",
                row.table, row.id, row.reason
            )?;
        }
        for (table, rows) in &self.not_imported {
            writeln!(f, "not imported by this version: {table} ({rows} rows)")?;
        }
        if self.imported() == 0 && !self.dry_run {
            writeln!(f, "nothing new to import")?;
        }
        write!(
            f,
            "{} {} rows in {:.2} s ({:.0} rows/s)",
            verb,
            self.imported(),
            self.elapsed.as_secs_f64(),
            self.rows_per_second()
        )
    }
}
