//! The CeremonyComponent aggregate: one step kind of the ceremonies, global to every user.
//!
//! Only Joan defines components (the [`super::SYSTEM`] actor, from the [`super::catalog`]):
//! `Define` records the whole definition when it is new or differs from the recorded one, and
//! nothing when it is the same, so defining the catalog at every startup is idempotent and a
//! changed catalog in a new release is recorded once.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ComponentKind, SYSTEM};
use crate::command::Stamped;
use crate::entity::{Entity, Lifecycle, Refusal, Refuse};
use crate::ids::CeremonyComponentId;
use crate::values::Timestamp;

/// The prompt and model settings of an AI step. The prompt uses the workflow placeholders
/// (`{input.text}`, `{steps.<name>.output}`), so the step runs as a workflow `ai_process`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSettings {
    /// A provider to prefer; `None` uses the user's chain as it is.
    pub provider_id: Option<Uuid>,
    pub prompt_template: String,
    pub model_override: Option<String>,
    pub temperature_override: Option<f64>,
    pub max_tokens_override: Option<u32>,
}

/// A component as the catalog defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    pub id: CeremonyComponentId,
    pub kind: ComponentKind,
    pub name: String,
    pub description: String,
    /// What the app needs to draw the step; for an AI step, `output_schema` too.
    pub config: serde_json::Value,
    /// For an [`ComponentKind::AiProcessor`] only.
    pub ai: Option<AiSettings>,
    pub order_index: u32,
    pub is_required: bool,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ComponentCommand {
    /// Records the definition unless it is the one already recorded.
    Define(Box<ComponentSpec>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(ComponentEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum ComponentEvent {
    /// The whole definition, first or revised.
    CeremonyComponentDefined {
        component: Box<ComponentSpec>,
        at: Timestamp,
    },
}

impl ComponentEvent {
    pub fn at(&self) -> Timestamp {
        match self {
            ComponentEvent::CeremonyComponentDefined { at, .. } => *at,
        }
    }
}

crate::domain_event!(ComponentEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Components and templates are Joan's own.
    #[error("only Joan defines ceremonies")]
    NotSystem,
    #[error("the definition names another id than its stream's")]
    WrongId,
}

impl Refuse for DefinitionError {
    fn refusal(&self) -> Refusal {
        match self {
            DefinitionError::NotSystem => Refusal::NotFound,
            DefinitionError::WrongId => Refusal::Invalid { field: "id" },
        }
    }
}

/// The decision state of one component: its recorded definition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Component {
    pub life: Lifecycle<CeremonyComponentId>,
    pub spec: Option<ComponentSpec>,
}

impl Entity for Component {
    type Id = CeremonyComponentId;
    fn lifecycle(&self) -> &Lifecycle<CeremonyComponentId> {
        &self.life
    }
}

impl Aggregate for Component {
    const TYPE: &'static str = "ceremony_component";
    type Command = Stamped<ComponentCommand>;
    type Event = ComponentEvent;
    type Error = DefinitionError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DefinitionError> {
        let Stamped { actor, at, command, .. } = cmd;
        let ComponentCommand::Define(spec) = command;
        if actor != SYSTEM {
            return Err(DefinitionError::NotSystem);
        }
        if self.life.id.is_some_and(|id| id != spec.id) {
            return Err(DefinitionError::WrongId);
        }
        if self.spec.as_ref() != Some(&*spec) {
            sink.write(ComponentEvent::CeremonyComponentDefined { component: spec, at }, self)
                .await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ComponentEvent) {
        let ComponentEvent::CeremonyComponentDefined { component, at } = event;
        if !self.life.exists() {
            self.life = Lifecycle::born(component.id, SYSTEM, at);
        }
        self.spec = Some(*component);
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::ceremony::catalog::ceremonies;
    use crate::ids::UserId;

    fn at() -> Timestamp {
        Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
    }

    fn timer() -> ComponentSpec {
        ceremonies()
            .into_iter()
            .flat_map(|c| c.components)
            .find(|c| c.kind == ComponentKind::Timer)
            .unwrap()
    }

    fn define(spec: ComponentSpec) -> Stamped<ComponentCommand> {
        Stamped::new(SYSTEM, at(), ComponentCommand::Define(Box::new(spec)))
    }

    fn defined(spec: ComponentSpec) -> ComponentEvent {
        ComponentEvent::CeremonyComponentDefined {
            component: Box::new(spec),
            at: at(),
        }
    }

    #[tokio::test]
    async fn a_definition_is_recorded_once_and_again_only_when_it_changes() {
        TestFramework::<Component>::with(())
            .given_no_previous_events()
            .when_async(define(timer()))
            .await
            .then_expect_events(vec![defined(timer())]);
        TestFramework::<Component>::with(())
            .given(vec![defined(timer())])
            .when_async(define(timer()))
            .await
            .then_expect_events(vec![]);
        let mut longer = timer();
        longer.config["minutes"] = 20.into();
        TestFramework::<Component>::with(())
            .given(vec![defined(timer())])
            .when_async(define(longer.clone()))
            .await
            .then_expect_events(vec![defined(longer)]);
    }

    #[tokio::test]
    async fn only_joan_defines_components_and_under_their_own_id() {
        TestFramework::<Component>::with(())
            .given_no_previous_events()
            .when_async(Stamped::new(
                UserId(Uuid::from_u128(1)),
                at(),
                ComponentCommand::Define(Box::new(timer())),
            ))
            .await
            .then_expect_error(DefinitionError::NotSystem);
        let mut other = timer();
        other.id = CeremonyComponentId(Uuid::from_u128(7));
        TestFramework::<Component>::with(())
            .given(vec![defined(timer())])
            .when_async(define(other))
            .await
            .then_expect_error(DefinitionError::WrongId);
    }
}
