//! The CeremonyTemplate aggregate: a ceremony as an ordered list of components, global to
//! every user. Defined like components (see [`super::component`]): only by Joan, recorded
//! when new or changed, nothing when the same.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::SYSTEM;
use super::component::DefinitionError;
use crate::command::Stamped;
use crate::entity::{Entity, Lifecycle};
use crate::ids::{CeremonyComponentId, CeremonyTemplateId};
use crate::values::Timestamp;

/// A ceremony as the catalog defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSpec {
    pub id: CeremonyTemplateId,
    pub name: String,
    pub description: String,
    /// planning, writing, review...
    pub category: String,
    /// Its steps, in order.
    pub component_ids: Vec<CeremonyComponentId>,
    pub icon: String,
    pub estimated_minutes: u32,
    /// Where the app goes when the ceremony is done.
    pub redirect_path: Option<String>,
    pub is_active: bool,
    pub order_index: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateCommand {
    Define(TemplateSpec),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(TemplateEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum TemplateEvent {
    /// The whole definition, first or revised.
    CeremonyTemplateDefined { template: TemplateSpec, at: Timestamp },
}

impl TemplateEvent {
    pub fn at(&self) -> Timestamp {
        match self {
            TemplateEvent::CeremonyTemplateDefined { at, .. } => *at,
        }
    }
}

crate::domain_event!(TemplateEvent, version "1");

/// The decision state of one template: its recorded definition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CeremonyTemplate {
    pub life: Lifecycle<CeremonyTemplateId>,
    pub spec: Option<TemplateSpec>,
}

impl Entity for CeremonyTemplate {
    type Id = CeremonyTemplateId;
    fn lifecycle(&self) -> &Lifecycle<CeremonyTemplateId> {
        &self.life
    }
}

impl Aggregate for CeremonyTemplate {
    const TYPE: &'static str = "ceremony_template";
    type Command = Stamped<TemplateCommand>;
    type Event = TemplateEvent;
    type Error = DefinitionError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DefinitionError> {
        let Stamped { actor, at, command, .. } = cmd;
        let TemplateCommand::Define(spec) = command;
        if actor != SYSTEM {
            return Err(DefinitionError::NotSystem);
        }
        if self.life.id.is_some_and(|id| id != spec.id) {
            return Err(DefinitionError::WrongId);
        }
        if self.spec.as_ref() != Some(&spec) {
            sink.write(TemplateEvent::CeremonyTemplateDefined { template: spec, at }, self)
                .await;
        }
        Ok(())
    }

    fn apply(&mut self, event: TemplateEvent) {
        let TemplateEvent::CeremonyTemplateDefined { template, at } = event;
        if !self.life.exists() {
            self.life = Lifecycle::born(template.id, SYSTEM, at);
        }
        self.spec = Some(template);
        self.life.touch(at);
    }
}
