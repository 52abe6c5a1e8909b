//! `ai_providers`, kept inline: the providers' own events (the [`AiProviders`] fold), the
//! one-default-per-user rule, and the usage totals folded from the request log.
//!
//! A provider made default clears the default of its user's others. Usage comes from
//! `AiRequestRecorded` events naming a provider. Both read only this projector's own table,
//! so a rebuild of it alone gives the same rows.
use std::str::FromStr;

use async_trait::async_trait;
use joan_commands::{Arg, Conn, Database, StoredEvent, args};
use joan_domain::Timestamp;
use joan_domain::ai_provider::{AiProviderEvent, AiProviderEventKind};
use joan_domain::ai_request::AiRequestEvent;

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::Flag;

read_table! {
    /// A provider as the `ai_providers` table holds it. Not shown as is: the API shows the
    /// key's mask, never the sealed key.
    pub struct AiProviderRow in "ai_providers" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub provider_type: String,
        pub provider_name: String,
        /// `<key id>:<ciphertext>`.
        pub api_key_encrypted: Option<String>,
        pub api_key_mask: Option<String>,
        pub api_endpoint: Option<String>,
        pub model_name: String,
        pub max_tokens: Option<i64>,
        pub temperature: Option<f64>,
        #[schema(value_type = bool)]
        pub is_active: Flag,
        #[schema(value_type = bool)]
        pub is_default: Flag,
        pub priority: i64,
        pub total_requests: i64,
        pub total_tokens: i64,
        /// Millionths of a US dollar.
        pub total_cost: i64,
        pub last_used_at: Option<String>,
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How provider events change `ai_providers` rows (usage and defaults are the projector's).
pub struct AiProviders;

impl Fold for AiProviders {
    type Row = AiProviderRow;
    type Event = AiProviderEvent;
    const NAME: &'static str = "ai_providers";
    const AGGREGATE: &'static str = "ai_provider";

    fn at(change: &AiProviderEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<AiProviderRow>, event: &StoredEvent, change: AiProviderEvent) {
        use AiProviderEvent::*;
        let at = change.at().to_rfc3339();
        match change {
            AiProviderCreated {
                user_id,
                provider_type,
                name,
                endpoint,
                model,
                max_tokens,
                temperature,
                active,
                default,
                priority,
                key,
                ..
            } => {
                *row = Some(AiProviderRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    provider_type: provider_type.as_str().to_string(),
                    provider_name: name,
                    api_key_encrypted: key.as_ref().map(|k| k.stored()),
                    api_key_mask: key.map(|k| k.mask),
                    api_endpoint: endpoint,
                    model_name: model,
                    max_tokens: max_tokens.map(i64::from),
                    temperature,
                    is_active: Flag(active),
                    is_default: Flag(default),
                    priority: i64::from(priority),
                    total_requests: 0,
                    total_tokens: 0,
                    total_cost: 0,
                    last_used_at: None,
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            AiProviderDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    AiProviderRenamed { to, .. } => row.provider_name = to,
                    AiProviderEndpointChanged { to, .. } => row.api_endpoint = to,
                    AiProviderModelChanged { to, .. } => row.model_name = to,
                    AiProviderMaxTokensChanged { to, .. } => row.max_tokens = to.map(i64::from),
                    AiProviderTemperatureChanged { to, .. } => row.temperature = to,
                    AiProviderActiveChanged { to, .. } => row.is_active = Flag(to),
                    AiProviderPriorityChanged { to, .. } => row.priority = i64::from(to),
                    AiProviderMadeDefault { .. } => row.is_default = Flag(true),
                    AiProviderDefaultCleared { .. } => row.is_default = Flag(false),
                    AiProviderKeySet { key, .. } => {
                        row.api_key_encrypted = Some(key.stored());
                        row.api_key_mask = Some(key.mask);
                    }
                    AiProviderKeyCleared { .. } => {
                        row.api_key_encrypted = None;
                        row.api_key_mask = None;
                    }
                    AiProviderCreated { .. } | AiProviderDeleted { .. } => {}
                }
            }
        }
    }
}

/// The providers (an [`AiProviders`] fold), their one default, and their usage.
#[derive(Default)]
pub struct AiProvidersProjector {
    providers: FoldProjector<AiProviders>,
}

#[async_trait]
impl Projector for AiProvidersProjector {
    fn name(&self) -> &'static str {
        AiProviders::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &["ai_providers"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == AiProviders::AGGREGATE || aggregate_type == "ai_request"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// One event at a time, in log order: a default taken by one provider must be cleared on
    /// the others before the next event may take it back.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if event.aggregate_type == AiProviders::AGGREGATE {
                self.providers.apply_batch(conn, &[*event]).await?;
                after_provider_event(conn, event).await?;
            } else {
                add_usage(conn, event).await?;
            }
        }
        Ok(())
    }
}

/// A provider made default (or created as the default) is its owner's only default.
async fn after_provider_event(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    let became_default = match AiProviderEventKind::from_str(&event.event_type).ok() {
        Some(AiProviderEventKind::AiProviderMadeDefault) => true,
        Some(AiProviderEventKind::AiProviderCreated) => {
            matches!(
                decode::<AiProviderEvent>(event)?,
                AiProviderEvent::AiProviderCreated { default: true, .. }
            )
        }
        _ => false,
    };
    if became_default {
        conn.execute(
            "update ai_providers set is_default = 0 where user_id = $1 and id <> $2 and is_default = 1",
            &args![
                event.owner_id.as_deref().unwrap_or_default(),
                event.aggregate_id.as_str()
            ],
        )
        .await?;
    }
    Ok(())
}

/// A recorded request counts toward its provider's totals.
async fn add_usage(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    let AiRequestEvent::AiRequestRecorded {
        user_id,
        provider_id: Some(provider),
        tokens_in,
        tokens_out,
        cost_micro_usd,
        at,
        ..
    } = decode::<AiRequestEvent>(event)?
    else {
        return Ok(());
    };
    let tokens = i64::from(tokens_in) + i64::from(tokens_out);
    let cost = i64::try_from(cost_micro_usd).unwrap_or(i64::MAX);
    conn.execute(
        "update ai_providers set total_requests = total_requests + 1, total_tokens = total_tokens + $3, \
         total_cost = total_cost + $4, last_used_at = $5 where id = $1 and user_id = $2",
        &args![
            provider.to_string().as_str(),
            user_id.to_string().as_str(),
            tokens,
            cost,
            at.to_rfc3339().as_str()
        ],
    )
    .await?;
    Ok(())
}

/// The user's providers, in chain order: default first, then by priority, then oldest first.
pub async fn of_user(db: &Database, user: &str) -> Result<Vec<AiProviderRow>, sqlx::Error> {
    use crate::table::TableRow;
    let statement = format!(
        "select {} from ai_providers where user_id = $1 order by is_default desc, priority, created_at, id",
        AiProviderRow::sql().list
    );
    db.fetch_all(&statement, &[Arg::from(user)]).await
}
