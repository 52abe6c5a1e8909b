//! The Goal aggregate: what a user works toward, and how far they are.
//!
//! Which tasks count toward a goal is the task's business (`TaskCommand::LinkGoal`), so a
//! link and every later completion are in one stream, in order; the goals read model turns
//! them into the goal's progress unless the user set it by hand.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{GoalId, UserId};
use crate::task::{Description, DueDate, Title};
use crate::values::{JsonObject, Timestamp};

mod values;
pub use values::{GoalStatus, GoalType, Progress};

/// Everything a new goal starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewGoal {
    pub id: GoalId,
    pub title: Title,
    pub description: Option<Description>,
    pub goal_type: GoalType,
    pub status: GoalStatus,
    pub target_date: Option<DueDate>,
    /// Set by hand; `None` follows the linked tasks.
    pub progress: Option<Progress>,
    pub metrics: JsonObject,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field (for
/// `progress`: back to following the tasks).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoalChanges {
    pub title: Option<Title>,
    pub description: Option<Option<Description>>,
    pub goal_type: Option<GoalType>,
    pub status: Option<GoalStatus>,
    pub target_date: Option<Option<DueDate>>,
    pub progress: Option<Option<Progress>>,
    pub metrics: Option<JsonObject>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GoalCommand {
    Create(NewGoal),
    Update(GoalChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(GoalEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum GoalEvent {
    GoalCreated {
        goal_id: GoalId,
        user_id: UserId,
        title: String,
        description: Option<String>,
        goal_type: GoalType,
        status: GoalStatus,
        target_date: Option<String>,
        progress: Option<u8>,
        metrics: Map<String, Value>,
        at: Timestamp,
    },
    /// The goal as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `completed_at`, `created_at` and
    /// `updated_at` (`at`). Its old progress comes in as set by hand.
    GoalImported {
        goal_id: GoalId,
        user_id: UserId,
        title: String,
        description: Option<String>,
        goal_type: GoalType,
        status: GoalStatus,
        target_date: Option<String>,
        completed_at: Option<Timestamp>,
        progress: Option<u8>,
        metrics: Map<String, Value>,
        created_at: Timestamp,
        at: Timestamp,
    },
    GoalTitleChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    GoalDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    GoalTypeChanged {
        from: GoalType,
        to: GoalType,
        at: Timestamp,
    },
    GoalStatusChanged {
        from: GoalStatus,
        to: GoalStatus,
        at: Timestamp,
    },
    GoalTargetDateChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    /// Progress set by hand (`Some`), or handed back to the linked tasks (`None`).
    GoalProgressSet {
        from: Option<u8>,
        to: Option<u8>,
        at: Timestamp,
    },
    GoalMetricsChanged {
        from: Map<String, Value>,
        to: Map<String, Value>,
        at: Timestamp,
    },
    GoalDeleted {
        at: Timestamp,
    },
}

impl GoalEvent {
    pub fn at(&self) -> Timestamp {
        use GoalEvent::*;
        match self {
            GoalCreated { at, .. }
            | GoalImported { at, .. }
            | GoalTitleChanged { at, .. }
            | GoalDescriptionChanged { at, .. }
            | GoalTypeChanged { at, .. }
            | GoalStatusChanged { at, .. }
            | GoalTargetDateChanged { at, .. }
            | GoalProgressSet { at, .. }
            | GoalMetricsChanged { at, .. }
            | GoalDeleted { at } => *at,
        }
    }
}

crate::domain_event!(GoalEvent, version "1");

/// A goal has no rules of its own beyond every entity's.
pub type GoalError = EntityError;

/// The decision state of one goal, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Goal {
    pub life: Lifecycle<GoalId>,
    pub title: String,
    pub description: Option<String>,
    pub goal_type: GoalType,
    pub status: GoalStatus,
    pub target_date: Option<String>,
    pub progress: Option<u8>,
    pub metrics: Map<String, Value>,
}

impl Entity for Goal {
    type Id = GoalId;
    fn lifecycle(&self) -> &Lifecycle<GoalId> {
        &self.life
    }
}

impl Goal {
    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, changes: GoalChanges, at: Timestamp) -> Vec<GoalEvent> {
        use GoalEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.title, changes.title.map(String::from), |from, to| {
            GoalTitleChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| GoalDescriptionChanged { from, to, at },
        );
        push_change(&mut out, &self.goal_type, changes.goal_type, |from, to| {
            GoalTypeChanged { from, to, at }
        });
        push_change(&mut out, &self.status, changes.status, |from, to| GoalStatusChanged {
            from,
            to,
            at,
        });
        push_change(
            &mut out,
            &self.target_date,
            changes.target_date.map(|d| d.map(String::from)),
            |from, to| GoalTargetDateChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.progress,
            changes.progress.map(|p| p.map(u8::from)),
            |from, to| GoalProgressSet { from, to, at },
        );
        push_change(&mut out, &self.metrics, changes.metrics.map(Map::from), |from, to| {
            GoalMetricsChanged { from, to, at }
        });
        out
    }
}

impl Aggregate for Goal {
    const TYPE: &'static str = "goal";
    type Command = Stamped<GoalCommand>;
    type Event = GoalEvent;
    type Error = GoalError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), GoalError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            GoalCommand::Create(new) => {
                self.life.check_new()?;
                vec![GoalEvent::GoalCreated {
                    goal_id: new.id,
                    user_id: actor,
                    title: new.title.into(),
                    description: new.description.map(String::from),
                    goal_type: new.goal_type,
                    status: new.status,
                    target_date: new.target_date.map(String::from),
                    progress: new.progress.map(u8::from),
                    metrics: new.metrics.into(),
                    at,
                }]
            }
            GoalCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            GoalCommand::Delete => {
                self.life.check_live(actor)?;
                vec![GoalEvent::GoalDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: GoalEvent) {
        use GoalEvent::*;
        let at = event.at();
        match event {
            GoalCreated {
                goal_id,
                user_id,
                title,
                description,
                goal_type,
                status,
                target_date,
                progress,
                metrics,
                at,
            } => {
                *self = Goal {
                    life: Lifecycle::born(goal_id, user_id, at),
                    title,
                    description,
                    goal_type,
                    status,
                    target_date,
                    progress,
                    metrics,
                };
            }
            GoalImported {
                goal_id,
                user_id,
                title,
                description,
                goal_type,
                status,
                target_date,
                progress,
                metrics,
                created_at,
                ..
            } => {
                *self = Goal {
                    life: Lifecycle::born(goal_id, user_id, created_at),
                    title,
                    description,
                    goal_type,
                    status,
                    target_date,
                    progress,
                    metrics,
                };
            }
            GoalTitleChanged { to, .. } => self.title = to,
            GoalDescriptionChanged { to, .. } => self.description = to,
            GoalTypeChanged { to, .. } => self.goal_type = to,
            GoalStatusChanged { to, .. } => self.status = to,
            GoalTargetDateChanged { to, .. } => self.target_date = to,
            GoalProgressSet { to, .. } => self.progress = to,
            GoalMetricsChanged { to, .. } => self.metrics = to,
            GoalDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
