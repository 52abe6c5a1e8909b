//! `joan export d1`: every exported table ([`TABLES`]) as one SQL file that
//! `wrangler d1 execute DB --file FILE.sql` loads: the tables dropped and created in D1's
//! types, then their rows. No `PRAGMA`, no explicit transaction (D1 refuses both).
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use joan_commands::{Arg, Database};
use serde_json::Value;

use super::ExportError;
use super::sql::{self, Inserts};
use super::tables::{TABLES, Table};

/// Rows read from Joan per query.
const PAGE: i64 = 500;

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Summary {
    /// Rows per table, in [`TABLES`] order.
    pub tables: Vec<(&'static str, u64)>,
    /// Rows whose user is not in `users`, left out.
    pub left_out: u64,
    pub bytes: u64,
}

/// Writes the export to `out` (first to `out.partial`, renamed when complete).
pub async fn export(db: &Database, out: &Path) -> Result<Summary, ExportError> {
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let file = std::fs::File::create(&partial)?;
    let mut writer = std::io::BufWriter::new(file);
    let mut summary = Summary::default();
    writer.write_all(
        b"-- Joan's read tables for Cloudflare D1 (`joan export d1`).\n\
          -- Load: wrangler d1 execute <DB> --file <this file>. Replaces these tables.\n",
    )?;
    for table in TABLES.iter().rev() {
        writer.write_all(sql::drop_table(table).as_bytes())?;
    }
    for table in TABLES {
        writer.write_all(sql::create_table(table).as_bytes())?;
    }
    for table in TABLES {
        let started = Instant::now();
        let rows = write_rows(db, table, &mut writer).await?;
        let left_out = orphans(db, table).await?;
        if left_out > 0 {
            tracing::warn!(
                table = %table.name,
                rows = left_out,
                "rows left out: their user is not in users (D1 enforces the reference)"
            );
        }
        summary.left_out += left_out as u64;
        tracing::info!(
            table = %table.name,
            rows,
            seconds = format_args!("{:.2}", started.elapsed().as_secs_f64()),
            "exported"
        );
        summary.tables.push((table.name, rows));
    }
    writer.flush()?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    summary.bytes = file.metadata()?.len();
    drop(file);
    std::fs::rename(&partial, out)?;
    Ok(summary)
}

/// The SQL reading a page of `table`'s exported columns, each row one JSON array text, after
/// the id `$1`. Rows whose user is not in `users` are left out: D1 enforces the reference.
pub fn select_page(table: &Table, postgres: bool) -> String {
    let columns: Vec<&str> = table.exported().filter_map(|c| c.select()).collect();
    let array = if postgres { "json_build_array" } else { "json_array" };
    format!(
        "select cast({array}({}) as text) from {} where id > $1{} order by id limit {PAGE}",
        columns.join(", "),
        table.name,
        owned(table)
    )
}

/// ` and <owner> in (select id from users)` for a table that references `users`.
fn owned(table: &Table) -> String {
    match table.owner() {
        Some(column) => format!(" and {column} in (select id from users)"),
        None => String::new(),
    }
}

/// Rows of `table` whose user is missing from `users` (left out of the export).
async fn orphans(db: &Database, table: &Table) -> Result<i64, ExportError> {
    let Some(column) = table.owner() else { return Ok(0) };
    let sql = format!(
        "select count(*) from {} where {column} not in (select id from users)",
        table.name
    );
    Ok(db.fetch_scalar_i64(&sql, &[]).await?)
}

async fn write_rows(db: &Database, table: &Table, writer: &mut impl Write) -> Result<u64, ExportError> {
    let query = select_page(table, db.is_postgres());
    let mut inserts = Inserts::new(table);
    let mut after = String::new();
    let mut count = 0u64;
    let mut out = String::new();
    loop {
        let page: Vec<(String,)> = db.fetch_all(&query, &[Arg::Text(Some(&after))]).await?;
        let Some(last) = page.last() else { break };
        let last: Vec<Value> = serde_json::from_str(&last.0)?;
        for (json,) in &page {
            let row: Vec<Value> = serde_json::from_str(json)?;
            inserts.push(&row, &mut out);
            count += 1;
        }
        writer.write_all(out.as_bytes())?;
        out.clear();
        after = last[0].as_str().unwrap_or_default().to_string();
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    inserts.flush(&mut out);
    writer.write_all(out.as_bytes())?;
    Ok(count)
}
