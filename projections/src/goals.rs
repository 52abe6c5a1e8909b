//! `goals` and `task_goal_links`, kept inline.
//!
//! Goals come from the goal's events (the [`Goals`] fold); links from the tasks' own
//! `TaskGoalLinked` / `TaskGoalUnlinked`, each carrying whether the task was done, and kept
//! current by the task's completions, reopenings and deletion. A goal whose progress was not
//! set by hand shows the share of its linked tasks that are done, in whole percent. Only this
//! projector's own tables are read, so a rebuild of it alone, or a replay, gives the same rows.
use std::str::FromStr;

use async_trait::async_trait;
use joan_commands::{Conn, Executor, StoredEvent, args};
use joan_domain::goal::{GoalEvent, GoalEventKind, GoalStatus};
use joan_domain::task::{TaskEvent, TaskEventKind};
use joan_domain::{GoalId, Timestamp};

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::{Flag, JsonText};

read_table! {
    /// A goal as the `goals` table holds it and the API shows it.
    pub struct GoalRow in "goals" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub title: String,
        pub description: Option<String>,
        /// outcome, habit or milestone.
        pub r#type: String,
        /// active, achieved or abandoned.
        pub status: String,
        pub target_date: Option<String>,
        /// When the goal was marked achieved.
        pub completed_at: Option<String>,
        /// 0 to 100: set by hand, or the share of linked tasks that are done.
        pub progress: i64,
        /// Whether `progress` was set by hand (else it follows the linked tasks).
        #[schema(value_type = bool)]
        pub progress_manual: Flag,
        #[schema(value_type = Object)]
        pub metrics: JsonText,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How goal events change `goals` rows.
pub struct Goals;

impl Fold for Goals {
    type Row = GoalRow;
    type Event = GoalEvent;
    const NAME: &'static str = "goals";
    const AGGREGATE: &'static str = "goal";

    fn at(change: &GoalEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<GoalRow>, event: &StoredEvent, change: GoalEvent) {
        use GoalEvent::*;
        let at = change.at().to_rfc3339();
        let achieved_at = |status: GoalStatus| (status == GoalStatus::Achieved).then(|| at.clone());
        match change {
            GoalCreated {
                user_id,
                title,
                description,
                goal_type,
                status,
                target_date,
                progress,
                metrics,
                ..
            } => {
                *row = Some(GoalRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    title,
                    description,
                    r#type: goal_type.as_str().to_string(),
                    status: status.as_str().to_string(),
                    target_date,
                    completed_at: achieved_at(status),
                    progress: progress.map_or(0, i64::from),
                    progress_manual: Flag(progress.is_some()),
                    metrics: JsonText::of(&metrics),
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            GoalImported {
                user_id,
                title,
                description,
                goal_type,
                status,
                target_date,
                completed_at,
                progress,
                metrics,
                created_at,
                ..
            } => {
                *row = Some(GoalRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    title,
                    description,
                    r#type: goal_type.as_str().to_string(),
                    status: status.as_str().to_string(),
                    target_date,
                    completed_at: completed_at.map(|c| c.to_rfc3339()),
                    progress: progress.map_or(0, i64::from),
                    progress_manual: Flag(progress.is_some()),
                    metrics: JsonText::of(&metrics),
                    version: event.sequence,
                    created_at: created_at.to_rfc3339(),
                    updated_at: at,
                });
            }
            GoalDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    GoalTitleChanged { to, .. } => row.title = to,
                    GoalDescriptionChanged { to, .. } => row.description = to,
                    GoalTypeChanged { to, .. } => row.r#type = to.as_str().to_string(),
                    GoalStatusChanged { to, .. } => {
                        row.status = to.as_str().to_string();
                        row.completed_at = achieved_at(to);
                    }
                    GoalTargetDateChanged { to, .. } => row.target_date = to,
                    // Handed back to the tasks: the projector works the share out once written.
                    GoalProgressSet { to, .. } => {
                        row.progress = to.map_or(row.progress, i64::from);
                        row.progress_manual = Flag(to.is_some());
                    }
                    GoalMetricsChanged { to, .. } => row.metrics = JsonText::of(&to),
                    GoalCreated { .. } | GoalImported { .. } | GoalDeleted { .. } => {}
                }
            }
        }
    }
}

/// Goals (a [`Goals`] fold) and the task links that make their progress.
#[derive(Default)]
pub struct GoalsProjector {
    goals: FoldProjector<Goals>,
}

#[async_trait]
impl Projector for GoalsProjector {
    fn name(&self) -> &'static str {
        "goals"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["goals", "task_goal_links"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == Goals::AGGREGATE || aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// Goal events are folded a run at a time; links follow each task event in log order.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        for run in events.chunk_by(|a, b| a.aggregate_type == b.aggregate_type) {
            if run[0].aggregate_type == Goals::AGGREGATE {
                self.goals.apply_batch(conn, run).await?;
                for event in run {
                    after_goal_event(conn, event).await?;
                }
            } else {
                for event in run {
                    apply_task(conn, event).await?;
                }
            }
        }
        Ok(())
    }
}

/// A deleted goal loses its links; a goal handed back to its tasks gets their share.
async fn after_goal_event(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    let goal = event.aggregate_id.as_str();
    match GoalEventKind::from_str(&event.event_type).ok() {
        Some(GoalEventKind::GoalDeleted) => {
            conn.execute("delete from task_goal_links where goal_id = $1", &args![goal])
                .await?;
        }
        Some(GoalEventKind::GoalProgressSet) => recompute(conn, goal).await?,
        _ => {}
    }
    Ok(())
}

async fn apply_task(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    use TaskEventKind::*;
    // Most task events touch no link; they are skipped without decoding.
    let kind = TaskEventKind::from_str(&event.event_type).ok();
    if !matches!(
        kind,
        Some(TaskGoalLinked | TaskGoalUnlinked | TaskCompleted | TaskReopened | TaskDeleted)
    ) {
        return Ok(());
    }
    let task = event.aggregate_id.as_str();
    match decode::<TaskEvent>(event)? {
        TaskEvent::TaskGoalLinked {
            goal_id,
            done,
            link_id,
            at,
        } => {
            let goal = goal_id.to_string();
            if !owned_by(conn, &goal, event.owner_id.as_deref()).await? {
                return Ok(());
            }
            // A link made in Joan is named by its task and goal; an imported one keeps its id.
            let id = link_id.map_or_else(|| format!("{task}:{goal}"), |l| l.to_string());
            conn.execute(
                "insert into task_goal_links (id, task_id, goal_id, task_done, created_at) \
                 values ($1, $2, $3, $4, $5) on conflict (task_id, goal_id) do nothing",
                &args![
                    id.as_str(),
                    task,
                    goal.as_str(),
                    i64::from(done),
                    at.to_rfc3339().as_str()
                ],
            )
            .await?;
            recompute(conn, &goal).await
        }
        TaskEvent::TaskGoalUnlinked { goal_id, .. } => {
            let goal = goal_id.to_string();
            conn.execute(
                "delete from task_goal_links where task_id = $1 and goal_id = $2",
                &args![task, goal.as_str()],
            )
            .await?;
            recompute(conn, &goal).await
        }
        // Most tasks count toward no goal: their links are looked up before anything is written.
        TaskEvent::TaskCompleted { .. } | TaskEvent::TaskReopened { .. } => {
            let goals = goals_of(conn, task).await?;
            if goals.is_empty() {
                return Ok(());
            }
            let done = i64::from(kind == Some(TaskCompleted));
            conn.execute(
                "update task_goal_links set task_done = $2 where task_id = $1",
                &args![task, done],
            )
            .await?;
            for goal in goals {
                recompute(conn, &goal).await?;
            }
            Ok(())
        }
        TaskEvent::TaskDeleted { .. } => {
            let goals = goals_of(conn, task).await?;
            if goals.is_empty() {
                return Ok(());
            }
            conn.execute("delete from task_goal_links where task_id = $1", &args![task])
                .await?;
            for goal in goals {
                recompute(conn, &goal).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The goals a task counts toward.
async fn goals_of(conn: &mut Conn<'_>, task: &str) -> Result<Vec<String>, ProjectionError> {
    let rows: Vec<(String,)> = conn
        .fetch_all(
            "select goal_id from task_goal_links where task_id = $1 order by goal_id",
            &args![task],
        )
        .await?;
    Ok(rows.into_iter().map(|(goal,)| goal).collect())
}

/// Whether the goal exists and is the task owner's. The API checks first; this keeps a link
/// that raced the goal's deletion out of the table.
async fn owned_by(conn: &mut Conn<'_>, goal: &str, owner: Option<&str>) -> Result<bool, ProjectionError> {
    let row: Option<(String,)> = conn
        .fetch_optional("select user_id from goals where id = $1", &args![goal])
        .await?;
    Ok(row.is_some_and(|(user,)| owner == Some(user.as_str())))
}

/// A goal that follows its tasks gets the share of them that is done, in whole percent
/// (rounded down on both backends: integer arithmetic), or 0 without tasks.
async fn recompute(conn: &mut Conn<'_>, goal: &str) -> Result<(), ProjectionError> {
    conn.execute(
        "update goals set progress = coalesce((select sum(case when l.task_done = 1 then 100 else 0 end) / count(*) \
         from task_goal_links l where l.goal_id = goals.id), 0) where id = $1 and progress_manual = 0",
        &args![goal],
    )
    .await?;
    Ok(())
}

/// The tasks of `owner` ever linked to `goal` (linked still or not): the streams that decide
/// the goal's progress at a past instant. Read from the log, since links end.
pub async fn tasks_ever_linked(ex: &mut impl Executor, owner: &str, goal: &str) -> Result<Vec<String>, sqlx::Error> {
    let pattern = format!("%{goal}%");
    let rows: Vec<(String,)> = ex
        .fetch_all(
            "select distinct aggregate_id from events where owner_id = $1 and aggregate_type = 'task' \
             and event_type = 'TaskGoalLinked' and payload like $2 order by aggregate_id",
            &args![owner, pattern.as_str()],
        )
        .await?;
    Ok(rows.into_iter().map(|(task,)| task).collect())
}

/// The progress a goal that follows its tasks had when `streams` (each task's events up to an
/// instant) ended: the same rule as the table's (share of linked tasks done, whole percent
/// rounded down, 0 without tasks), folded in memory.
pub fn progress_from_tasks(streams: &[Vec<StoredEvent>], goal: GoalId) -> Result<i64, ProjectionError> {
    let (mut linked, mut done) = (0i64, 0i64);
    for stream in streams {
        let mut state: Option<bool> = None; // Some(done) while linked
        for event in stream {
            use TaskEventKind::*;
            let kind = TaskEventKind::from_str(&event.event_type).ok();
            match kind {
                Some(TaskGoalLinked | TaskGoalUnlinked) => match decode::<TaskEvent>(event)? {
                    TaskEvent::TaskGoalLinked { goal_id, done, .. } if goal_id == goal => state = Some(done),
                    TaskEvent::TaskGoalUnlinked { goal_id, .. } if goal_id == goal => state = None,
                    _ => {}
                },
                Some(TaskCompleted) => state = state.map(|_| true),
                Some(TaskReopened) => state = state.map(|_| false),
                Some(TaskDeleted) => state = None,
                _ => {}
            }
        }
        if let Some(task_done) = state {
            linked += 1;
            done += i64::from(task_done);
        }
    }
    Ok(if linked == 0 { 0 } else { done * 100 / linked })
}

/// Filters of `GET /goals`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct GoalFilter {
    pub status: Option<String>,
    pub goal_type: Option<String>,
}

/// One page of the caller's goals, newest first, as a JSON array, and how many match in all.
pub async fn list_json(
    db: &joan_commands::Database,
    user: &str,
    filter: &GoalFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    use joan_commands::Arg;
    let mut page = crate::table::Listing::<GoalRow>::owned_by(user);
    page.and_some("status = ?", filter.status.as_ref().map(Arg::from))
        .and_some("type = ?", filter.goal_type.as_ref().map(Arg::from));
    page.page_json(db, limit, offset).await
}
