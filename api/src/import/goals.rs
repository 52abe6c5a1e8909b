//! Legacy `goals` rows: a `GoalImported` each. The old progress comes in as set by hand (a
//! NULL one follows the linked tasks); `completed_at` is kept as it was.
use joan_domain::GoalId;
use joan_domain::goal::{GoalEvent, GoalStatus, GoalType, Progress};
use joan_domain::task::{Description, Title};
use joan_domain::values::JsonObject;

use super::known::Known;
use super::rules::{self, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;

pub const TABLE: Table = Table {
    name: "goals",
    aggregate_type: "goal",
    twice: ID_TWICE,
};

pub fn check(record: &Record, known: &Known) -> Result<Checked<GoalEvent>, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let title = parsed("title", Title::parse(record.required("title")?))?;
    let description = rules::optional(record, "description", Description::parse)?;
    let goal_type = record.text("type")?.unwrap_or("outcome");
    let goal_type = GoalType::parse(goal_type).map_err(|e| format!("type {goal_type:?}: {e}"))?;
    let status = record.text("status")?.unwrap_or("active");
    let status = GoalStatus::parse(status).map_err(|e| format!("status {status:?}: {e}"))?;
    let target_date = record
        .text("target_date")?
        .map(|raw| rules::due_date("target_date", raw))
        .transpose()?;
    let progress = record
        .rounded("progress")?
        .map(|p| parsed("progress", Progress::parse(p)).map(u8::from))
        .transpose()?;
    let metrics = match record.json("metrics")? {
        None => serde_json::Map::new(),
        Some(value) => parsed("metrics", JsonObject::parse(value))?.into(),
    };
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: GoalEvent::GoalImported {
            goal_id: GoalId::from(id),
            user_id: owner,
            title: title.into(),
            description: description.map(String::from),
            goal_type,
            status,
            target_date,
            completed_at: record.timestamp_opt("completed_at")?,
            progress,
            metrics,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: Vec::new(),
    })
}
