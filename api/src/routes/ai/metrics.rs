//! `GET /ai/metrics`: the caller's AI usage over a period, from `ai_requests`.
use std::collections::BTreeMap;

use axum::extract::State;
use joan_domain::Timestamp;
use joan_projections::ai_requests::{self, RequestSample};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, CurrentUser};
use crate::http::fields::Fields;
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

/// The period: requests recorded at `from` or later and before `to` (RFC 3339 or a date).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    #[param(schema_with = crate::http::schema::instant_or_empty)]
    pub from: Option<String>,
    #[param(schema_with = crate::http::schema::instant_or_empty)]
    pub to: Option<String>,
}

/// Totals of a set of requests.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct AiUsage {
    pub requests: u64,
    pub failures: u64,
    pub tokens: i64,
    /// Millionths of a US dollar.
    pub cost_micro_usd: i64,
    pub avg_latency_ms: u64,
    pub p50_latency_ms: u64,
}

/// The usage of one provider and model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderUsage {
    #[schema(format = Uuid)]
    pub provider_id: Option<String>,
    pub provider_type: Option<String>,
    pub model: Option<String>,
    #[serde(flatten)]
    pub usage: AiUsage,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AiMetrics {
    #[serde(flatten)]
    pub total: AiUsage,
    pub by_provider: Vec<ProviderUsage>,
}

/// Provider id, provider type and model.
type GroupKey<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn usage(samples: &[&RequestSample]) -> AiUsage {
    let mut latencies: Vec<u64> = samples
        .iter()
        .map(|s| u64::try_from(s.latency_ms).unwrap_or(0))
        .collect();
    latencies.sort_unstable();
    let count = latencies.len() as u64;
    AiUsage {
        requests: count,
        failures: samples.iter().filter(|s| s.status != "success").count() as u64,
        tokens: samples.iter().map(|s| s.tokens_total).sum(),
        cost_micro_usd: samples.iter().map(|s| s.cost_micro_usd).sum(),
        avg_latency_ms: latencies.iter().sum::<u64>().checked_div(count).unwrap_or(0),
        // The lower median: a latency that some request really had.
        p50_latency_ms: latencies
            .get(latencies.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0),
    }
}

/// Requests, failures, tokens, cost and latency (average and median), in all and per provider
/// and model.
#[utoipa::path(get, path = "/ai/metrics", tag = "ai", params(MetricsQuery), security(("bearer" = [])),
    responses((status = 200, body = AiMetrics)))]
async fn metrics(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<MetricsQuery>,
) -> Result<axum::Json<AiMetrics>, ApiError> {
    let mut f = Fields::default();
    let instant = |raw: String| -> Result<Option<String>, String> {
        if raw.is_empty() {
            return Ok(None);
        }
        Timestamp::parse(&raw)
            .or_else(|_| Timestamp::parse(&format!("{raw}T00:00:00Z")))
            .map(|t| Some(t.to_rfc3339()))
            .map_err(|_| "must be an RFC 3339 instant or a date (YYYY-MM-DD)".to_string())
    };
    let from = f.opt("from", query.from, instant).flatten();
    let to = f.opt("to", query.to, instant).flatten();
    let (from, to) = f.finish((from, to)).map_err(ApiError::Validation)?;
    let samples = ai_requests::samples(state.core.store.db(), &user.to_string(), from.as_deref(), to.as_deref())
        .await
        .map_err(ApiError::internal)?;
    let mut groups: BTreeMap<GroupKey<'_>, Vec<&RequestSample>> = BTreeMap::new();
    for s in &samples {
        let key = (
            s.provider_id.as_deref(),
            s.provider_type.as_deref(),
            s.model_used.as_deref(),
        );
        groups.entry(key).or_default().push(s);
    }
    let all: Vec<&RequestSample> = samples.iter().collect();
    Ok(axum::Json(AiMetrics {
        total: usage(&all),
        by_provider: groups
            .into_iter()
            .map(|((id, kind, model), list)| ProviderUsage {
                provider_id: id.map(str::to_string),
                provider_type: kind.map(str::to_string),
                model: model.map(str::to_string),
                usage: usage(&list),
            })
            .collect(),
    }))
}
