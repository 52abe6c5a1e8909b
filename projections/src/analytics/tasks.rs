//! Tasks: one fact per creation and per completion (with the completion's lead time since
//! creation and cycle time since the task first went in progress), and each task's state:
//! project, due date, goal links, whether it is done. A task imported from the old system is
//! a creation fact on its own `created_at`, and done from its `completed_at` (its completion
//! happened before Joan: no completion fact, which would need an event of its own).
use joan_commands::{Arg, Conn, Executor, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::task::{TaskEvent, TaskStatus};

use super::held::{FactRow, Held, TaskState, change};
use super::{goals, seconds_between};
use crate::error::ProjectionError;
use crate::projector::decode;

/// The task events that change a fact or a task's state here; the others are not decoded.
const COUNTED: [&str; 10] = [
    "TaskCreated",
    "TaskImported",
    "TaskStatusChanged",
    "TaskCompleted",
    "TaskReopened",
    "TaskDeleted",
    "TaskDueDateChanged",
    "TaskProjectChanged",
    "TaskGoalLinked",
    "TaskGoalUnlinked",
];

pub(super) async fn apply(
    conn: &mut Conn<'_>,
    held: &mut Held,
    owner: &str,
    event: &StoredEvent,
) -> Result<(), ProjectionError> {
    if !COUNTED.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let task = event.aggregate_id.as_str();
    match decode::<TaskEvent>(event)? {
        TaskEvent::TaskCreated {
            status,
            due_date,
            project_id,
            at,
            ..
        } => {
            let project = project_id.map(|p| p.to_string());
            created(held, event.position, owner, task, (at, status), due_date, project, None);
        }
        TaskEvent::TaskImported {
            created_at,
            status,
            due_date,
            project_id,
            completed_at,
            ..
        } => {
            let project = project_id.map(|p| p.to_string());
            let done = completed_at.filter(|_| status == TaskStatus::Completed);
            created(
                held,
                event.position,
                owner,
                task,
                (created_at, status),
                due_date,
                project,
                done,
            );
        }
        TaskEvent::TaskStatusChanged {
            to: TaskStatus::InProgress,
            at,
            ..
        } => {
            started(conn, held, task, &at.to_rfc3339()).await?;
        }
        TaskEvent::TaskCompleted { at, .. } => {
            let state: Option<(String, Option<String>, Option<String>)> = match held.tasks.get(task) {
                Some(s) => Some((s.created_at.clone(), s.started_at.clone(), s.project_id.clone())),
                None => {
                    conn.fetch_optional(
                        "select created_at, started_at, project_id from analytics_task_state where task_id = $1",
                        &args![task],
                    )
                    .await?
                }
            };
            let (lead, cycle, project) = match state {
                Some((created, started, project)) => (
                    seconds_between(&created, at),
                    started.and_then(|s| seconds_between(&s, at)),
                    project,
                ),
                None => (None, None, None),
            };
            let text = at.to_rfc3339();
            held.facts.push(FactRow {
                position: event.position,
                user_id: owner.to_string(),
                task_id: task.to_string(),
                kind: "completed",
                at: text.clone(),
                project_id: project,
                lead,
                cycle,
            });
            let sql = "update analytics_task_state set done_at = $2 where task_id = $1";
            change(conn, &mut held.tasks, task, sql, text.as_str().into(), |s| {
                s.done_at = Some(text.clone())
            })
            .await?;
            links_done(conn, held, event.position, task, true, &text).await?;
        }
        TaskEvent::TaskReopened { to, at } => {
            let sql = "update analytics_task_state set done_at = $2 where task_id = $1";
            change(conn, &mut held.tasks, task, sql, Arg::Text(None), |s| s.done_at = None).await?;
            let at = at.to_rfc3339();
            if to == TaskStatus::InProgress {
                started(conn, held, task, &at).await?;
            }
            links_done(conn, held, event.position, task, false, &at).await?;
        }
        TaskEvent::TaskDeleted { at } => {
            let sql = "update analytics_task_state set deleted = $2 where task_id = $1";
            change(conn, &mut held.tasks, task, sql, 1i64.into(), |s| s.deleted = true).await?;
            let goals = linked_goals(conn, task).await?;
            if !goals.is_empty() {
                conn.execute("delete from analytics_task_goals where task_id = $1", &args![task])
                    .await?;
            }
            for goal in goals {
                goals::recompute(conn, held, &goal, event.position, &at.to_rfc3339()).await?;
            }
        }
        TaskEvent::TaskDueDateChanged { to, .. } => {
            let sql = "update analytics_task_state set due_date = $2 where task_id = $1";
            change(conn, &mut held.tasks, task, sql, (&to).into(), |s| {
                s.due_date = to.clone()
            })
            .await?;
        }
        TaskEvent::TaskProjectChanged { to, .. } => {
            let to = to.map(|p| p.to_string());
            let sql = "update analytics_task_state set project_id = $2 where task_id = $1";
            change(conn, &mut held.tasks, task, sql, (&to).into(), |s| {
                s.project_id = to.clone()
            })
            .await?;
        }
        TaskEvent::TaskGoalLinked { goal_id, done, at, .. } => {
            let goal = goal_id.to_string();
            if !goals::owned_by(conn, &goal, owner).await? {
                return Ok(());
            }
            conn.execute(
                "insert into analytics_task_goals (task_id, goal_id, done) values ($1, $2, $3) \
                 on conflict (task_id, goal_id) do update set done = excluded.done",
                &args![task, goal.as_str(), done],
            )
            .await?;
            goals::recompute(conn, held, &goal, event.position, &at.to_rfc3339()).await?;
        }
        TaskEvent::TaskGoalUnlinked { goal_id, at } => {
            let goal = goal_id.to_string();
            conn.execute(
                "delete from analytics_task_goals where task_id = $1 and goal_id = $2",
                &args![task, goal.as_str()],
            )
            .await?;
            goals::recompute(conn, held, &goal, event.position, &at.to_rfc3339()).await?;
        }
        _ => {}
    }
    Ok(())
}

/// A task's state from its creation (done already when it came in completed), and its
/// creation fact; both held until the batch writes them.
#[allow(clippy::too_many_arguments)]
fn created(
    held: &mut Held,
    position: i64,
    owner: &str,
    task: &str,
    (at, status): (Timestamp, TaskStatus),
    due_date: Option<String>,
    project: Option<String>,
    done: Option<Timestamp>,
) {
    let at = at.to_rfc3339();
    let started = (status == TaskStatus::InProgress).then(|| at.clone());
    held.facts.push(FactRow {
        position,
        user_id: owner.to_string(),
        task_id: task.to_string(),
        kind: "created",
        at: at.clone(),
        project_id: project.clone(),
        lead: None,
        cycle: None,
    });
    held.tasks.entry(task.to_string()).or_insert(TaskState {
        user_id: owner.to_string(),
        project_id: project,
        created_at: at,
        started_at: started,
        due_date,
        done_at: done.map(|d| d.to_rfc3339()),
        deleted: false,
    });
}

/// The first time the task went in progress (a later return keeps the first).
async fn started(conn: &mut Conn<'_>, held: &mut Held, task: &str, at: &str) -> Result<(), ProjectionError> {
    let sql = "update analytics_task_state set started_at = coalesce(started_at, $2) where task_id = $1";
    change(conn, &mut held.tasks, task, sql, at.into(), |s| {
        s.started_at.get_or_insert_with(|| at.to_string());
    })
    .await
}

async fn linked_goals(conn: &mut Conn<'_>, task: &str) -> Result<Vec<String>, ProjectionError> {
    let rows: Vec<(String,)> = conn
        .fetch_all(
            "select goal_id from analytics_task_goals where task_id = $1 order by goal_id",
            &args![task],
        )
        .await?;
    Ok(rows.into_iter().map(|(g,)| g).collect())
}

/// Marks the task's goal links done or not, and updates those goals' progress.
async fn links_done(
    conn: &mut Conn<'_>,
    held: &mut Held,
    position: i64,
    task: &str,
    done: bool,
    at: &str,
) -> Result<(), ProjectionError> {
    let goals = linked_goals(conn, task).await?;
    if goals.is_empty() {
        return Ok(());
    }
    conn.execute(
        "update analytics_task_goals set done = $2 where task_id = $1",
        &args![task, done],
    )
    .await?;
    for goal in goals {
        goals::recompute(conn, held, &goal, position, at).await?;
    }
    Ok(())
}

/// A creation or completion of the user's tasks between two instants: kind, instant,
/// project, lead and cycle seconds (completions), task.
pub type TaskFact = (String, String, Option<String>, Option<i64>, Option<i64>, String);

/// The user's creations and completions at `from` or later and before `to` (RFC 3339).
pub async fn facts(ex: &mut impl Executor, user: &str, from: &str, to: &str) -> Result<Vec<TaskFact>, sqlx::Error> {
    ex.fetch_all(
        "select kind, at, project_id, lead_seconds, cycle_seconds, task_id from analytics_task_facts \
         where user_id = $1 and at >= $2 and at < $3 order by position",
        &args![user, from, to],
    )
    .await
}

/// The user's tasks (not deleted) that have a due date: due date, when done (or not).
pub async fn due(ex: &mut impl Executor, user: &str) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
    ex.fetch_all(
        "select due_date, done_at from analytics_task_state \
         where user_id = $1 and deleted = 0 and due_date is not null",
        &args![user],
    )
    .await
}

/// The goals each of the user's tasks counts toward: (task, goal).
pub async fn goal_links(ex: &mut impl Executor, user: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    ex.fetch_all(
        "select l.task_id, l.goal_id from analytics_task_goals l \
         join analytics_task_state t on t.task_id = l.task_id where t.user_id = $1",
        &args![user],
    )
    .await
}
