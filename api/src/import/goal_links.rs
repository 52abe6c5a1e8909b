//! Legacy `task_goal_links` rows: each a `TaskGoalLinked` (keeping the row's id) in its
//! task's imported stream, after the task's import, at the link's own time. A link is
//! refused when its task or goal is missing, refused or another user's.
use std::collections::{HashMap, HashSet};

use joan_domain::task::{Task, TaskEvent};
use joan_domain::{GoalId, Timestamp};
use uuid::Uuid;

use super::earlier::Stream;
use super::known::Known;
use super::report::TableReport;
use super::source::Record;

/// A link that passed its own checks; its task and goal are checked with the task.
pub struct Link {
    id: Uuid,
    goal: Uuid,
    created_at: Option<Timestamp>,
}

/// The links by the task they name, each table row checked on its own.
pub fn by_task(records: &[Record], report: &mut TableReport) -> HashMap<Uuid, Vec<Link>> {
    let mut links: HashMap<Uuid, Vec<Link>> = HashMap::new();
    let mut seen = HashSet::new();
    for record in records {
        let checked = (|| -> Result<(Uuid, Link), String> {
            let link = Link {
                id: record.uuid("id")?,
                goal: record.uuid("goal_id")?,
                created_at: record.timestamp_opt("created_at")?,
            };
            Ok((record.uuid("task_id")?, link))
        })();
        match checked {
            Ok((_, link)) if !seen.insert(link.id) => report.refuse(link.id.to_string(), "the id is used twice"),
            Ok((task, link)) => links.entry(task).or_default().push(link),
            Err(reason) => report.refuse(record.id(), reason),
        }
    }
    links
}

/// The events of a task's links (of `owner`'s, `done` when the task came in completed),
/// refusing those whose goal is not `owner`'s goal in Joan or is linked twice.
pub fn events(
    links: Vec<Link>,
    owner: &str,
    done: bool,
    task_created: Timestamp,
    known: &Known,
    report: &mut TableReport,
) -> Vec<(TaskEvent, Timestamp)> {
    let mut goals = HashSet::new();
    let mut out = Vec::new();
    for link in links {
        let id = link.id.to_string();
        match known.owner_of("goals", &link.goal.to_string()) {
            None => report.refuse(id, format!("goal {} is missing or was not imported", link.goal)),
            Some(o) if o != owner => report.refuse(id, format!("goal {} is another user's", link.goal)),
            Some(_) if !goals.insert(link.goal) => {
                report.refuse(id, format!("the task is linked to goal {} twice", link.goal))
            }
            Some(_) => {
                let at = link.created_at.unwrap_or(task_created);
                let event = TaskEvent::TaskGoalLinked {
                    goal_id: GoalId::from(link.goal),
                    done,
                    link_id: Some(link.id),
                    at,
                };
                out.push((event, at));
            }
        }
    }
    out
}

/// Of a task's link events, those its stream in Joan lacks: never taken in (by the link's
/// id), and to a goal the task is not linked to now (a link made in Joan, or one removed
/// since, is left as it is).
pub fn missing_from(stream: &Stream<Task>, linked: Vec<(TaskEvent, Timestamp)>) -> Vec<(TaskEvent, Timestamp)> {
    let taken: HashSet<Uuid> = stream
        .events
        .iter()
        .filter_map(|e| match e {
            TaskEvent::TaskGoalLinked { link_id: Some(id), .. } => Some(*id),
            _ => None,
        })
        .collect();
    linked
        .into_iter()
        .filter(|(event, _)| match event {
            TaskEvent::TaskGoalLinked { goal_id, link_id, .. } => {
                !link_id.is_some_and(|id| taken.contains(&id)) && !stream.state.goals.contains(goal_id)
            }
            _ => false,
        })
        .collect()
}

/// Refuses every link left over: its task is missing or was refused.
pub fn refuse_orphans(links: HashMap<Uuid, Vec<Link>>, report: &mut TableReport) {
    let mut orphans: Vec<(String, Uuid)> = links
        .into_iter()
        .flat_map(|(task, rows)| rows.into_iter().map(move |l| (l.id.to_string(), task)))
        .collect();
    orphans.sort();
    for (id, task) in orphans {
        report.refuse(id, format!("task {task} is missing or was not imported"));
    }
}
