//! The `tasks` read table (D1 shape), kept inline from the task's events.
use joan_commands::StoredEvent;
use joan_domain::Timestamp;
use joan_domain::task::{TaskEvent, TaskStatus};

use crate::fold::Fold;
use crate::read_table;
use crate::table::JsonText;

read_table! {
    /// A task as the `tasks` table holds it and the API shows it.
    pub struct TaskRow in "tasks" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub title: String,
        pub description: Option<String>,
        /// pending, in_progress, completed or cancelled.
        pub status: String,
        /// 1 (lowest) to 5.
        pub priority: i64,
        pub due_date: Option<String>,
        pub completed_at: Option<String>,
        #[schema(format = Uuid)]
        pub folder_id: Option<String>,
        #[schema(format = Uuid)]
        pub project_id: Option<String>,
        pub estimated_minutes: Option<i64>,
        pub actual_minutes: Option<i64>,
        #[schema(value_type = Vec<String>)]
        pub tags: JsonText,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How task events change `tasks` rows.
pub struct Tasks;

impl Fold for Tasks {
    type Row = TaskRow;
    type Event = TaskEvent;
    const NAME: &'static str = "tasks";
    const AGGREGATE: &'static str = "task";

    fn at(change: &TaskEvent) -> Timestamp {
        change.at()
    }

    /// Old history taken in by an import (activities, goal links) leaves the old row's
    /// `updated_at` as it was.
    fn moves_updated_at(change: &TaskEvent) -> bool {
        !matches!(
            change,
            TaskEvent::TaskActivityImported { .. } | TaskEvent::TaskGoalLinked { link_id: Some(_), .. }
        )
    }

    fn apply(row: &mut Option<TaskRow>, event: &StoredEvent, change: TaskEvent) {
        use TaskEvent::*;
        if let Some(created) = created_row(event, &change) {
            *row = Some(created);
            return;
        }
        if let Some(imported) = imported_row(event, &change) {
            *row = Some(imported);
            return;
        }
        if let TaskDeleted { .. } = change {
            *row = None;
            return;
        }
        let Some(row) = row else { return };
        match change {
            TaskTitleChanged { to, .. } => row.title = to,
            TaskDescriptionChanged { to, .. } => row.description = to,
            TaskStatusChanged { to, .. } => row.status = to.as_str().to_string(),
            TaskPriorityChanged { to, .. } => row.priority = i64::from(to),
            TaskDueDateChanged { to, .. } => row.due_date = to,
            TaskFolderChanged { to, .. } => row.folder_id = to.map(|u| u.to_string()),
            TaskProjectChanged { to, .. } => row.project_id = to.map(|u| u.to_string()),
            TaskEstimateChanged { to, .. } => row.estimated_minutes = to.map(i64::from),
            TaskActualMinutesChanged { to, .. } => row.actual_minutes = to.map(i64::from),
            TaskPomodoroLogged { minutes, .. } => {
                row.actual_minutes = Some(row.actual_minutes.unwrap_or(0) + i64::from(minutes));
            }
            TaskTagsChanged { to, .. } => row.tags = JsonText::of(&to),
            TaskCompleted { at, .. } => {
                row.status = TaskStatus::Completed.as_str().to_string();
                row.completed_at = Some(at.to_rfc3339());
            }
            TaskReopened { to, .. } => {
                row.status = to.as_str().to_string();
                row.completed_at = None;
            }
            // A move or a goal link only changes the version and time (the board's and the
            // goals' read models hold the rest).
            TaskMovedOnBoard { .. }
            | TaskGoalLinked { .. }
            | TaskGoalUnlinked { .. }
            | TaskReverted { .. }
            | TaskCreated { .. }
            | TaskImported { .. }
            | TaskActivityImported { .. }
            | TaskDeleted { .. } => {}
        }
    }
}

/// The row a `TaskCreated` (`change`, stored as `event`) starts; `None` for any other event.
/// It is what a read of the new task returns, without reading it.
pub fn created_row(event: &StoredEvent, change: &TaskEvent) -> Option<TaskRow> {
    let TaskEvent::TaskCreated {
        user_id,
        title,
        description,
        status,
        priority,
        due_date,
        folder_id,
        project_id,
        estimated_minutes,
        actual_minutes,
        tags,
        at,
        ..
    } = change
    else {
        return None;
    };
    let at = at.to_rfc3339();
    Some(TaskRow {
        id: event.aggregate_id.clone(),
        user_id: user_id.to_string(),
        title: title.clone(),
        description: description.clone(),
        status: status.as_str().to_string(),
        priority: i64::from(*priority),
        due_date: due_date.clone(),
        completed_at: (*status == TaskStatus::Completed).then(|| at.clone()),
        folder_id: folder_id.map(|f| f.to_string()),
        project_id: project_id.map(|p| p.to_string()),
        estimated_minutes: estimated_minutes.map(i64::from),
        actual_minutes: actual_minutes.map(i64::from),
        tags: JsonText::of(tags),
        version: event.sequence,
        created_at: at.clone(),
        updated_at: at,
    })
}

/// The row a `TaskImported` starts: the old row's values and timestamps.
fn imported_row(event: &StoredEvent, change: &TaskEvent) -> Option<TaskRow> {
    let TaskEvent::TaskImported {
        user_id,
        title,
        description,
        status,
        priority,
        due_date,
        completed_at,
        folder_id,
        project_id,
        estimated_minutes,
        actual_minutes,
        tags,
        created_at,
        at,
        ..
    } = change
    else {
        return None;
    };
    Some(TaskRow {
        id: event.aggregate_id.clone(),
        user_id: user_id.to_string(),
        title: title.clone(),
        description: description.clone(),
        status: status.as_str().to_string(),
        priority: i64::from(*priority),
        due_date: due_date.clone(),
        completed_at: completed_at.map(Timestamp::to_rfc3339),
        folder_id: folder_id.map(|f| f.to_string()),
        project_id: project_id.map(|p| p.to_string()),
        estimated_minutes: estimated_minutes.map(i64::from),
        actual_minutes: actual_minutes.map(i64::from),
        tags: JsonText::of(tags),
        version: event.sequence,
        created_at: created_at.to_rfc3339(),
        updated_at: at.to_rfc3339(),
    })
}
