//! Legacy goals and task_goal_links through the API and the read table.
use std::collections::BTreeSet;

use joan_commands::Database;
use rusqlite::types::Value as Sql;
use serde_json::{Value, json};

use super::legacy::{Expect, Resource, read_back, rows};
use crate::app::TestApp;

/// Every good goal reads back with the old values: its progress as set by hand (a fraction
/// rounded; none: it follows the linked tasks), NULL type and status as Joan's defaults.
pub async fn read_back_goals(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "goals",
        path: "/api/v1/goals",
        imported: "GoalImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["title"], row.json("title"));
        assert_eq!(b["description"], row.json("description"));
        assert_eq!(b["type"], row.text("type").unwrap_or("outcome".into()).as_str());
        assert_eq!(b["status"], row.text("status").unwrap_or("active".into()).as_str());
        let target = row.text("target_date").map(|d| {
            if d.len() == 10 {
                Value::from(d)
            } else {
                row.at("target_date")
            }
        });
        assert_eq!(b["target_date"], target.unwrap_or(Value::Null));
        assert_eq!(b["completed_at"], row.at("completed_at"), "{b}");
        match row.0["progress"] {
            Sql::Integer(p) => assert_eq!(b["progress"], json!(p)),
            Sql::Real(p) => assert_eq!(b["progress"], json!(p.round() as i64)),
            _ => assert_eq!(b["progress_manual"], false, "{b}"),
        }
        assert_eq!(b["metrics"], row.parsed("metrics", json!({})));
    })
    .await
}

/// The links in Joan's `task_goal_links` are exactly the good legacy rows, with their ids
/// and times.
pub async fn links_kept(db: &Database, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let want: BTreeSet<(String, String, String, String)> = rows(legacy, "task_goal_links")
        .iter()
        .filter(|r| !expect.is_bad("task_goal_links", &r.id()))
        .map(|r| {
            let at = r.at("created_at").as_str().unwrap().to_string();
            (r.id(), r.text("task_id").unwrap(), r.text("goal_id").unwrap(), at)
        })
        .collect();
    let got: Vec<(String, String, String, String)> = db
        .fetch_all("select id, task_id, goal_id, created_at from task_goal_links", &[])
        .await
        .unwrap();
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want);
    want.len() as u64
}
