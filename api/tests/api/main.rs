//! Joan's integration tests: the CLI, crash safety and replay, (and the HTTP API).
mod app;
mod auth;
mod conventions;
mod crash;
mod kanban;
mod replay;
mod support;
mod tasks;
