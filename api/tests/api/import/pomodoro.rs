//! Legacy pomodoro sessions through the API.
use super::legacy::{Expect, Resource, read_back};
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
