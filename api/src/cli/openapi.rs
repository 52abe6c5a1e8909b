//! `joan openapi`: the OpenAPI document on standard output (the frontend generates its API
//! types from it), without opening a database.
use std::io::Write;

use crate::error::AppError;

pub fn run() -> Result<(), AppError> {
    let json = crate::http::openapi()
        .to_pretty_json()
        .map_err(|e| AppError::Config(format!("OpenAPI document: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}")?;
    Ok(())
}
