//! Defines the ceremony catalog (`joan_domain::ceremony::catalog`) in the event log at
//! startup, as the system actor.
//!
//! Why events rather than rows written by a migration: the templates and components are then
//! rebuilt by a replay like every other table, and their history shows when a release changed
//! one. Why it is safe to run on every start and on several nodes at once: `Define` records
//! nothing when the recorded definition is the same, and two nodes racing on a stream conflict
//! at the event store; the loser decides again on the fresh stream and records nothing.
use joan_domain::Timestamp;
use joan_domain::ceremony::SYSTEM;
use joan_domain::ceremony::catalog::ceremonies;
use joan_domain::ceremony::component::{Component, ComponentCommand, DefinitionError};
use joan_domain::ceremony::template::{CeremonyTemplate, TemplateCommand};

use crate::service::{CommandContext, CommandError, CommandService};
use crate::store::EventStore;

/// Records each ceremony of the catalog (its components first, then its template) that is
/// missing or differs from the log's; returns how many events that took (0 once defined).
pub async fn define_ceremonies(store: &EventStore, at: Timestamp) -> Result<usize, CommandError<DefinitionError>> {
    let components = CommandService::<Component>::new(store.clone(), ());
    let templates = CommandService::<CeremonyTemplate>::new(store.clone(), ());
    let ctx = CommandContext::new(SYSTEM, at);
    let mut recorded = 0;
    for ceremony in ceremonies() {
        for component in ceremony.components {
            let id = component.id.to_string();
            let outcome = components
                .execute(&id, &ctx, ComponentCommand::Define(Box::new(component)), None, None)
                .await?;
            recorded += outcome.events.len();
        }
        let id = ceremony.template.id.to_string();
        let outcome = templates
            .execute(&id, &ctx, TemplateCommand::Define(ceremony.template), None, None)
            .await?;
        recorded += outcome.events.len();
    }
    Ok(recorded)
}
