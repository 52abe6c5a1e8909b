//! Legacy `activity_goals` rows: an `ActivityGoalImported` each, by the rules of
//! `POST /activities/goals` (a frequency of the closed set, a count or minutes or both, an end
//! not before the start).
use joan_domain::ActivityGoalId;
use joan_domain::activity::ActivityType;
use joan_domain::activity_goal::{self, ActivityGoalEvent, Frequency, TargetCount, TargetMinutes};

use super::known::Known;
use super::rules::{self, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;

pub const TABLE: Table = Table {
    name: "activity_goals",
    aggregate_type: "activity_goal",
    twice: ID_TWICE,
};

pub fn check(record: &Record, known: &Known) -> Result<Checked<ActivityGoalEvent>, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let activity_type = parsed("activity_type", ActivityType::parse(record.required("activity_type")?))?;
    let frequency = record
        .text("target_frequency")?
        .unwrap_or(Frequency::default().as_str());
    let target_frequency = Frequency::parse(frequency).map_err(|e| format!("target_frequency {frequency:?}: {e}"))?;
    let target_count = record
        .integer("target_count")?
        .map(|c| parsed("target_count", TargetCount::parse(c)).map(u16::from))
        .transpose()?;
    let target_duration_minutes = record
        .integer("target_duration_minutes")?
        .map(|m| parsed("target_duration_minutes", TargetMinutes::parse(m)).map(u32::from))
        .transpose()?;
    let date = |column: &str| record.text(column)?.map(|raw| rules::day(column, raw)).transpose();
    let (start_date, end_date) = (date("start_date")?, date("end_date")?);
    activity_goal::check(
        target_count,
        target_duration_minutes,
        start_date.as_deref(),
        end_date.as_deref(),
    )
    .map_err(|e| e.to_string())?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: ActivityGoalEvent::ActivityGoalImported {
            goal_id: ActivityGoalId::from(id),
            user_id: owner,
            activity_type: activity_type.into(),
            target_frequency,
            target_count,
            target_duration_minutes,
            start_date,
            end_date,
            reminder_time: rules::optional(record, "reminder_time", rules::clock_time)?,
            is_active: record.flag("is_active", true)?,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: Vec::new(),
    })
}
