//! Legacy projects and their memberships through the API and the read table.
use std::collections::BTreeSet;

use joan_commands::Database;
use rusqlite::types::Value as Sql;
use serde_json::Value;

use super::legacy::{Expect, Resource, get_ok, read_back, rows};
use crate::app::TestApp;

/// Money as Joan shows it: the old number's shortest decimal text.
fn money(value: &Sql) -> Value {
    match value {
        Sql::Integer(i) => i.to_string().into(),
        Sql::Real(r) => r.to_string().into(),
        Sql::Text(t) => t.clone().into(),
        _ => Value::Null,
    }
}

/// A day as Joan keeps it: the old day, or the day of an old timestamp.
fn day(row: &super::legacy::Row, column: &str) -> Value {
    row.text(column).map_or(Value::Null, |d| d[..10].into())
}

/// Every good project reads back with the old values, and its members are its owner and
/// its good memberships, with their roles.
pub async fn read_back_projects(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "projects",
        path: "/api/v1/projects",
        imported: "ProjectImported",
        then: &["ProjectMemberAdded"],
    };
    let checked = read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["name"], row.json("name"));
        assert_eq!(b["description"], row.json("description"));
        assert_eq!(b["status"], row.text("status").unwrap_or("planning".into()).as_str());
        assert_eq!(b["start_date"], day(row, "start_date"));
        assert_eq!(b["end_date"], day(row, "end_date"));
        assert_eq!(b["budget"], money(&row.0["budget"]), "{b}");
        assert_eq!(b["hourly_rate"], money(&row.0["hourly_rate"]), "{b}");
        assert_eq!(b["client_id"], expect.reference("projects", row, "client_id"), "{b}");
    })
    .await;
    let memberships = rows(legacy, "project_memberships");
    for project in rows(legacy, "projects") {
        let id = project.id();
        if expect.is_bad("projects", &id) {
            continue;
        }
        let owner = project.text("user_id").unwrap();
        // (user, role, when they joined), the time as JSON text.
        let mut want: BTreeSet<(String, String, String)> =
            BTreeSet::from([(owner.clone(), "owner".to_string(), project.at("created_at").to_string())]);
        for m in memberships
            .iter()
            .filter(|m| m.text("project_id").as_deref() == Some(id.as_str()))
            .filter(|m| !expect.is_bad("project_memberships", &m.id()))
        {
            let joined = m.at("created_at").to_string();
            want.insert((m.text("user_id").unwrap(), m.text("role").unwrap(), joined));
        }
        let got = get_ok(app, expect.token(&owner), &format!("/api/v1/projects/{id}/members")).await;
        let got: BTreeSet<(String, String, String)> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let text = |k: &str| m[k].as_str().unwrap().to_string();
                (text("user_id"), text("role"), m["created_at"].to_string())
            })
            .collect();
        assert_eq!(got, want, "{id}");
    }
    checked
}

/// The memberships in Joan's `project_memberships` that came from the old table keep their
/// ids.
pub async fn memberships_kept(db: &Database, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let want: BTreeSet<(String, String, String)> = rows(legacy, "project_memberships")
        .iter()
        .filter(|r| !expect.is_bad("project_memberships", &r.id()))
        .map(|r| (r.id(), r.text("project_id").unwrap(), r.text("user_id").unwrap()))
        .collect();
    let got: Vec<(String, String, String)> = db
        .fetch_all(
            "select id, project_id, user_id from project_memberships where role <> 'owner'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want);
    want.len() as u64
}
