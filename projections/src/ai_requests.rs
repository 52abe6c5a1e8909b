//! `ai_requests`, kept inline from the request log, and the metrics read from it.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::ai_request::AiRequestEvent;

use crate::fold::Fold;
use crate::read_table;

read_table! {
    /// One call to an AI provider, as `GET /ai/metrics` reads it.
    pub struct AiRequestRow in "ai_requests" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub component_id: Option<String>,
        pub provider_id: Option<String>,
        pub provider_type: Option<String>,
        pub prompt: String,
        pub response: Option<String>,
        pub model_used: Option<String>,
        pub tokens_in: i64,
        pub tokens_out: i64,
        pub tokens_total: i64,
        pub latency_ms: i64,
        /// Millionths of a US dollar.
        pub cost_micro_usd: i64,
        /// success or failed.
        pub status: String,
        pub error_class: Option<String>,
        pub error_message: Option<String>,
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How the request log makes `ai_requests` rows.
pub struct AiRequests;

impl Fold for AiRequests {
    type Row = AiRequestRow;
    type Event = AiRequestEvent;
    const NAME: &'static str = "ai_requests";
    const AGGREGATE: &'static str = "ai_request";

    fn at(change: &AiRequestEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<AiRequestRow>, event: &StoredEvent, change: AiRequestEvent) {
        let AiRequestEvent::AiRequestRecorded {
            user_id,
            provider_id,
            provider_type,
            component_id,
            model,
            prompt,
            response,
            tokens_in,
            tokens_out,
            latency_ms,
            cost_micro_usd,
            status,
            error_class,
            error_message,
            at,
            ..
        } = change;
        let at = at.to_rfc3339();
        *row = Some(AiRequestRow {
            id: event.aggregate_id.clone(),
            user_id: user_id.to_string(),
            component_id: component_id.map(|c| c.to_string()),
            provider_id: provider_id.map(|p| p.to_string()),
            provider_type,
            prompt,
            response,
            model_used: model,
            tokens_in: i64::from(tokens_in),
            tokens_out: i64::from(tokens_out),
            tokens_total: i64::from(tokens_in) + i64::from(tokens_out),
            latency_ms: i64::try_from(latency_ms).unwrap_or(i64::MAX),
            cost_micro_usd: i64::try_from(cost_micro_usd).unwrap_or(i64::MAX),
            status: status.as_str().to_string(),
            error_class,
            error_message,
            version: event.sequence,
            created_at: at.clone(),
            updated_at: at,
        });
    }
}

/// What metrics need of one request.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct RequestSample {
    pub provider_id: Option<String>,
    pub provider_type: Option<String>,
    pub model_used: Option<String>,
    pub tokens_total: i64,
    pub latency_ms: i64,
    pub cost_micro_usd: i64,
    pub status: String,
}

/// The user's requests recorded in `[from, to)` (RFC 3339 texts; either may be open).
pub async fn samples(
    db: &Database,
    user: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<RequestSample>, sqlx::Error> {
    let mut statement = String::from(
        "select provider_id, provider_type, model_used, tokens_total, latency_ms, cost_micro_usd, status \
         from ai_requests where user_id = $1",
    );
    let mut args = vec![Arg::from(user)];
    for (condition, bound) in [("created_at >=", from), ("created_at <", to)] {
        if let Some(bound) = bound {
            args.push(Arg::from(bound));
            statement.push_str(&format!(" and {condition} ${}", args.len()));
        }
    }
    statement.push_str(" order by created_at");
    db.fetch_all(&statement, &args).await
}
