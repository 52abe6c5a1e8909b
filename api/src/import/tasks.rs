//! Legacy `tasks` and `task_activities` rows: a `TaskImported` per task, followed by a
//! `TaskActivityImported` per old activity, in their order, and the task's goal links.
use std::collections::{HashMap, HashSet};

use joan_domain::task::{Description, Minutes, Priority, Task, TaskEvent, TaskStatus, Title};
use joan_domain::{Timestamp, UserId};
use uuid::Uuid;

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::earlier::Stream;
use super::goal_links;
use super::known::Known;
use super::report::{BadRow, TableReport};
use super::rules::{self, References, parsed};
use super::source::Record;

fn check_task(record: &Record, known: &Known) -> Result<(TaskEvent, UserId, Vec<BadRow>), String> {
    let task_id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let title = parsed("title", Title::parse(record.required("title")?))?;
    let description = rules::optional(record, "description", Description::parse)?;
    let status = record.text("status")?.unwrap_or("pending");
    let status = TaskStatus::parse(status).map_err(|e| format!("status {status:?}: {e}"))?;
    let priority = parsed("priority", Priority::parse(record.integer("priority")?.unwrap_or(0)))?;
    let due_date = record
        .text("due_date")?
        .map(|raw| rules::due_date("due_date", raw))
        .transpose()?;
    let minutes = |column: &str| -> Result<Option<u32>, String> {
        record
            .integer(column)?
            .map(|m| parsed(column, Minutes::parse(m)).map(u32::from))
            .transpose()
    };
    let tags = rules::tags(record, "tags")?;
    let mut references = References::new(record, "tasks", Some(owner));
    let folder_id = references.keep("folder_id", "folders", known)?.map(Into::into);
    let project_id = references.keep_project("project_id", known)?.map(Into::into);
    let created_at = record.timestamp("created_at")?;
    let completed_at = record.timestamp_opt("completed_at")?;
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
        references.dropped,
    ))
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

/// The reports of the tables that go into task streams.
pub struct Reports {
    pub tasks: TableReport,
    pub activities: TableReport,
    pub links: TableReport,
}

/// Checks tasks, their activities and goal links, and adds the importable ones to their
/// batches (and the tasks to `known`): each task's stream is its import, then its old
/// activities and links by time. A task Joan holds already (`earlier`) gets only the links it
/// lacks, at the end of its stream.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    tasks: &[Record],
    activities: &[Record],
    links: &[Record],
    earlier: &HashMap<String, Stream<Task>>,
    known: &mut Known,
    stamp: &Stamp,
    reports: &mut Reports,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let Reports {
        tasks: task_report,
        activities: activity_report,
        links: link_report,
    } = reports;
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
    let mut links = goal_links::by_task(links, link_report);
    let mut imported_tasks = HashSet::new();
    for record in tasks {
        let (event, owner, dropped) = match check_task(record, known) {
            Ok(ok) => ok,
            Err(reason) => {
                task_report.refuse(record.id(), reason);
                continue;
            }
        };
        let TaskEvent::TaskImported {
            task_id,
            created_at,
            status,
            ..
        } = &event
        else {
            continue;
        };
        let (task_id, created_at, done) = (task_id.uuid(), *created_at, *status == TaskStatus::Completed);
        if !imported_tasks.insert(task_id) {
            task_report.refuse(task_id.to_string(), "the id is used twice");
            continue;
        }
        let old = history.remove(&task_id).unwrap_or_default();
        let (id, owner) = (task_id.to_string(), owner.to_string());
        let now = earlier.get(&id);
        // A link's `done` follows the task as it is: in Joan, or as it comes in.
        let done = now.map_or(done, |s| s.state.status == TaskStatus::Completed);
        let task_links = links.remove(&task_id).unwrap_or_default();
        let linked = goal_links::events(task_links, &owner, done, created_at, known, link_report);
        let (activities, linked_count) = (old.len() as u64, linked.len() as u64);
        known.add("tasks", id.clone(), owner.clone());
        if known.exists("task", &id) {
            task_report.already += 1;
            activity_report.already += activities;
            let mut new = match now {
                Some(now) if !now.state.life.deleted => goal_links::missing_from(now, linked),
                _ => Vec::new(),
            };
            link_report.already += linked_count - new.len() as u64;
            if let (Some(now), false) = (now, new.is_empty()) {
                new.sort_by_key(|(_, at)| *at);
                batches.push(
                    stamp.stream_from("task", &id, &owner, now.next(), &new)?,
                    new.len() as u64,
                );
                link_report.imported += new.len() as u64;
            }
            continue;
        }
        task_report.dropped_references.extend(dropped);
        let mut later: Vec<(TaskEvent, Timestamp)> = old
            .into_iter()
            .map(|(_, e)| {
                let at = e.at();
                (e, at)
            })
            .chain(linked)
            .collect();
        // Stable: activities keep their order, a link goes after the activities of its time.
        later.sort_by_key(|(_, at)| *at);
        let mut stream = Vec::with_capacity(later.len() + 1);
        stream.push((event, created_at));
        stream.extend(later);
        batches.push(
            stamp.stream("task", &id, &owner, &stream)?,
            1 + activities + linked_count,
        );
        task_report.imported += 1;
        activity_report.imported += activities;
        link_report.imported += linked_count;
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
    goal_links::refuse_orphans(links, link_report);
    Ok(())
}
