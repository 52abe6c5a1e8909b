//! The workflow template: a user's named, ordered list of steps (ask the user, ask a model,
//! create tasks or notes from a model's list). Its steps are checked once, when it is made
//! ([`steps::parse_steps`]); an execution takes a snapshot of them when it starts, so a
//! template changed later never changes a running execution.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle};
use crate::ids::{UserId, WorkflowTemplateId};
use crate::text::{Description, ValueError, short_text};
use crate::values::Timestamp;

pub mod steps;

pub use steps::{Endpoint, OutputFormat, RawStep, StepError, StepSpec, parse_steps};

/// A template's name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkflowName(String);

impl WorkflowName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

/// Everything a new template holds, valid by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWorkflowTemplate {
    pub id: WorkflowTemplateId,
    pub name: WorkflowName,
    pub description: Option<Description>,
    pub steps: Vec<StepSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WorkflowTemplateCommand {
    Create(NewWorkflowTemplate),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(WorkflowTemplateEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum WorkflowTemplateEvent {
    WorkflowTemplateCreated {
        template_id: WorkflowTemplateId,
        user_id: UserId,
        name: String,
        description: Option<String>,
        steps: Vec<StepSpec>,
        at: Timestamp,
    },
}

impl WorkflowTemplateEvent {
    pub fn at(&self) -> Timestamp {
        match self {
            WorkflowTemplateEvent::WorkflowTemplateCreated { at, .. } => *at,
        }
    }
}

crate::domain_event!(WorkflowTemplateEvent, version "1");

/// The decision state of one template.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WorkflowTemplate {
    pub life: Lifecycle<WorkflowTemplateId>,
    pub name: String,
    pub steps: Vec<StepSpec>,
}

impl Entity for WorkflowTemplate {
    type Id = WorkflowTemplateId;
    fn lifecycle(&self) -> &Lifecycle<WorkflowTemplateId> {
        &self.life
    }
}

impl Aggregate for WorkflowTemplate {
    const TYPE: &'static str = "ai_workflow_template";
    type Command = Stamped<WorkflowTemplateCommand>;
    type Event = WorkflowTemplateEvent;
    type Error = EntityError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), EntityError> {
        let Stamped { actor, at, command, .. } = cmd;
        match command {
            WorkflowTemplateCommand::Create(new) => {
                self.life.check_new()?;
                let event = WorkflowTemplateEvent::WorkflowTemplateCreated {
                    template_id: new.id,
                    user_id: actor,
                    name: new.name.0,
                    description: new.description.map(String::from),
                    steps: new.steps,
                    at,
                };
                sink.write(event, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: WorkflowTemplateEvent) {
        match event {
            WorkflowTemplateEvent::WorkflowTemplateCreated {
                template_id,
                user_id,
                name,
                steps,
                at,
                ..
            } => {
                *self = WorkflowTemplate {
                    life: Lifecycle::born(template_id, user_id, at),
                    name,
                    steps,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests;
