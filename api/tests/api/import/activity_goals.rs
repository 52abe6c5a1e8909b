//! Legacy activity goals through the API.
use serde_json::Value;

use super::legacy::{Expect, Resource, read_back};
use crate::app::TestApp;

/// Every good goal reads back with its old values (a NULL frequency as the default, weekly;
/// an `HH:MM:00` reminder as `HH:MM`).
pub async fn read_back_activity_goals(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "activity_goals",
        path: "/api/v1/activities/goals",
        imported: "ActivityGoalImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["activity_type"], row.json("activity_type"));
        let frequency = row.text("target_frequency").unwrap_or_else(|| "weekly".into());
        assert_eq!(b["target_frequency"], frequency.as_str());
        assert_eq!(b["target_count"], row.number("target_count"));
        assert_eq!(b["target_duration_minutes"], row.number("target_duration_minutes"));
        assert_eq!(b["start_date"], row.json("start_date"));
        assert_eq!(b["end_date"], row.json("end_date"));
        let reminder = row.text("reminder_time").map_or(Value::Null, |t| t[..5].into());
        assert_eq!(b["reminder_time"], reminder);
        assert_eq!(b["is_active"], row.flag("is_active"));
    })
    .await
}
