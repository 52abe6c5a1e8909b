//! The minutes of a completed work session reach its task: `PomodoroCompleted` becomes
//! `TaskCommand::LogPomodoro`, a task event in the task's own stream (its activity shows it,
//! and a replay of task events alone rebuilds `actual_minutes`).
use async_trait::async_trait;
use cqrs_es::Aggregate;
use joan_domain::UserId;
use joan_domain::pomodoro::{Pomodoro, PomodoroEvent, PomodoroEventKind};
use joan_domain::task::{Task, TaskCommand};

use super::Reaction;
use crate::error::StoreError;
use crate::event::StoredEvent;
use crate::service::{CommandContext, CommandService};

/// Credits completed work sessions to their tasks, as the session's owner, at the time the
/// session was completed. A task deleted (or gone) meanwhile is passed over.
pub struct PomodoroMinutes {
    tasks: CommandService<Task>,
}

impl PomodoroMinutes {
    pub fn new(tasks: CommandService<Task>) -> Self {
        Self { tasks }
    }
}

#[async_trait]
impl Reaction for PomodoroMinutes {
    fn name(&self) -> &'static str {
        "pomodoro_task_minutes"
    }

    fn handles(&self, event: &StoredEvent) -> bool {
        event.aggregate_type == Pomodoro::TYPE && event.event_type == <&str>::from(PomodoroEventKind::PomodoroCompleted)
    }

    async fn react(&self, event: &StoredEvent) -> Result<(), StoreError> {
        let change: PomodoroEvent = event.decode()?;
        let Some((task, session_id, minutes)) = change.task_minutes() else {
            return Ok(());
        };
        let Some(actor) = event.owner_id.as_deref().and_then(|o| o.parse().ok()).map(UserId) else {
            return Ok(());
        };
        let mut ctx = CommandContext::new(actor, change.at());
        ctx.correlation_id = event.meta().correlation_id;
        ctx.causation_id = Some(format!(
            "{}:{}:{}",
            event.aggregate_type, event.aggregate_id, event.sequence
        ));
        let command = TaskCommand::LogPomodoro { session_id, minutes };
        let id = task.to_string();
        super::settle(
            Task::TYPE,
            &id,
            self.tasks.execute(&id, &ctx, command, None, None).await,
        )
    }
}
