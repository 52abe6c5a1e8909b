//! Legacy `personal_activities` rows: an `ActivityImported` each, with the goal it served
//! when that goal is the owner's in Joan (else without it, reported).
use joan_domain::ActivityId;
use joan_domain::activity::{
    ActivityEvent, ActivityName, ActivityType, DurationMinutes, Level, Levels, Place, Weather,
};
use joan_domain::text::Description;

use super::known::Known;
use super::rules::{self, References, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;

pub const TABLE: Table = Table {
    name: "personal_activities",
    aggregate_type: "activity",
    twice: ID_TWICE,
};

pub fn check(record: &Record, known: &Known) -> Result<Checked<ActivityEvent>, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let activity_type = parsed("type", ActivityType::parse(record.required("type")?))?;
    let name = parsed("name", ActivityName::parse(record.required("name")?))?;
    let level = |column: &str| -> Result<Option<u8>, String> {
        record
            .integer(column)?
            .map(|l| parsed(column, Level::parse(l)).map(u8::from))
            .transpose()
    };
    let levels = Levels {
        mood_before: level("mood_before")?,
        mood_after: level("mood_after")?,
        energy_before: level("energy_before")?,
        energy_after: level("energy_after")?,
    };
    let duration_minutes = record
        .integer("duration_minutes")?
        .map(|m| parsed("duration_minutes", DurationMinutes::parse(m)).map(u16::from))
        .transpose()?;
    let created_at = record.timestamp("created_at")?;
    // Without a day, the day it was written down (in UTC), as Joan records one.
    let date = match record.text("date")? {
        Some(raw) => rules::day("date", raw)?,
        None => created_at.day(),
    };
    let mut references = References::new(record, TABLE.name, Some(owner));
    let goal_id = references.keep("goal_id", "goals", known)?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: ActivityEvent::ActivityImported {
            activity_id: ActivityId::from(id),
            user_id: owner,
            activity_type: activity_type.into(),
            name: name.into(),
            description: rules::optional(record, "description", Description::parse)?.map(String::from),
            duration_minutes,
            date,
            time: rules::optional(record, "time", rules::clock_time)?,
            levels,
            tags: rules::tags(record, "tags")?,
            location: rules::optional(record, "location", Place::parse)?.map(String::from),
            weather: rules::optional(record, "weather", Weather::parse)?.map(String::from),
            goal_id: goal_id.map(Into::into),
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}
