//! Read-table declarations. A table's columns are written once, in [`read_table!`]; from them
//! follow the row struct (also the API's response shape), the batched upsert, the point read,
//! and the rendering of rows as JSON on both backends. How an aggregate's events change a row
//! is a [`Fold`]; [`FoldProjector`] runs any fold inline, in catch-up or in a rebuild.
use joan_commands::{Arg, Database, Executor, args};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ProjectionError;

pub use crate::listing::Listing;

/// How a column is stored (D1 shapes) and shown by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Real,
    /// INTEGER 0/1 in the table, `true`/`false` in JSON.
    Bool,
    /// JSON as TEXT in the table, the JSON value itself in responses.
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// A column's name from its field's: `r#type` is the column `type`.
pub const fn unraw(field: &'static str) -> &'static str {
    match field.as_bytes() {
        [b'r', b'#', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(name) => name,
            Err(_) => field,
        },
        _ => field,
    }
}

/// A Rust type a column holds: its [`Kind`] and how it binds.
pub trait ColumnType {
    const KIND: Kind;
    fn arg(&self) -> Arg<'_>;
}

impl ColumnType for String {
    const KIND: Kind = Kind::Text;
    fn arg(&self) -> Arg<'_> {
        Arg::from(self)
    }
}
impl ColumnType for Option<String> {
    const KIND: Kind = Kind::Text;
    fn arg(&self) -> Arg<'_> {
        Arg::from(self)
    }
}
impl ColumnType for i64 {
    const KIND: Kind = Kind::Int;
    fn arg(&self) -> Arg<'_> {
        Arg::from(*self)
    }
}
impl ColumnType for Option<i64> {
    const KIND: Kind = Kind::Int;
    fn arg(&self) -> Arg<'_> {
        Arg::from(*self)
    }
}
impl ColumnType for Option<f64> {
    const KIND: Kind = Kind::Real;
    fn arg(&self) -> Arg<'_> {
        Arg::Real(*self)
    }
}
impl ColumnType for Flag {
    const KIND: Kind = Kind::Bool;
    fn arg(&self) -> Arg<'_> {
        Arg::from(self.0)
    }
}
impl ColumnType for JsonText {
    const KIND: Kind = Kind::Json;
    fn arg(&self) -> Arg<'_> {
        Arg::from(&self.0)
    }
}
impl ColumnType for Option<JsonText> {
    const KIND: Kind = Kind::Json;
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self.as_ref().map(|j| j.0.as_str()))
    }
}

/// JSON kept as text in a row; serialised as the JSON it holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct JsonText(pub String);

impl JsonText {
    /// The JSON text of `value` (a value that serialises always does).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Self {
        Self(serde_json::to_string(value).unwrap_or_else(|_| "null".into()))
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }
}

impl Serialize for JsonText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// A boolean stored as INTEGER 0/1 (D1 has no boolean type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl<'de> serde::Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(|v| Flag(v != 0))
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for Flag {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <i64 as sqlx::Decode<sqlx::Postgres>>::decode(value).map(|v| Flag(v != 0))
    }
}

impl sqlx::Type<sqlx::Postgres> for Flag {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <i64 as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

/// A row of a declared table. Implemented by [`read_table!`], never by hand.
pub trait TableRow: joan_commands::db::Row + Serialize + Clone + Send + Sync + 'static {
    const TABLE: &'static str;
    /// Every column, in the order of the struct, the upsert and the JSON rendering.
    const COLUMNS: &'static [Column];
    fn id(&self) -> &str;
    /// The stream version the row is at (its `ETag`).
    fn version(&self) -> i64;
    /// The time of the row's last change.
    fn updated_at(&self) -> &str;
    /// Sets the stream version and the time of the last change, which every row carries.
    fn stamp(&mut self, version: i64, at: String);
    fn args(&self) -> Vec<Arg<'_>>;
    /// The statements of this table, rendered once.
    fn sql() -> &'static TableSql;
}

/// Declares a read table's row: the struct, its columns, and [`TableRow`]. Every table has
/// `id`, `version` and `updated_at`; field attributes (docs, `#[schema(...)]`) pass through.
#[macro_export]
macro_rules! read_table {
    (
        $(#[$meta:meta])*
        pub struct $row:ident in $table:literal {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
        pub struct $row {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl $crate::table::TableRow for $row {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [$crate::table::Column] = &[$($crate::table::Column {
                name: $crate::table::unraw(stringify!($field)),
                kind: <$ty as $crate::table::ColumnType>::KIND,
            }),*];

            fn id(&self) -> &str {
                &self.id
            }

            fn version(&self) -> i64 {
                self.version
            }

            fn updated_at(&self) -> &str {
                &self.updated_at
            }

            fn stamp(&mut self, version: i64, at: String) {
                self.version = version;
                self.updated_at = at;
            }

            fn args(&self) -> Vec<joan_commands::Arg<'_>> {
                vec![$($crate::table::ColumnType::arg(&self.$field)),*]
            }

            fn sql() -> &'static $crate::table::TableSql {
                static SQL: std::sync::OnceLock<$crate::table::TableSql> = std::sync::OnceLock::new();
                SQL.get_or_init(|| $crate::table::TableSql::new($table, Self::COLUMNS))
            }
        }
    };
}

/// The statements of one table, rendered from its columns.
#[derive(Debug)]
pub struct TableSql {
    pub table: &'static str,
    pub columns: &'static [Column],
    /// `id, user_id, ...`
    pub list: String,
    /// `insert into t (...)`, the head of a multi-row insert.
    pub insert_head: String,
    /// `on conflict (id) do update set ...`
    pub upsert_tail: String,
    /// The select list that renders each row as JSON: SQLite's (with [`TableSql::raw`]) ...
    pub sqlite_json: String,
    /// ... and PostgreSQL's `json_build_object(...)::text`.
    pub pg_json: String,
    /// Columns whose SQLite text is already JSON.
    pub raw: Vec<&'static str>,
    by_id: String,
    point_sqlite: String,
    point_pg: String,
}

impl TableSql {
    pub fn new(table: &'static str, columns: &'static [Column]) -> Self {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let list = names.join(", ");
        let sets: Vec<String> = names
            .iter()
            .filter(|n| **n != "id")
            .map(|n| format!("{n} = excluded.{n}"))
            .collect();
        let sqlite_json = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Bool => format!(
                    "case when {0} is null then null when {0} <> 0 then 'true' else 'false' end as {0}",
                    c.name
                ),
                _ => c.name.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let pg_pairs = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Json => format!("'{0}', {0}::json", c.name),
                Kind::Bool => format!("'{0}', {0} <> 0", c.name),
                _ => format!("'{0}', {0}", c.name),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let point = format!("from {table} where id = $1 and user_id = $2");
        Self {
            by_id: format!("select {list} {point}"),
            point_sqlite: format!("select version, {sqlite_json} {point}"),
            point_pg: format!("select version, json_build_object({pg_pairs})::text {point}"),
            table,
            columns,
            insert_head: format!("insert into {table} ({list})"),
            upsert_tail: format!("on conflict (id) do update set {}", sets.join(", ")),
            list,
            sqlite_json,
            pg_json: format!("json_build_object({pg_pairs})::text"),
            raw: columns
                .iter()
                .filter(|c| matches!(c.kind, Kind::Json | Kind::Bool))
                .map(|c| c.name)
                .collect(),
        }
    }

    /// `select <columns> from t where id = $1 and user_id = $2`.
    fn by_id(&self) -> &str {
        &self.by_id
    }
}

/// The caller's row `id`, or `None` (missing, deleted, or someone else's).
pub async fn get<R: TableRow>(ex: &mut impl Executor, user: &str, id: &str) -> Result<Option<R>, sqlx::Error> {
    ex.fetch_optional(R::sql().by_id(), &args![id, user]).await
}

/// Rows by id, in chunks (for folds that change rows they did not create).
pub async fn get_many<R: TableRow>(ex: &mut impl Executor, ids: &[&str]) -> Result<Vec<R>, sqlx::Error> {
    const CHUNK: usize = 200;
    let sql = R::sql();
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let statement = format!(
            "select {} from {} where id in ({})",
            sql.list,
            sql.table,
            marks.join(", ")
        );
        let args: Vec<Arg<'_>> = chunk.iter().map(|id| Arg::from(*id)).collect();
        rows.extend(ex.fetch_all::<R>(&statement, &args).await?);
    }
    Ok(rows)
}

/// Writes `rows` (new or changed) in multi-row upserts.
pub async fn upsert<R: TableRow>(conn: &mut joan_commands::Conn<'_>, rows: &[&R]) -> Result<(), ProjectionError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = R::sql();
    let args: Vec<Arg<'_>> = rows.iter().flat_map(|r| r.args()).collect();
    joan_commands::batch::insert_many_then(conn, &sql.insert_head, sql.columns.len(), &args, &sql.upsert_tail).await?;
    Ok(())
}

/// Removes rows by id.
pub async fn delete<R: TableRow>(conn: &mut joan_commands::Conn<'_>, ids: &[&str]) -> Result<(), ProjectionError> {
    let statement = format!("delete from {} where id = $1", R::sql().table);
    for id in ids {
        conn.execute(&statement, &args![*id]).await?;
    }
    Ok(())
}

/// The caller's row as the API's JSON object, with its version, or `None`. Rendered from the
/// row's values (no row struct, no view struct): SQLite writes them straight into the JSON.
pub async fn get_json<R: TableRow>(db: &Database, user: &str, id: &str) -> Result<Option<(Vec<u8>, i64)>, sqlx::Error> {
    let sql = R::sql();
    match db {
        Database::Sqlite(readers) => {
            let page = readers.json_page(&sql.point_sqlite, &args![id, user], &sql.raw)?;
            // `[{...}]`: the object is the page without its brackets.
            Ok(page.lead.map(|version| {
                let mut object = page.json;
                object.pop();
                object.remove(0);
                (object, version)
            }))
        }
        Database::Postgres(_) => {
            let row: Option<(i64, String)> = db.fetch_optional(&sql.point_pg, &args![id, user]).await?;
            Ok(row.map(|(version, json)| (json.into_bytes(), version)))
        }
    }
}

/// The `LIKE` pattern that finds `tag` in a JSON array of tags (a whole element, quotes
/// included, so `work` does not find `homework`).
pub fn tag_pattern(tag: &str) -> String {
    format!("%{}%", escape_like(&serde_json::Value::from(tag).to_string()))
}

/// `%`, `_` and `\` lose their LIKE meaning.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
