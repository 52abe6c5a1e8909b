//! What the analytics projector holds back and writes many rows per statement: the task states
//! and activities it created (later events of those change them in memory), and the task facts and
//! goal progress points, which nothing the projector does reads back. A batch writes them at
//! its end; a rebuild keeps them across pages, up to a bound.
use std::collections::HashMap;

use joan_commands::batch::insert_many_then;
use joan_commands::{Arg, Conn};

use crate::error::ProjectionError;

/// Changes one column of a created row: in memory while `rows` holds it, else in the table
/// with `sql` (`$1` the row's id, `$2` the value).
pub(super) async fn change<R>(
    conn: &mut Conn<'_>,
    rows: &mut HashMap<String, R>,
    id: &str,
    sql: &str,
    value: Arg<'_>,
    edit: impl FnOnce(&mut R),
) -> Result<(), ProjectionError> {
    match rows.get_mut(id) {
        Some(row) => edit(row),
        None => {
            conn.execute(sql, &[Arg::from(id), value]).await?;
        }
    }
    Ok(())
}

/// A row of `analytics_task_state` not written yet.
pub(super) struct TaskState {
    pub user_id: String,
    pub project_id: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub due_date: Option<String>,
    pub done_at: Option<String>,
    pub deleted: bool,
}

/// A row of `analytics_activities` not written yet.
pub(super) struct ActivityRow {
    pub user_id: String,
    pub activity_type: String,
    pub day: String,
    pub duration_minutes: Option<i64>,
    /// Mood before and after, energy before and after.
    pub levels: [Option<i64>; 4],
    pub deleted: bool,
}

/// A row of `analytics_task_facts`.
pub(super) struct FactRow {
    pub position: i64,
    pub user_id: String,
    pub task_id: String,
    pub kind: &'static str,
    pub at: String,
    pub project_id: Option<String>,
    pub lead: Option<i64>,
    pub cycle: Option<i64>,
}

/// A row of `analytics_goal_progress`.
pub(super) struct ProgressRow {
    pub position: i64,
    pub goal_id: String,
    pub user_id: String,
    pub at: String,
    pub progress: i64,
}

#[derive(Default)]
pub(super) struct Held {
    /// Task states created since the last write, by task id.
    pub tasks: HashMap<String, TaskState>,
    /// Activities recorded since the last write, by activity id.
    pub activities: HashMap<String, ActivityRow>,
    pub facts: Vec<FactRow>,
    pub progress: Vec<ProgressRow>,
}

impl Held {
    /// Writes every held row and holds nothing afterwards.
    pub async fn write(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        self.write_created(conn).await?;
        self.write_inserts(conn).await
    }

    /// Writes what is held once `hold` rows of a kind are: the created rows (which later
    /// events change in memory while held) and the plain inserts are counted apart, so many
    /// facts do not push the task states out early.
    pub async fn write_over(&mut self, conn: &mut Conn<'_>, hold: usize) -> Result<(), ProjectionError> {
        if self.tasks.len() + self.activities.len() >= hold {
            self.write_created(conn).await?;
        }
        if self.facts.len() + self.progress.len() >= hold {
            self.write_inserts(conn).await?;
        }
        Ok(())
    }

    /// Writes the task states and activities (in id order). Each insert does nothing on a
    /// row the table has already, as the single-row statements did.
    async fn write_created(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        let mut tasks: Vec<(&String, &TaskState)> = self.tasks.iter().collect();
        tasks.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(tasks.len() * 8);
        for (id, s) in tasks {
            args.extend([
                Arg::from(id),
                Arg::from(&s.user_id),
                Arg::from(&s.project_id),
                Arg::from(&s.created_at),
                Arg::from(&s.started_at),
                Arg::from(&s.due_date),
                Arg::from(&s.done_at),
                Arg::from(i64::from(s.deleted)),
            ]);
        }
        insert_many_then(
            conn,
            "insert into analytics_task_state (task_id, user_id, project_id, created_at, started_at, due_date, done_at, deleted)",
            8,
            &args,
            "on conflict (task_id) do nothing",
        )
        .await?;
        let mut activities: Vec<(&String, &ActivityRow)> = self.activities.iter().collect();
        activities.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(activities.len() * 10);
        for (id, a) in activities {
            args.extend([
                Arg::from(id),
                Arg::from(&a.user_id),
                Arg::from(&a.activity_type),
                Arg::from(&a.day),
                Arg::from(a.duration_minutes),
            ]);
            args.extend(a.levels.iter().map(|l| Arg::from(*l)));
            args.push(Arg::from(i64::from(a.deleted)));
        }
        insert_many_then(
            conn,
            "insert into analytics_activities (activity_id, user_id, activity_type, day, duration_minutes, \
             mood_before, mood_after, energy_before, energy_after, deleted)",
            10,
            &args,
            "on conflict (activity_id) do nothing",
        )
        .await?;
        self.tasks.clear();
        self.activities.clear();
        Ok(())
    }

    /// Writes the task facts and goal progress points.
    async fn write_inserts(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(self.facts.len() * 8);
        for f in &self.facts {
            args.extend([
                Arg::from(f.position),
                Arg::from(&f.user_id),
                Arg::from(&f.task_id),
                Arg::from(f.kind),
                Arg::from(&f.at),
                Arg::from(&f.project_id),
                Arg::from(f.lead),
                Arg::from(f.cycle),
            ]);
        }
        insert_many_then(
            conn,
            "insert into analytics_task_facts (position, user_id, task_id, kind, at, project_id, lead_seconds, cycle_seconds)",
            8,
            &args,
            "on conflict (position) do nothing",
        )
        .await?;
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(self.progress.len() * 5);
        for p in &self.progress {
            args.extend([
                Arg::from(p.position),
                Arg::from(&p.goal_id),
                Arg::from(&p.user_id),
                Arg::from(&p.at),
                Arg::from(p.progress),
            ]);
        }
        insert_many_then(
            conn,
            "insert into analytics_goal_progress (position, goal_id, user_id, at, progress)",
            5,
            &args,
            "on conflict (position, goal_id) do nothing",
        )
        .await?;
        self.facts.clear();
        self.progress.clear();
        Ok(())
    }
}
