//! `POST .../{id}/revert {version}`: an entity back to what it was at an earlier version, as
//! a new step of its history (nothing is rewritten). The fields are restored through the
//! entity's own PATCH body, so a revert is checked exactly as an edit would be (a folder or
//! project that has gone since is refused the same way).
use joan_commands::StoredEvent;
use joan_projections::fold::Fold;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::http::error::ApiError;
use crate::http::fields::Whole;

/// `POST .../{id}/revert`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertBody {
    /// The version to go back to: one of its history's, before the current one.
    #[schema(value_type = i64, minimum = 1)]
    pub version: Whole,
}

/// The version asked for and the PATCH body `B` that takes the entity back to it: the
/// `fields` of the row `F` folds from the first `version` events of `events`. 422 unless
/// `version` is an earlier version at which the entity existed.
pub fn restoring<F: Fold, B: DeserializeOwned>(
    events: &[StoredEvent],
    body: &RevertBody,
    fields: &[&str],
) -> Result<(u32, B), ApiError> {
    let current = events.last().map_or(0, |e| e.sequence);
    let version = body.version.get();
    if !(1..current).contains(&version) {
        return Err(ApiError::invalid(
            "version",
            format!("must be an earlier version: 1 to {}", current - 1),
        ));
    }
    let before: Vec<StoredEvent> = events.iter().take_while(|e| e.sequence <= version).cloned().collect();
    let row = F::replay(&before)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::invalid("version", "it did not exist at that version"))?;
    let Value::Object(all) = serde_json::to_value(&row).map_err(ApiError::internal)? else {
        return Err(ApiError::internal(std::io::Error::other(
            "a row that is not a JSON object",
        )));
    };
    let picked: Map<String, Value> = fields
        .iter()
        .filter_map(|f| all.get(*f).map(|v| ((*f).to_string(), v.clone())))
        .collect();
    let patch = serde_json::from_value(Value::Object(picked)).map_err(ApiError::internal)?;
    Ok((u32::try_from(version).unwrap_or(u32::MAX), patch))
}
