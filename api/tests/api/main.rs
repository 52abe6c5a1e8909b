//! Joan's integration tests: the CLI, crash safety and replay, (and the HTTP API).
mod app;
mod auth;
#[path = "../../../commands/tests/common/backend.rs"]
mod backend;
mod conventions;
mod crash;
mod kanban;
mod postgres;
mod replay;
mod support;
mod tasks;
