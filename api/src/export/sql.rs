//! D1 SQL text: literals, table definitions, and rows as `INSERT`s whose statements each stay
//! well under D1's statement size limit (100 KB): rows are batched up to [`BATCH_BYTES`], and a
//! value too long for one statement is inserted empty and appended to in pieces.
use std::fmt::Write as _;

use serde_json::Value;

use super::tables::Table;

/// The most SQL text one multi-row `INSERT` collects before it is closed.
pub const BATCH_BYTES: usize = 48 * 1024;
/// The most rows one `INSERT` holds.
const BATCH_ROWS: usize = 200;
/// A row whose literals add up to more than this has its longest values appended in pieces.
const ROW_BYTES: usize = 32 * 1024;
/// The most bytes of text one appending `UPDATE` carries (before quoting or hex).
const PIECE_BYTES: usize = 16 * 1024;

/// `value` as an SQL literal: `NULL`, a number, or a string (`CAST(X'..' AS TEXT)` when it
/// holds a NUL, which a quoted literal cannot).
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::Bool(b) => if *b { "1" } else { "0" }.into(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(x)) if x.is_finite() => format!("{x:?}"),
            _ => "NULL".into(),
        },
        Value::String(s) => text(s),
        // Joan's read tables hold JSON as text; a nested value is kept as its JSON text.
        other => text(&other.to_string()),
    }
}

fn text(s: &str) -> String {
    if s.contains('\0') {
        format!("CAST(X'{}' AS TEXT)", hex::encode_upper(s.as_bytes()))
    } else {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('\'');
        for ch in s.chars() {
            if ch == '\'' {
                out.push('\'');
            }
            out.push(ch);
        }
        out.push('\'');
        out
    }
}

/// `DROP TABLE IF EXISTS` for `table` (the file replaces what the target held).
pub fn drop_table(table: &Table) -> String {
    format!("DROP TABLE IF EXISTS {};\n", table.name)
}

/// `CREATE TABLE` and its indexes.
pub fn create_table(table: &Table) -> String {
    let mut sql = format!("CREATE TABLE IF NOT EXISTS {} (\n", table.name);
    let width = table.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for (i, column) in table.columns.iter().enumerate() {
        let comma = if i + 1 < table.columns.len() { "," } else { "" };
        let _ = writeln!(sql, "  {:width$} {}{comma}", column.name, column.decl);
    }
    sql.push_str(");\n");
    for column in table.indexes {
        let _ = writeln!(
            sql,
            "CREATE INDEX IF NOT EXISTS idx_{0}_{1} ON {0}({1});",
            table.name, column
        );
    }
    sql
}

/// Writes one table's rows as statements, batching them.
pub struct Inserts<'t> {
    table: &'t Table,
    head: String,
    batch: String,
    rows_in_batch: usize,
    /// Appends to long values, written after the batch that inserts their rows.
    appends: Vec<String>,
}

impl<'t> Inserts<'t> {
    pub fn new(table: &'t Table) -> Self {
        let columns: Vec<&str> = table.exported().map(|c| c.name).collect();
        Self {
            table,
            head: format!("INSERT INTO {} ({}) VALUES\n", table.name, columns.join(", ")),
            batch: String::new(),
            rows_in_batch: 0,
            appends: Vec::new(),
        }
    }

    /// Adds one row (values in the order of [`Table::exported`], `id` first); what is ready
    /// to be written goes to `out`.
    pub fn push(&mut self, row: &[Value], out: &mut String) {
        let mut literals: Vec<String> = row.iter().map(literal).collect();
        let mut total: usize = literals.iter().map(String::len).sum();
        if total > ROW_BYTES {
            let id = literal(&row[0]);
            let names: Vec<&str> = self.table.exported().map(|c| c.name).collect();
            let mut longest: Vec<usize> = (1..literals.len()).collect();
            longest.sort_by_key(|&i| std::cmp::Reverse(literals[i].len()));
            for i in longest {
                if total <= ROW_BYTES {
                    break;
                }
                let Value::String(long) = &row[i] else { continue };
                total -= literals[i].len();
                literals[i] = "''".into();
                for piece in pieces(long) {
                    self.appends.push(format!(
                        "UPDATE {} SET {1} = {1} || {2} WHERE id = {id};\n",
                        self.table.name,
                        names[i],
                        text(piece)
                    ));
                }
            }
        }
        let tuple = format!("({})", literals.join(", "));
        if self.rows_in_batch > 0
            && (self.batch.len() + tuple.len() + 2 > BATCH_BYTES || self.rows_in_batch >= BATCH_ROWS)
        {
            self.flush(out);
        }
        if self.rows_in_batch == 0 {
            self.batch.push_str(&self.head);
        } else {
            self.batch.push_str(",\n");
        }
        self.batch.push_str(&tuple);
        self.rows_in_batch += 1;
    }

    /// Closes the open batch and writes it, then the appends of its rows.
    pub fn flush(&mut self, out: &mut String) {
        if self.rows_in_batch > 0 {
            out.push_str(&self.batch);
            out.push_str(";\n");
            self.batch.clear();
            self.rows_in_batch = 0;
        }
        for append in self.appends.drain(..) {
            out.push_str(&append);
        }
    }
}

/// `s` in pieces of at most [`PIECE_BYTES`], cut between characters.
fn pieces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut end = rest.len().min(PIECE_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        out.push(piece);
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::export::tables::TABLES;

    #[test]
    fn literals_quote_text_and_keep_numbers_and_nulls() {
        assert_eq!(literal(&json!(null)), "NULL");
        assert_eq!(literal(&json!(42)), "42");
        assert_eq!(literal(&json!(0.7)), "0.7");
        assert_eq!(literal(&json!(1.0)), "1.0");
        assert_eq!(literal(&json!("O'Brien \"x\" 🎉\u{7}")), "'O''Brien \"x\" 🎉\u{7}'");
        assert_eq!(literal(&json!("a\0b")), "CAST(X'610062' AS TEXT)");
    }

    #[test]
    fn a_long_value_is_inserted_empty_then_appended_in_pieces_under_the_statement_limit() {
        let notes = TABLES.iter().find(|t| t.name == "notes").unwrap();
        let width = notes.exported().count();
        let long = "é'".repeat(100_000);
        let mut row = vec![json!("n1")];
        row.extend((1..width).map(|i| if i == 4 { json!(long) } else { json!(null) }));
        let mut inserts = Inserts::new(notes);
        let mut out = String::new();
        inserts.push(&row, &mut out);
        inserts.flush(&mut out);
        let statements: Vec<&str> = out.split(";\n").filter(|s| !s.is_empty()).collect();
        assert!(statements.len() > 10, "{} statements", statements.len());
        assert!(statements.iter().all(|s| s.len() < 40_000));
        assert!(statements[0].starts_with("INSERT INTO notes"));
        assert!(statements[1].starts_with("UPDATE notes SET content = content || '"));
        let joined: String = statements[1..]
            .iter()
            .map(|s| {
                let start = s.find("|| '").unwrap() + 4;
                let end = s.rfind("' WHERE").unwrap();
                s[start..end].replace("''", "'")
            })
            .collect();
        assert_eq!(joined, long);
    }

    #[test]
    fn rows_are_batched_into_statements_under_the_batch_size() {
        let tasks = TABLES.iter().find(|t| t.name == "tasks").unwrap();
        let width = tasks.exported().count();
        let mut inserts = Inserts::new(tasks);
        let mut out = String::new();
        for n in 0..1_000 {
            let mut row = vec![json!(format!("task-{n}"))];
            row.extend((1..width).map(|_| json!("x".repeat(100))));
            inserts.push(&row, &mut out);
        }
        inserts.flush(&mut out);
        let statements: Vec<&str> = out.split(";\n").filter(|s| !s.is_empty()).collect();
        assert!(statements.len() > 5);
        assert!(statements.iter().all(|s| s.len() <= BATCH_BYTES));
        assert_eq!(out.matches("('task-").count(), 1_000);
    }
}
