//! A page of rows rendered as JSON straight from SQLite's values (what list and get
//! endpoints answer with on SQLite), without decoding them into structs first.
use std::borrow::Cow;
use std::sync::Arc;

use rusqlite::{Connection, Statement};

use super::arg::Arg;
use super::sqlite::statement::{PerStatement, bind, database_error};

/// A page's keys by statement text: what goes before each value (`{"key":` or `,"key":`) and
/// whether the value is embedded as it is; with the `raw` list they were made for.
pub(crate) type JsonKeys = PerStatement<(Vec<String>, Vec<(Vec<u8>, bool)>)>;

/// Rows rendered as one JSON array of objects, straight from SQLite's values.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPage {
    /// `[{"column": value, ...}, ...]` as UTF-8 bytes, ready to be a response body; keys in
    /// column order.
    pub json: Vec<u8>,
    /// The first column of the first row (not rendered): a total, say.
    pub lead: Option<i64>,
}

/// Where a page's buffer starts: a page of 50 tasks is about 22 KiB, so it is not grown.
const PAGE_CAPACITY: usize = 32 * 1024;

/// Every row of `sql` as a [`JsonPage`]: the first column is the page's `lead`, every other
/// one a key of the row's object. Integers and reals become numbers, text becomes strings,
/// and text columns named in `raw` hold JSON of the program's own making and are embedded as
/// they are. Writing the page here, into one buffer, costs a fraction of SQLite's
/// `json_object` per row (a string built and grown per row) and of decoding every field:
/// values are escaped straight into the buffer, with no string of their own.
pub(crate) fn json_page(
    conn: &Connection,
    keys: &JsonKeys,
    sql: &str,
    args: &[Arg<'_>],
    raw: &[&str],
) -> Result<JsonPage, sqlx::Error> {
    use rusqlite::types::ValueRef;
    use std::io::Write;
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    bind(&mut statement, args)?;
    let keys = keys.of(
        sql,
        |(made_for, _)| made_for.iter().eq(raw.iter()),
        || Arc::new((raw.iter().map(|r| r.to_string()).collect(), json_keys(&statement, raw))),
    );
    let keys = &keys.1;
    let mut rows = statement.raw_query();
    let mut json = Vec::with_capacity(PAGE_CAPACITY);
    json.push(b'[');
    let mut lead = None;
    let mut first = true;
    let mut digits = itoa::Buffer::new();
    while let Some(row) = rows.next().map_err(database_error)? {
        if first {
            lead = row.get::<_, Option<i64>>(0).map_err(database_error)?;
            first = false;
        } else {
            json.push(b',');
        }
        for (i, (prefix, embed)) in keys.iter().enumerate() {
            json.extend_from_slice(prefix);
            match row.get_ref(i + 1).map_err(database_error)? {
                ValueRef::Null => json.extend_from_slice(b"null"),
                ValueRef::Integer(n) => json.extend_from_slice(digits.format(n).as_bytes()),
                ValueRef::Real(x) if x.is_finite() => {
                    let _ = write!(json, "{x}");
                }
                ValueRef::Real(_) => json.extend_from_slice(b"null"),
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) if *embed => {
                    json.extend_from_slice(utf8(bytes).as_bytes());
                }
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) if plain(bytes) => {
                    json.push(b'"');
                    json.extend_from_slice(bytes);
                    json.push(b'"');
                }
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => write_json_string(&mut json, &utf8(bytes)),
            }
        }
        if !keys.is_empty() {
            json.push(b'}');
        }
    }
    json.push(b']');
    Ok(JsonPage { json, lead })
}

/// What goes before each value of a row (`{"key":` or `,"key":`), and whether the value is
/// embedded as it is.
fn json_keys(statement: &Statement<'_>, raw: &[&str]) -> Vec<(Vec<u8>, bool)> {
    statement
        .column_names()
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, name)| {
            let mut prefix = Vec::with_capacity(name.len() + 8);
            prefix.push(if i == 0 { b'{' } else { b',' });
            write_json_string(&mut prefix, name);
            prefix.push(b':');
            (prefix, raw.contains(name))
        })
        .collect()
}

/// Text as SQLite holds it: UTF-8 as written, checked (not copied); anything else made valid.
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Whether `bytes` are a JSON string's contents as they are: printable ASCII without `"` or
/// `\`, as most stored text is. One pass with no early exit, which the compiler vectorizes.
fn plain(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |ok, &b| {
        ok & (0x20..0x80).contains(&b) & (b != b'"') & (b != b'\\')
    })
}

/// Appends `text` as a JSON string literal.
fn write_json_string(out: &mut Vec<u8>, text: &str) {
    // Writing a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(out, text);
}
