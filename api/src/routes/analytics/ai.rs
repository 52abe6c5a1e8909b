//! `GET /analytics/ai`: AI requests, tokens, cost, latency and failures by bucket and by
//! provider and model.
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use joan_projections::analytics::ai;
use serde::Serialize;
use utoipa::ToSchema;

use super::AnalyticsStat;
use super::period::{AnalyticsPeriod, AnalyticsQuery, Period};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AnalyticsAiUsage {
    pub requests: i64,
    pub failures: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_micro_usd: i64,
}

impl AnalyticsAiUsage {
    fn add(&mut self, r: &ai::Request) {
        self.requests += 1;
        self.tokens_in += r.3;
        self.tokens_out += r.4;
        self.cost_micro_usd += r.6;
        self.failures += r.7;
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsAiBucket {
    pub start: String,
    #[serde(flatten)]
    pub usage: AnalyticsAiUsage,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsAiModel {
    /// The provider type (`openai`, `anthropic`...), `unknown` when none was recorded.
    pub provider: String,
    pub model: String,
    #[serde(flatten)]
    pub usage: AnalyticsAiUsage,
    pub latency_ms: AnalyticsStat,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsAi {
    pub period: AnalyticsPeriod,
    pub buckets: Vec<AnalyticsAiBucket>,
    pub totals: AnalyticsAiUsage,
    pub latency_ms: AnalyticsStat,
    pub by_model: Vec<AnalyticsAiModel>,
}

/// The caller's AI usage over their local days.
#[utoipa::path(get, path = "/analytics/ai", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsAi)))]
pub(super) async fn ai(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    Ok(Json(report(&state, &user, &period).await?).into_response())
}

pub(super) async fn report(state: &AppState, user: &str, period: &Period) -> Result<AnalyticsAi, ApiError> {
    let requests = ai::requests(&mut state.core.store.db(), user, &period.utc_from(), &period.utc_to())
        .await
        .map_err(ApiError::internal)?;
    let mut buckets: Vec<AnalyticsAiUsage> = (0..period.len()).map(|_| AnalyticsAiUsage::default()).collect();
    let mut totals = AnalyticsAiUsage::default();
    let mut latencies = Vec::new();
    let mut by_model: BTreeMap<(&str, &str), (AnalyticsAiUsage, Vec<i64>)> = BTreeMap::new();
    for r in &requests {
        let Some(b) = period.bucket_of(&r.2) else { continue };
        buckets[b].add(r);
        totals.add(r);
        latencies.push(r.5);
        let m = by_model.entry((r.0.as_str(), r.1.as_str())).or_default();
        m.0.add(r);
        m.1.push(r.5);
    }
    Ok(AnalyticsAi {
        period: period.describe(),
        buckets: period
            .labels()
            .into_iter()
            .zip(buckets)
            .map(|(start, usage)| AnalyticsAiBucket { start, usage })
            .collect(),
        totals,
        latency_ms: AnalyticsStat::of(latencies),
        by_model: by_model
            .into_iter()
            .map(|((provider, model), (usage, lat))| AnalyticsAiModel {
                provider: provider.to_string(),
                model: model.to_string(),
                usage,
                latency_ms: AnalyticsStat::of(lat),
            })
            .collect(),
    })
}
