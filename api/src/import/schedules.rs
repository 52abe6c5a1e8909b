//! Legacy `daily_schedules` and `schedule_templates` rows: a `ScheduleImported` or a
//! `TemplateImported` each. Their `blocks` go through the rules of `POST /schedule/daily`
//! (times, titles, no overlap); a block's task that is not the owner's in Joan is dropped from
//! the block and reported. A day's stream is named by its user and date, as every day is,
//! so the old row's id is kept in the event only.
use joan_domain::schedule::{Blocks, ScheduleEvent};
use joan_domain::schedule_template::{TemplateEvent, TemplateName};
use joan_domain::text::Description;
use joan_domain::{ScheduleId, TemplateId, UserId};

use super::known::Known;
use super::rules::{self, References, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;
use crate::http::fields::Fields;
use crate::routes::schedule::blocks::{BlockBody, parse_blocks};

pub const DAYS: Table = Table {
    name: "daily_schedules",
    aggregate_type: "schedule",
    twice: "the user has another row of daily_schedules for this date",
};

pub const TEMPLATES: Table = Table {
    name: "schedule_templates",
    aggregate_type: "schedule_template",
    twice: ID_TWICE,
};

/// The row's `blocks` (none when NULL) by the API's rules, each block's task kept only when
/// it is `references`' owner's.
fn blocks(record: &Record, references: &mut References<'_>, known: &Known) -> Result<Blocks, String> {
    let Some(value) = record.json("blocks")? else {
        return Ok(Blocks::default());
    };
    let mut bodies: Vec<BlockBody> =
        serde_json::from_value(value).map_err(|e| format!("blocks is not a JSON list of blocks: {e}"))?;
    for (i, body) in bodies.iter_mut().enumerate() {
        if let Some(task) = body.task_id {
            body.task_id = references.keep_id(&format!("blocks[{i}].task_id"), task, "tasks", known)?;
        }
    }
    let mut fields = Fields::default();
    parse_blocks(&mut fields, &bodies).ok_or_else(|| {
        let problems: Vec<String> = fields
            .errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        problems.join("; ")
    })
}

pub fn check_day(record: &Record, known: &Known) -> Result<Checked<ScheduleEvent>, String> {
    let legacy_id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let date = rules::day("date", record.required("date")?)?;
    let mut references = References::new(record, DAYS.name, Some(owner));
    let blocks = blocks(record, &mut references, known)?;
    let created_at = record.timestamp("created_at")?;
    let schedule_id = ScheduleId::of(owner, &date);
    Ok(Checked {
        id: schedule_id.0,
        owner,
        created_at,
        event: ScheduleEvent::ScheduleImported {
            schedule_id,
            user_id: owner,
            date,
            blocks: blocks.into(),
            legacy_id,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}

pub fn check_template(record: &Record, known: &Known) -> Result<Checked<TemplateEvent>, String> {
    let id = record.uuid("id")?;
    let owner: UserId = rules::owner(record, known)?;
    let name = parsed("name", TemplateName::parse(record.required("name")?))?;
    let description = rules::optional(record, "description", Description::parse)?;
    let mut references = References::new(record, TEMPLATES.name, Some(owner));
    let blocks = blocks(record, &mut references, known)?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: TemplateEvent::TemplateImported {
            template_id: TemplateId::from(id),
            user_id: owner,
            name: name.into(),
            description: description.map(String::from),
            blocks: blocks.into(),
            is_default: record.flag("is_default", false)?,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}
