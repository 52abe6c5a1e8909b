//! AI: one row per request, by provider and model: tokens, cost, latency, whether it failed.
use joan_commands::batch::insert_many_then;
use joan_commands::{Arg, Conn, Executor, StoredEvent, args};
use joan_domain::ai_request::{AiRequestEvent, RequestStatus};

use crate::error::ProjectionError;
use crate::projector::decode;

/// Inserts the batch's requests (owner, event), many rows per statement.
pub(super) async fn insert(conn: &mut Conn<'_>, events: &[(&str, &StoredEvent)]) -> Result<(), ProjectionError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(events.len());
    for (owner, event) in events {
        let AiRequestEvent::AiRequestRecorded {
            provider_type,
            model,
            tokens_in,
            tokens_out,
            latency_ms,
            cost_micro_usd,
            status,
            at,
            ..
        } = decode::<AiRequestEvent>(event)?;
        rows.push((
            *owner,
            event.aggregate_id.as_str(),
            at.to_rfc3339(),
            provider_type.unwrap_or_else(|| "unknown".to_string()),
            model.unwrap_or_else(|| "unknown".to_string()),
            [
                i64::from(tokens_in),
                i64::from(tokens_out),
                i64::try_from(latency_ms).unwrap_or(i64::MAX),
                i64::try_from(cost_micro_usd).unwrap_or(i64::MAX),
                i64::from(status == RequestStatus::Failed),
            ],
        ));
    }
    let mut values: Vec<Arg<'_>> = Vec::with_capacity(rows.len() * 10);
    for (owner, id, at, provider, model, numbers) in &rows {
        values.extend([
            Arg::from(*id),
            Arg::from(*owner),
            Arg::from(at),
            Arg::from(provider),
            Arg::from(model),
        ]);
        values.extend(numbers.iter().map(|n| Arg::from(*n)));
    }
    insert_many_then(
        conn,
        "insert into analytics_ai_requests (request_id, user_id, at, provider, model, tokens_in, tokens_out, \
         latency_ms, cost_micro_usd, failed)",
        10,
        &values,
        "on conflict (request_id) do nothing",
    )
    .await?;
    Ok(())
}

/// One request: provider, model, instant, tokens in, tokens out, latency, cost, failed (0/1).
pub type Request = (String, String, String, i64, i64, i64, i64, i64);

/// The user's requests at `from` or later and before `to`.
pub async fn requests(ex: &mut impl Executor, user: &str, from: &str, to: &str) -> Result<Vec<Request>, sqlx::Error> {
    ex.fetch_all(
        "select provider, model, at, tokens_in, tokens_out, latency_ms, cost_micro_usd, failed \
         from analytics_ai_requests where user_id = $1 and at >= $2 and at < $3 order by at, request_id",
        &args![user, from, to],
    )
    .await
}
