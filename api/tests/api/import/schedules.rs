//! Legacy daily schedules and schedule templates through the API.
use serde_json::Value;

use super::legacy::{Expect, Resource, Row, get_ok, read_back, rows};
use crate::app::TestApp;

/// The old blocks as the API shows them: the kind kept, a task the import dropped `null`.
fn blocks(expect: &Expect<'_>, table: &str, row: &Row) -> Value {
    let mut blocks = row.parsed("blocks", Value::Array(vec![]));
    for (i, block) in blocks.as_array_mut().unwrap().iter_mut().enumerate() {
        if expect.is_dropped(table, &row.id(), &format!("blocks[{i}].task_id")) {
            block["task_id"] = Value::Null;
        }
    }
    blocks
}

/// Every good day reads back on its date with its old blocks and times, its history starting
/// with the import (which keeps the old id); a refused day is not there, unless a good row
/// of the same user and date came first. Returns how many good days were checked.
pub async fn read_back_days(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let mut checked = 0;
    for row in rows(legacy, "daily_schedules") {
        let Some(owner) = row.text("user_id").filter(|o| expect.tokens.contains_key(o)) else {
            continue;
        };
        if expect.is_bad("daily_schedules", &row.id()) {
            continue;
        }
        let date = &row.text("date").unwrap()[..10];
        let path = format!("/api/v1/schedule/daily/{date}");
        let b = get_ok(app, expect.token(&owner), &path).await;
        assert_eq!(b["user_id"], owner.as_str());
        assert_eq!(b["date"], date);
        assert_eq!(b["blocks"], blocks(expect, "daily_schedules", &row), "{b}");
        assert_eq!(b["created_at"], row.at("created_at"));
        assert_eq!(b["updated_at"], row.at("updated_at"));
        let history = get_ok(app, expect.token(&owner), &format!("{path}/history")).await;
        assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
        assert_eq!(history[0]["type"], "ScheduleImported");
        assert_eq!(history[0]["data"]["legacy_id"], row.id().as_str(), "{history}");
        checked += 1;
    }
    checked
}

/// Every good template reads back with its name, description, blocks and default flag.
pub async fn read_back_templates(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "schedule_templates",
        path: "/api/v1/schedule/templates",
        imported: "TemplateImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["name"], row.json("name"));
        assert_eq!(b["description"], row.json("description"));
        assert_eq!(b["blocks"], blocks(expect, "schedule_templates", row), "{b}");
        assert_eq!(b["is_default"], row.flag("is_default"));
    })
    .await
}
