//! AI providers: the wire formats, retries, breakers and guard against a fake server; the
//! provider registry, `/ai/query` and `/ai/metrics` over HTTP.
pub mod fake_llm;
mod providers;
mod query;
pub mod registry;
