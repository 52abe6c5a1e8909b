//! The Task aggregate: its value types, commands, events, errors and rules.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse, push_change};
use crate::ids::{BoardId, FolderId, GoalId, PomodoroSessionId, ProjectId, TaskId, UserId};
use crate::project::Grant;
use crate::values::Timestamp;

mod values;
pub use values::{Description, DueDate, Minutes, Priority, Tags, TaskStatus, Title, ValueError};

/// Everything a new task starts with. Built from parsed values, so it is valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewTask {
    /// The stream id; the caller chooses it (a fresh UUID, or one derived for idempotency).
    pub id: TaskId,
    pub title: Title,
    pub description: Option<Description>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub due_date: Option<DueDate>,
    pub folder_id: Option<FolderId>,
    pub project_id: Option<ProjectId>,
    pub estimated_minutes: Option<Minutes>,
    pub actual_minutes: Option<Minutes>,
    pub tags: Tags,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskChanges {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub status: Option<TaskStatus>,
    pub priority: Option<Priority>,
    pub due_date: Option<Option<DueDate>>,
    pub folder_id: Option<Option<FolderId>>,
    pub project_id: Option<Option<ProjectId>>,
    pub estimated_minutes: Option<Option<Minutes>>,
    pub actual_minutes: Option<Option<Minutes>>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TaskCommand {
    Create(NewTask),
    Update(TaskChanges),
    /// Restores the fields the task had at `version` (given as the changes that take it back
    /// there): `TaskReverted` and then each field's change, as a new step of its history.
    Revert {
        version: u32,
        changes: TaskChanges,
    },
    Complete,
    Reopen,
    Delete,
    /// Places the task on a board's column; a column with a status gives the task that status.
    MoveOnBoard {
        board_id: BoardId,
        column_id: String,
        position: u32,
        status: Option<TaskStatus>,
    },
    /// Counts the task toward a goal's progress; linking twice changes nothing.
    LinkGoal(GoalId),
    UnlinkGoal(GoalId),
    /// Adds a completed pomodoro session's minutes to `actual_minutes`: the reaction to the
    /// session's completion, run as the session's owner. Whether they may work on the task was
    /// checked when the session started, so only a missing or deleted task refuses it; a
    /// session already logged changes nothing (a retried reaction counts once).
    LogPomodoro {
        session_id: PomodoroSessionId,
        minutes: u32,
    },
}

/// What happened to a task. The variant's name is the stored `event_type`; [`TaskEventKind`]
/// names them without the payload, for projectors that skip events undecoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(TaskEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum TaskEvent {
    TaskCreated {
        task_id: TaskId,
        user_id: UserId,
        title: String,
        description: Option<String>,
        status: TaskStatus,
        priority: u8,
        due_date: Option<String>,
        folder_id: Option<FolderId>,
        project_id: Option<ProjectId>,
        estimated_minutes: Option<u32>,
        actual_minutes: Option<u32>,
        tags: Vec<String>,
        at: Timestamp,
    },
    TaskTitleChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    TaskDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    TaskStatusChanged {
        from: TaskStatus,
        to: TaskStatus,
        at: Timestamp,
    },
    TaskPriorityChanged {
        from: u8,
        to: u8,
        at: Timestamp,
    },
    TaskDueDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    TaskFolderChanged {
        from: Option<FolderId>,
        to: Option<FolderId>,
        at: Timestamp,
    },
    TaskProjectChanged {
        from: Option<ProjectId>,
        to: Option<ProjectId>,
        at: Timestamp,
    },
    TaskEstimateChanged {
        from: Option<u32>,
        to: Option<u32>,
        at: Timestamp,
    },
    TaskActualMinutesChanged {
        from: Option<u32>,
        to: Option<u32>,
        at: Timestamp,
    },
    TaskTagsChanged {
        from: Vec<String>,
        to: Vec<String>,
        at: Timestamp,
    },
    /// The task reached `completed`; `from` is the status it left.
    TaskCompleted {
        from: TaskStatus,
        at: Timestamp,
    },
    /// A completed task went back to `to`; its `completed_at` is cleared.
    TaskReopened {
        to: TaskStatus,
        at: Timestamp,
    },
    TaskDeleted {
        at: Timestamp,
    },
    /// The field changes after it take the task back to what it was at `version`.
    TaskReverted {
        version: u32,
        at: Timestamp,
    },
    /// The task was placed at `position` (0-based) of a board's column.
    TaskMovedOnBoard {
        board_id: BoardId,
        column_id: String,
        position: u32,
        at: Timestamp,
    },
    /// The task counts toward the goal; `done` is whether it was completed then, so the
    /// goal's progress is known from the task's own events. `link_id`: the id of a link taken
    /// in by `joan import legacy` (a row of the old `task_goal_links`); absent otherwise.
    TaskGoalLinked {
        goal_id: GoalId,
        done: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link_id: Option<uuid::Uuid>,
        at: Timestamp,
    },
    TaskGoalUnlinked {
        goal_id: GoalId,
        at: Timestamp,
    },
    /// A completed pomodoro session added `minutes` to the task's `actual_minutes`.
    TaskPomodoroLogged {
        session_id: PomodoroSessionId,
        minutes: u32,
        at: Timestamp,
    },
    /// The task as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream. `created_at`, `completed_at` and `at` (its `updated_at`)
    /// are the old row's own.
    TaskImported {
        task_id: TaskId,
        user_id: UserId,
        title: String,
        description: Option<String>,
        status: TaskStatus,
        priority: u8,
        due_date: Option<String>,
        completed_at: Option<Timestamp>,
        folder_id: Option<FolderId>,
        project_id: Option<ProjectId>,
        estimated_minutes: Option<u32>,
        actual_minutes: Option<u32>,
        tags: Vec<String>,
        created_at: Timestamp,
        at: Timestamp,
    },
    /// One row of the old system's `task_activities`, with its id, action, details and time:
    /// old history, in its order, right after the task's import. It changes no field.
    TaskActivityImported {
        activity_id: uuid::Uuid,
        action: String,
        details: Option<serde_json::Value>,
        at: Timestamp,
    },
}

impl TaskEvent {
    pub fn at(&self) -> Timestamp {
        use TaskEvent::*;
        match self {
            TaskCreated { at, .. }
            | TaskTitleChanged { at, .. }
            | TaskDescriptionChanged { at, .. }
            | TaskStatusChanged { at, .. }
            | TaskPriorityChanged { at, .. }
            | TaskDueDateChanged { at, .. }
            | TaskFolderChanged { at, .. }
            | TaskProjectChanged { at, .. }
            | TaskEstimateChanged { at, .. }
            | TaskActualMinutesChanged { at, .. }
            | TaskTagsChanged { at, .. }
            | TaskCompleted { at, .. }
            | TaskReopened { at, .. }
            | TaskMovedOnBoard { at, .. }
            | TaskGoalLinked { at, .. }
            | TaskGoalUnlinked { at, .. }
            | TaskPomodoroLogged { at, .. }
            | TaskReverted { at, .. }
            | TaskImported { at, .. }
            | TaskActivityImported { at, .. }
            | TaskDeleted { at } => *at,
        }
    }

    /// The name of the change as the task's activity history shows it.
    pub fn action(&self) -> &'static str {
        use TaskEvent::*;
        match self {
            TaskCreated { .. } => "created",
            TaskTitleChanged { .. } => "title_changed",
            TaskDescriptionChanged { .. } => "description_changed",
            TaskStatusChanged { .. } => "status_changed",
            TaskPriorityChanged { .. } => "priority_changed",
            TaskDueDateChanged { .. } => "due_date_changed",
            TaskFolderChanged { .. } => "folder_changed",
            TaskProjectChanged { .. } => "project_changed",
            TaskEstimateChanged { .. } => "estimated_minutes_changed",
            TaskActualMinutesChanged { .. } => "actual_minutes_changed",
            TaskTagsChanged { .. } => "tags_changed",
            TaskCompleted { .. } => "completed",
            TaskReopened { .. } => "reopened",
            TaskDeleted { .. } => "deleted",
            TaskReverted { .. } => "reverted",
            TaskMovedOnBoard { .. } => "moved",
            TaskGoalLinked { .. } => "goal_linked",
            TaskGoalUnlinked { .. } => "goal_unlinked",
            TaskPomodoroLogged { .. } => "pomodoro_logged",
            TaskImported { .. } => "imported",
            TaskActivityImported { .. } => "activity_imported",
        }
    }
}

crate::domain_event!(TaskEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("task {0}")]
    Entity(#[from] EntityError),
    #[error("the task is already completed")]
    AlreadyCompleted,
    #[error("the task is not completed")]
    NotCompleted,
    #[error("the task is not linked to this goal")]
    NotLinked,
    #[error("your role in the task's project does not allow this")]
    RoleForbids,
}

impl Refuse for TaskError {
    fn refusal(&self) -> Refusal {
        match self {
            TaskError::Entity(e) => e.refusal(),
            TaskError::AlreadyCompleted => Refusal::Conflict {
                code: "already_completed",
            },
            TaskError::NotCompleted => Refusal::Conflict { code: "not_completed" },
            TaskError::NotLinked => Refusal::NotFound,
            TaskError::RoleForbids => Refusal::Forbidden { code: "role_forbids" },
        }
    }
}

/// The decision state of one task: just what the rules need, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Task {
    pub life: Lifecycle<TaskId>,
    pub title: String,
    pub description: Option<String>,
    pub status: TaskStatus,
    pub priority: u8,
    pub due_date: Option<String>,
    pub folder_id: Option<FolderId>,
    pub project_id: Option<ProjectId>,
    pub estimated_minutes: Option<u32>,
    pub actual_minutes: Option<u32>,
    pub tags: Vec<String>,
    pub completed_at: Option<Timestamp>,
    /// The goals the task counts toward.
    #[serde(default)]
    pub goals: Vec<GoalId>,
    /// The pomodoro sessions whose minutes are counted in `actual_minutes`.
    #[serde(default)]
    pub pomodoros: Vec<PomodoroSessionId>,
}

impl Entity for Task {
    type Id = TaskId;
    fn lifecycle(&self) -> &Lifecycle<TaskId> {
        &self.life
    }

    fn visible_with(&self, actor: UserId, grant: Option<&Grant>) -> bool {
        self.life.visible_to(actor) || (self.life.exists() && self.shared_with(grant))
    }
}

impl Task {
    /// Whether `grant` is a role in this task's project.
    fn shared_with(&self, grant: Option<&Grant>) -> bool {
        grant.is_some_and(|g| self.project_id == Some(g.project))
    }

    /// Refuses a change by anyone but the owner or a member of the task's project whose role
    /// edits tasks (a viewer is forbidden); strangers and deleted tasks are not found.
    fn check_writable(&self, actor: UserId, grant: Option<&Grant>) -> Result<(), TaskError> {
        if self.life.visible_to(actor) || !self.shared_with(grant) {
            return Ok(self.life.check_live(actor)?);
        }
        if self.life.deleted {
            return Err(EntityError::Deleted.into());
        }
        match grant {
            Some(g) if g.role.edits_tasks() => Ok(()),
            _ => Err(TaskError::RoleForbids),
        }
    }

    fn decide_update(&self, changes: TaskChanges, at: Timestamp) -> Vec<TaskEvent> {
        use TaskEvent::*;
        let mut out = Vec::new();
        if let Some(title) = changes.title.map(String::from).filter(|t| *t != self.title) {
            out.push(TaskTitleChanged {
                from: self.title.clone(),
                to: title,
                at,
            });
        }
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| TaskDescriptionChanged { from, to, at },
        );
        push_change(&mut out, &self.priority, changes.priority.map(u8::from), |from, to| {
            TaskPriorityChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.due_date,
            changes.due_date.map(|d| d.map(String::from)),
            |from, to| TaskDueDateChanged { from, to, at },
        );
        push_change(&mut out, &self.folder_id, changes.folder_id, |from, to| {
            TaskFolderChanged { from, to, at }
        });
        push_change(&mut out, &self.project_id, changes.project_id, |from, to| {
            TaskProjectChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.estimated_minutes,
            changes.estimated_minutes.map(|m| m.map(u32::from)),
            |from, to| TaskEstimateChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.actual_minutes,
            changes.actual_minutes.map(|m| m.map(u32::from)),
            |from, to| TaskActualMinutesChanged { from, to, at },
        );
        push_change(&mut out, &self.tags, changes.tags.map(Vec::from), |from, to| {
            TaskTagsChanged { from, to, at }
        });
        if let Some(status) = changes.status {
            out.extend(self.status_transition(status, at));
        }
        out
    }

    /// Moving into or out of `completed` is a completion or a reopening, never a bare status change.
    fn status_transition(&self, to: TaskStatus, at: Timestamp) -> Option<TaskEvent> {
        let from = self.status;
        match (from == TaskStatus::Completed, to == TaskStatus::Completed) {
            _ if from == to => None,
            (false, true) => Some(TaskEvent::TaskCompleted { from, at }),
            (true, false) => Some(TaskEvent::TaskReopened { to, at }),
            _ => Some(TaskEvent::TaskStatusChanged { from, to, at }),
        }
    }
}

impl Aggregate for Task {
    const TYPE: &'static str = "task";
    type Command = Stamped<TaskCommand>;
    type Event = TaskEvent;
    type Error = TaskError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), TaskError> {
        let Stamped {
            actor,
            at,
            command,
            grant,
        } = cmd;
        let grant = grant.as_ref();
        let events = match command {
            TaskCommand::Create(new) => {
                self.life.check_new()?;
                vec![created(actor, new, at)]
            }
            TaskCommand::Update(changes) => {
                self.check_writable(actor, grant)?;
                self.decide_update(changes, at)
            }
            TaskCommand::Revert { version, changes } => {
                self.check_writable(actor, grant)?;
                let changes = self.decide_update(changes, at);
                if changes.is_empty() {
                    changes
                } else {
                    std::iter::once(TaskEvent::TaskReverted { version, at })
                        .chain(changes)
                        .collect()
                }
            }
            TaskCommand::Complete => {
                self.check_writable(actor, grant)?;
                if self.status == TaskStatus::Completed {
                    return Err(TaskError::AlreadyCompleted);
                }
                vec![TaskEvent::TaskCompleted { from: self.status, at }]
            }
            TaskCommand::Reopen => {
                self.check_writable(actor, grant)?;
                if self.status != TaskStatus::Completed {
                    return Err(TaskError::NotCompleted);
                }
                vec![TaskEvent::TaskReopened {
                    to: TaskStatus::Pending,
                    at,
                }]
            }
            TaskCommand::Delete => {
                self.check_writable(actor, grant)?;
                vec![TaskEvent::TaskDeleted { at }]
            }
            TaskCommand::MoveOnBoard {
                board_id,
                column_id,
                position,
                status,
            } => {
                self.check_writable(actor, grant)?;
                let moved = TaskEvent::TaskMovedOnBoard {
                    board_id,
                    column_id,
                    position,
                    at,
                };
                std::iter::once(moved)
                    .chain(status.and_then(|s| self.status_transition(s, at)))
                    .collect()
            }
            TaskCommand::LinkGoal(goal_id) => {
                self.check_writable(actor, grant)?;
                let done = self.status == TaskStatus::Completed;
                let linked = self.goals.contains(&goal_id);
                (!linked)
                    .then_some(TaskEvent::TaskGoalLinked {
                        goal_id,
                        done,
                        link_id: None,
                        at,
                    })
                    .into_iter()
                    .collect()
            }
            TaskCommand::UnlinkGoal(goal_id) => {
                self.check_writable(actor, grant)?;
                if !self.goals.contains(&goal_id) {
                    return Err(TaskError::NotLinked);
                }
                vec![TaskEvent::TaskGoalUnlinked { goal_id, at }]
            }
            TaskCommand::LogPomodoro { session_id, minutes } => {
                if !self.life.exists() {
                    return Err(EntityError::NotFound.into());
                }
                if self.life.deleted {
                    return Err(EntityError::Deleted.into());
                }
                (!self.pomodoros.contains(&session_id))
                    .then_some(TaskEvent::TaskPomodoroLogged {
                        session_id,
                        minutes,
                        at,
                    })
                    .into_iter()
                    .collect()
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: TaskEvent) {
        use TaskEvent::*;
        let at = event.at();
        match event {
            TaskCreated {
                task_id,
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
            } => {
                *self = Task {
                    life: Lifecycle::born(task_id, user_id, at),
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
                    completed_at: (status == TaskStatus::Completed).then_some(at),
                    goals: Vec::new(),
                    pomodoros: Vec::new(),
                };
            }
            TaskImported {
                task_id,
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
                ..
            } => {
                *self = Task {
                    life: Lifecycle::born(task_id, user_id, created_at),
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
                    completed_at,
                    goals: Vec::new(),
                    pomodoros: Vec::new(),
                };
            }
            // Old history: nothing the rules read.
            TaskActivityImported { .. } => return,
            TaskTitleChanged { to, .. } => self.title = to,
            TaskDescriptionChanged { to, .. } => self.description = to,
            TaskStatusChanged { to, .. } => self.status = to,
            TaskPriorityChanged { to, .. } => self.priority = to,
            TaskDueDateChanged { to, .. } => self.due_date = to,
            TaskFolderChanged { to, .. } => self.folder_id = to,
            TaskProjectChanged { to, .. } => self.project_id = to,
            TaskEstimateChanged { to, .. } => self.estimated_minutes = to,
            TaskActualMinutesChanged { to, .. } => self.actual_minutes = to,
            TaskTagsChanged { to, .. } => self.tags = to,
            TaskCompleted { at, .. } => {
                self.status = TaskStatus::Completed;
                self.completed_at = Some(at);
            }
            TaskReopened { to, .. } => {
                self.status = to;
                self.completed_at = None;
            }
            TaskDeleted { .. } => self.life.deleted = true,
            TaskReverted { .. } => {}
            // Board placement lives in the board's read model; the task only records the move.
            TaskMovedOnBoard { .. } => {}
            TaskGoalLinked { goal_id, .. } => self.goals.push(goal_id),
            TaskGoalUnlinked { goal_id, .. } => self.goals.retain(|g| *g != goal_id),
            TaskPomodoroLogged {
                session_id, minutes, ..
            } => {
                self.actual_minutes = Some(self.actual_minutes.unwrap_or(0).saturating_add(minutes));
                self.pomodoros.push(session_id);
            }
        }
        self.life.touch(at);
    }
}

fn created(actor: UserId, new: NewTask, at: Timestamp) -> TaskEvent {
    TaskEvent::TaskCreated {
        task_id: new.id,
        user_id: actor,
        title: new.title.into(),
        description: new.description.map(String::from),
        status: new.status,
        priority: new.priority.into(),
        due_date: new.due_date.map(String::from),
        folder_id: new.folder_id,
        project_id: new.project_id,
        estimated_minutes: new.estimated_minutes.map(u32::from),
        actual_minutes: new.actual_minutes.map(u32::from),
        tags: new.tags.into(),
        at,
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
