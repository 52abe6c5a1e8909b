//! The daily schedule: one stream per user and day ([`ScheduleId::of`]), so the event store,
//! not a read, keeps a day to one schedule. A day is set whole (by hand or from a template),
//! changed one block at a time, and deleted; once deleted it may be set again.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse};
use crate::ids::{ScheduleId, TemplateId, UserId};
use crate::values::Day;
use crate::values::Timestamp;

mod blocks;
pub use blocks::{Block, BlockChanges, BlockProblem, Blocks, BlocksError};

impl ScheduleId {
    /// The stream of `user`'s `day`: a UUIDv5 of the day under the user's own UUID.
    pub fn of(user: UserId, day: &str) -> Self {
        Self(Uuid::new_v5(&user.0, day.as_bytes()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleCommand {
    /// Sets the day's blocks: creates the day, or replaces its blocks when `replace` (else a
    /// day that has a schedule is a conflict). `template` names the template they came from.
    Set {
        date: Day,
        blocks: Blocks,
        template: Option<TemplateId>,
        replace: bool,
    },
    /// Changes the block at `index`.
    ChangeBlock {
        index: usize,
        changes: BlockChanges,
    },
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ScheduleEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ScheduleEvent {
    ScheduleCreated {
        schedule_id: ScheduleId,
        user_id: UserId,
        date: String,
        blocks: Vec<Block>,
        template_id: Option<TemplateId>,
        at: Timestamp,
    },
    /// The day as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream (named by user and day, as every day is), with the old
    /// row's id (`legacy_id`, kept here only: Joan addresses a day by its date), `created_at`
    /// and `updated_at` (`at`).
    ScheduleImported {
        schedule_id: ScheduleId,
        user_id: UserId,
        date: String,
        blocks: Vec<Block>,
        legacy_id: Uuid,
        created_at: Timestamp,
        at: Timestamp,
    },
    ScheduleBlocksReplaced {
        from: Vec<Block>,
        to: Vec<Block>,
        template_id: Option<TemplateId>,
        at: Timestamp,
    },
    ScheduleBlockChanged {
        index: usize,
        from: Block,
        to: Block,
        at: Timestamp,
    },
    ScheduleDeleted {
        at: Timestamp,
    },
}

impl ScheduleEvent {
    pub fn at(&self) -> Timestamp {
        use ScheduleEvent::*;
        match self {
            ScheduleCreated { at, .. }
            | ScheduleImported { at, .. }
            | ScheduleBlocksReplaced { at, .. }
            | ScheduleBlockChanged { at, .. }
            | ScheduleDeleted { at } => *at,
        }
    }
}

crate::domain_event!(ScheduleEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Entity(#[from] EntityError),
    /// The day has a schedule and the command did not ask to replace it.
    #[error("this day already has a schedule; ask to replace it")]
    Exists,
    #[error("the day has no block at this index")]
    NoSuchBlock,
    #[error(transparent)]
    Blocks(#[from] BlocksError),
}

impl Refuse for ScheduleError {
    fn refusal(&self) -> Refusal {
        match self {
            ScheduleError::Entity(e) => e.refusal(),
            ScheduleError::Exists => Refusal::Conflict {
                code: "schedule_exists",
            },
            ScheduleError::NoSuchBlock => Refusal::NotFound,
            ScheduleError::Blocks(_) => Refusal::Invalid { field: "blocks" },
        }
    }
}

/// The decision state of one day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Schedule {
    pub life: Lifecycle<ScheduleId>,
    pub date: String,
    pub blocks: Blocks,
}

impl Entity for Schedule {
    type Id = ScheduleId;
    fn lifecycle(&self) -> &Lifecycle<ScheduleId> {
        &self.life
    }
}

impl Schedule {
    /// Whether the day has a schedule now (not never set, not deleted).
    pub fn is_live(&self) -> bool {
        self.life.exists() && !self.life.deleted
    }

    fn decide(
        &self,
        actor: UserId,
        command: ScheduleCommand,
        at: Timestamp,
    ) -> Result<Vec<ScheduleEvent>, ScheduleError> {
        use ScheduleEvent::*;
        Ok(match command {
            ScheduleCommand::Set {
                date,
                blocks,
                template,
                replace,
            } => {
                if !self.is_live() {
                    let date = String::from(date);
                    return Ok(vec![ScheduleCreated {
                        schedule_id: ScheduleId::of(actor, &date),
                        user_id: actor,
                        date,
                        blocks: blocks.into(),
                        template_id: template,
                        at,
                    }]);
                }
                self.life.check_live(actor)?;
                if !replace {
                    return Err(ScheduleError::Exists);
                }
                let to: Vec<Block> = blocks.into();
                if to == self.blocks.as_slice() && template.is_none() {
                    return Ok(Vec::new());
                }
                vec![ScheduleBlocksReplaced {
                    from: self.blocks.as_slice().to_vec(),
                    to,
                    template_id: template,
                    at,
                }]
            }
            ScheduleCommand::ChangeBlock { index, changes } => {
                self.life.check_live(actor)?;
                let changed = self
                    .blocks
                    .changed(index, changes)
                    .ok_or(ScheduleError::NoSuchBlock)??;
                let (from, to) = (&self.blocks.as_slice()[index], &changed.as_slice()[index]);
                if from == to {
                    return Ok(Vec::new());
                }
                vec![ScheduleBlockChanged {
                    index,
                    from: from.clone(),
                    to: to.clone(),
                    at,
                }]
            }
            ScheduleCommand::Delete => {
                self.life.check_live(actor)?;
                vec![ScheduleDeleted { at }]
            }
        })
    }
}

impl Aggregate for Schedule {
    const TYPE: &'static str = "schedule";
    type Command = Stamped<ScheduleCommand>;
    type Event = ScheduleEvent;
    type Error = ScheduleError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), ScheduleError> {
        let Stamped { actor, at, command, .. } = cmd;
        for event in self.decide(actor, command, at)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ScheduleEvent) {
        use ScheduleEvent::*;
        let at = event.at();
        match event {
            ScheduleCreated {
                schedule_id,
                user_id,
                date,
                blocks,
                at: created_at,
                ..
            }
            | ScheduleImported {
                schedule_id,
                user_id,
                date,
                blocks,
                created_at,
                ..
            } => {
                *self = Schedule {
                    life: Lifecycle::born(schedule_id, user_id, created_at),
                    date,
                    blocks: Blocks::recorded(blocks),
                };
            }
            ScheduleBlocksReplaced { to, .. } => self.blocks = Blocks::recorded(to),
            ScheduleBlockChanged { index, to, .. } => {
                let mut blocks: Vec<Block> = std::mem::take(&mut self.blocks).into();
                if let Some(block) = blocks.get_mut(index) {
                    *block = to;
                }
                self.blocks = Blocks::recorded(blocks);
            }
            ScheduleDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
