//! Legacy `tasks` and `task_activities` rows: a `TaskImported` per task, followed by a
//! `TaskActivityImported` per old activity, in their order.
use std::collections::{HashMap, HashSet};

use joan_domain::task::{Description, DueDate, Minutes, Priority, TaskEvent, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use uuid::Uuid;

use super::append::{Batcher, Stamp};
use super::report::{BadRow, TableReport};
use super::source::{Record, legacy_timestamp};
use super::{ImportError, Known};

fn check_task(record: &Record, known: &Known, dropped: &mut Vec<BadRow>) -> Result<(TaskEvent, UserId), String> {
    let task_id = record.uuid("id")?;
    let owner = record.uuid("user_id")?;
    if !known.users.contains(&owner.to_string()) {
        return Err(format!("owner {owner} is missing"));
    }
    let title = Title::parse(record.required("title")?).map_err(|e| format!("title: {e}"))?;
    let description = record
        .text("description")?
        .map(|d| Description::parse(d).map_err(|e| format!("description: {e}")))
        .transpose()?;
    let status = record.text("status")?.unwrap_or("pending");
    let status = TaskStatus::parse(status).map_err(|e| format!("status {status:?}: {e}"))?;
    let priority = Priority::parse(record.integer("priority")?.unwrap_or(0)).map_err(|e| format!("priority: {e}"))?;
    let due_date = record.text("due_date")?.map(due_date).transpose()?;
    let minutes = |column: &str| -> Result<Option<u32>, String> {
        record
            .integer(column)?
            .map(|m| Minutes::parse(m).map(u32::from).map_err(|e| format!("{column}: {e}")))
            .transpose()
    };
    let tags = match record.json("tags")? {
        None => Vec::new(),
        Some(value) => serde_json::from_value::<Vec<String>>(value)
            .map_err(|_| "tags is not a JSON list of texts".to_string())
            .and_then(|t| joan_domain::task::Tags::parse(&t).map_err(|e| format!("tags: {e}")))?
            .into(),
    };
    let mut reference = |column: &str, table: &str, present: &HashSet<String>| -> Result<Option<Uuid>, String> {
        let Some(id) = record.uuid_opt(column)? else {
            return Ok(None);
        };
        if present.contains(&id.to_string()) {
            return Ok(Some(id));
        }
        dropped.push(BadRow {
            table: "tasks",
            id: task_id.to_string(),
            reason: format!("{column} {id} names no row of {table}"),
        });
        Ok(None)
    };
    let folder_id = reference("folder_id", "folders", &known.folders)?.map(Into::into);
    let project_id = reference("project_id", "projects", &known.projects)?.map(Into::into);
    let created_at = record.timestamp("created_at")?;
    let completed_at = record.timestamp_opt("completed_at")?;
    let owner = UserId::from(owner);
    Ok((
        TaskEvent::TaskImported {
            task_id: task_id.into(),
            user_id: owner,
            title: title.into(),
            description: description.map(String::from),
            status,
            priority: priority.into(),
            due_date,
            completed_at,
            folder_id,
            project_id,
            estimated_minutes: minutes("estimated_minutes")?,
            actual_minutes: minutes("actual_minutes")?,
            tags,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        owner,
    ))
}

/// A due date as Joan keeps it: a calendar day as it is, an instant in RFC 3339.
fn due_date(raw: &str) -> Result<String, String> {
    let normalised = legacy_timestamp(raw).map_or_else(|| raw.to_string(), Timestamp::to_rfc3339);
    let raw = if raw.len() == 10 { raw.to_string() } else { normalised };
    DueDate::parse(&raw)
        .map(String::from)
        .map_err(|e| format!("due_date {raw:?}: {e}"))
}

fn check_activity(record: &Record) -> Result<(Uuid, TaskEvent), String> {
    let activity_id = record.uuid("id")?;
    let task_id = record.uuid("task_id")?;
    let action = record.required("action")?;
    if action.trim().is_empty() || action.chars().count() > 100 {
        return Err(format!("action {action:?} is not an action"));
    }
    Ok((
        task_id,
        TaskEvent::TaskActivityImported {
            activity_id,
            action: action.to_string(),
            details: record.json("details")?,
            at: record.timestamp("created_at")?,
        },
    ))
}

/// Checks tasks and their activities and adds the importable ones to their batches.
pub fn plan(
    tasks: &[Record],
    activities: &[Record],
    known: &Known,
    stamp: &Stamp,
    reports: (&mut TableReport, &mut TableReport),
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let (task_report, activity_report) = reports;
    // Activities by task, in the order they were read (oldest first).
    let mut history: HashMap<Uuid, Vec<(String, TaskEvent)>> = HashMap::new();
    let mut seen = HashSet::new();
    for record in activities {
        match check_activity(record) {
            Ok(_) if !seen.insert(record.id()) => activity_report.refuse(record.id(), "the id is used twice"),
            Ok((task, event)) => history.entry(task).or_default().push((record.id(), event)),
            Err(reason) => activity_report.refuse(record.id(), reason),
        }
    }
    let mut imported_tasks = HashSet::new();
    for record in tasks {
        let checked = check_task(record, known, &mut task_report.dropped_references);
        let (event, owner) = match checked {
            Ok(ok) => ok,
            Err(reason) => {
                task_report.refuse(record.id(), reason);
                continue;
            }
        };
        let TaskEvent::TaskImported {
            task_id, created_at, ..
        } = &event
        else {
            continue;
        };
        let (task_id, created_at) = (task_id.uuid(), *created_at);
        if !imported_tasks.insert(task_id) {
            task_report.refuse(task_id.to_string(), "the id is used twice");
            continue;
        }
        let old = history.remove(&task_id).unwrap_or_default();
        if known.existing_tasks.contains(&task_id.to_string()) {
            task_report.already += 1;
            activity_report.already += old.len() as u64;
            continue;
        }
        let activities = old.len() as u64;
        let mut stream = Vec::with_capacity(old.len() + 1);
        stream.push((event, created_at));
        stream.extend(old.into_iter().map(|(_, e)| {
            let at = e.at();
            (e, at)
        }));
        let owner = owner.to_string();
        batches.push(
            stamp.stream("task", &task_id.to_string(), &owner, &stream)?,
            1 + activities,
        );
        task_report.imported += 1;
        activity_report.imported += activities;
    }
    // What is left names a task that is missing or was refused.
    let mut orphans: Vec<(String, Uuid)> = history
        .into_iter()
        .flat_map(|(task, rows)| rows.into_iter().map(move |(id, _)| (id, task)))
        .collect();
    orphans.sort();
    for (id, task) in orphans {
        activity_report.refuse(id, format!("task {task} is missing or was not imported"));
    }
    Ok(())
}
