//! Inline projectors: run inside the append transaction, so a command's result is readable
//! as soon as the command returns, at one fsync for both.
use std::sync::Arc;

use async_trait::async_trait;
use joan_commands::{AppendHook, Conn, StoreError, StoredEvent};

use crate::projector::{Projector, apply_all};

pub struct InlineProjectors {
    projectors: Vec<Arc<dyn Projector>>,
}

impl InlineProjectors {
    pub fn new(projectors: Vec<Arc<dyn Projector>>) -> Self {
        Self { projectors }
    }
}

#[async_trait]
impl AppendHook for InlineProjectors {
    async fn on_append(&self, conn: &mut Conn<'_>, events: &[StoredEvent]) -> Result<(), StoreError> {
        for projector in &self.projectors {
            apply_all(projector.as_ref(), conn, events).await?;
        }
        Ok(())
    }
}
