//! Legacy pomodoro sessions and settings through the API.
use serde_json::{Value, json};

use super::legacy::{Expect, Resource, get_ok, history_types, read_back, rows};
use crate::app::TestApp;

/// Every good session reads back with its old type, length, times and outcome (one that
/// never ended runs), a task that was not kept dropped.
pub async fn read_back_sessions(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "pomodoro_sessions",
        path: "/api/v1/pomodoro/sessions",
        imported: "PomodoroSessionImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["type"], row.json("type"));
        assert_eq!(b["duration_minutes"], row.number("duration_minutes"));
        assert_eq!(b["started_at"], row.at("started_at"));
        assert_eq!(b["ended_at"], row.at("ended_at"));
        assert_eq!(b["completed"], row.flag("completed"));
        assert_eq!(b["notes"], row.json("notes"));
        assert_eq!(
            b["task_id"],
            expect.reference("pomodoro_sessions", row, "task_id"),
            "{b}"
        );
    })
    .await
}

/// Every good settings row reads back as its user's pomodoro settings (a NULL as the
/// default), with its old times, the stream's history starting with the import and the
/// user's sessions after it. Returns how many good rows were checked.
pub async fn read_back_settings(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let mut checked = 0;
    for row in rows(legacy, "pomodoro_settings") {
        let Some(user) = row.text("user_id").filter(|u| expect.tokens.contains_key(u)) else {
            continue;
        };
        if expect.is_bad("pomodoro_settings", &row.id()) {
            continue;
        }
        let token = expect.token(&user);
        let b = get_ok(app, token, "/api/v1/pomodoro/settings").await;
        let or = |column: &str, default: Value| match row.number(column) {
            Value::Null => default,
            n => n,
        };
        assert_eq!(b["user_id"], user.as_str());
        assert_eq!(b["work_duration"], or("work_duration", json!(25)));
        assert_eq!(b["short_break_duration"], or("short_break_duration", json!(5)));
        assert_eq!(b["long_break_duration"], or("long_break_duration", json!(15)));
        assert_eq!(
            b["sessions_until_long_break"],
            or("sessions_until_long_break", json!(4))
        );
        let flag = |column: &str, default: bool| match row.number(column) {
            Value::Null => Value::Bool(default),
            _ => row.flag(column),
        };
        assert_eq!(b["auto_start_breaks"], flag("auto_start_breaks", false));
        assert_eq!(b["auto_start_pomodoros"], flag("auto_start_pomodoros", false));
        assert_eq!(b["sound_enabled"], flag("sound_enabled", true));
        assert_eq!(b["created_at"], row.at("created_at"), "{b}");
        assert_eq!(b["updated_at"], row.at("updated_at"), "{b}");
        let history = history_types(app, token, "/api/v1/pomodoro/settings/history").await;
        assert_eq!(history.first().map(String::as_str), Some("PomodoroSettingsImported"));
        assert!(
            history[1..].iter().all(|t| t == "PomodoroSessionImported"),
            "{history:?}"
        );
        checked += 1;
    }
    checked
}
