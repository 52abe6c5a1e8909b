//! Legacy personal activities through the API.
use serde_json::Value;

use super::legacy::{Expect, Resource, read_back};
use crate::app::TestApp;

/// Every good activity reads back with the old values (a day-less one on the day it was
/// written down, an `HH:MM:00` time as `HH:MM`, another user's goal dropped).
pub async fn read_back_activities(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "personal_activities",
        path: "/api/v1/activities",
        imported: "ActivityImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["type"], row.json("type"));
        assert_eq!(b["name"], row.json("name"));
        assert_eq!(b["description"], row.json("description"));
        assert_eq!(b["duration_minutes"], row.number("duration_minutes"));
        let day = row
            .text("date")
            .unwrap_or_else(|| row.at("created_at").as_str().unwrap()[..10].to_string());
        assert_eq!(b["date"], day.as_str());
        assert_eq!(b["time"], row.text("time").map_or(Value::Null, |t| t[..5].into()));
        for level in ["mood_before", "mood_after", "energy_before", "energy_after"] {
            assert_eq!(b[level], row.number(level), "{level}");
        }
        assert_eq!(b["tags"], row.parsed("tags", Value::Array(vec![])));
        assert_eq!(b["location"], row.json("location"));
        assert_eq!(b["weather"], row.json("weather"));
        assert_eq!(
            b["goal_id"],
            expect.reference("personal_activities", row, "goal_id"),
            "{b}"
        );
    })
    .await
}
