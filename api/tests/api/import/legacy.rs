//! Reading the fixture's legacy rows and comparing them with what the API shows.
use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use joan_api::import::legacy_timestamp;
use rusqlite::types::Value as Sql;
use serde_json::Value;

use crate::app::TestApp;

/// One legacy row, columns by name.
pub struct Row(pub HashMap<String, Sql>);

impl Row {
    pub fn text(&self, column: &str) -> Option<String> {
        match self.0.get(column) {
            Some(Sql::Text(t)) => Some(t.clone()),
            _ => None,
        }
    }

    pub fn id(&self) -> String {
        self.text("id").unwrap_or_default()
    }

    /// A text column as the API shows it (`null` when NULL).
    pub fn json(&self, column: &str) -> Value {
        self.text(column).map_or(Value::Null, Value::from)
    }

    /// An old timestamp as Joan shows it.
    pub fn at(&self, column: &str) -> Value {
        self.text(column)
            .map_or(Value::Null, |raw| legacy_timestamp(&raw).unwrap().to_rfc3339().into())
    }

    /// An integer column as the API shows it (`null` when NULL).
    pub fn number(&self, column: &str) -> Value {
        match self.0.get(column) {
            Some(Sql::Integer(n)) => Value::from(*n),
            _ => Value::Null,
        }
    }

    /// A 0/1 column as the API shows it.
    pub fn flag(&self, column: &str) -> Value {
        Value::Bool(matches!(self.0.get(column), Some(Sql::Integer(1))))
    }

    /// A JSON text column, parsed (`default` when NULL).
    pub fn parsed(&self, column: &str, default: Value) -> Value {
        self.text(column).map_or(default, |t| serde_json::from_str(&t).unwrap())
    }
}

/// Every row of `table`.
pub fn rows(legacy: &rusqlite::Connection, table: &str) -> Vec<Row> {
    let mut stmt = legacy.prepare(&format!("select * from {table}")).unwrap();
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    stmt.query_map([], |row| {
        Ok(Row(names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), row.get::<_, Sql>(i).unwrap()))
            .collect()))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// What a test knows of the import: who signs in as whom, and which rows it refused or
/// took in without a reference.
pub struct Expect<'a> {
    pub tokens: &'a HashMap<String, String>,
    pub bad: &'a BTreeSet<(String, String)>,
    /// (table, id, column).
    pub dropped: &'a BTreeSet<(String, String, String)>,
}

impl Expect<'_> {
    pub fn is_bad(&self, table: &str, id: &str) -> bool {
        self.bad.contains(&(table.to_string(), id.to_string()))
    }

    pub fn is_dropped(&self, table: &str, id: &str, column: &str) -> bool {
        self.dropped
            .contains(&(table.to_string(), id.to_string(), column.to_string()))
    }

    /// A reference column as the API shows it: `null` when the import dropped it.
    pub fn reference(&self, table: &str, row: &Row, column: &str) -> Value {
        if self.is_dropped(table, &row.id(), column) {
            Value::Null
        } else {
            row.json(column)
        }
    }

    pub fn token(&self, user: &str) -> &str {
        &self.tokens[user]
    }
}

/// `GET path` as `user`, which must answer 200.
pub async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    let got = app.get(path).token(token).send().await;
    assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.text);
    got.body
}

/// The event types of `path`'s history (`/notes/{id}/history`...), oldest first.
pub async fn history_types(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let body = get_ok(app, token, path).await;
    body.as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

/// One legacy table read back through its endpoints.
pub struct Resource {
    pub table: &'static str,
    /// `/api/v1/notes`...
    pub path: &'static str,
    /// The first event of an imported stream.
    pub imported: &'static str,
    /// The events an import may write after it (the rows of a child table).
    pub then: &'static [&'static str],
}

/// Every good row of `resource`'s table reads back as its owner's, as `same` checks (with
/// `created_at` and `updated_at` compared here); a refused row is not there; an imported
/// row's history starts with its import. Returns how many good rows were checked.
pub async fn read_back(
    app: &TestApp,
    legacy: &rusqlite::Connection,
    expect: &Expect<'_>,
    resource: &Resource,
    same: impl Fn(&Row, &Value),
) -> u64 {
    let mut checked = 0;
    for row in rows(legacy, resource.table) {
        let id = row.id();
        // A row of a deleted owner: nobody to read it as (it is refused).
        let Some(owner) = row.text("user_id").filter(|o| expect.tokens.contains_key(o)) else {
            assert!(expect.is_bad(resource.table, &id), "{id}");
            continue;
        };
        let path = format!("{}/{id}", resource.path);
        if expect.is_bad(resource.table, &id) {
            if uuid::Uuid::parse_str(&id).is_ok() {
                let got = app.get(&path).token(expect.token(&owner)).send().await;
                assert_eq!(got.status, StatusCode::NOT_FOUND, "{id}");
            }
            continue;
        }
        let body = get_ok(app, expect.token(&owner), &path).await;
        assert_eq!(body["id"], id.as_str());
        assert_eq!(body["user_id"], owner.as_str());
        assert_eq!(body["created_at"], row.at("created_at"), "{id}");
        assert_eq!(body["updated_at"], row.at("updated_at"), "{id}");
        same(&row, &body);
        let history = history_types(app, expect.token(&owner), &format!("{path}/history")).await;
        assert_eq!(history.first().map(String::as_str), Some(resource.imported), "{id}");
        assert!(
            history[1..].iter().all(|t| resource.then.contains(&t.as_str())),
            "{history:?}"
        );
        checked += 1;
    }
    checked
}
