//! Joan's integration tests: the CLI, crash safety and replay, (and the HTTP API).
use joan_commands::testkit as backend;

mod accounts;
mod app;
mod auth;
mod concurrency;
mod conformance;
mod conventions;
mod crash;
mod data_dir;
mod folders;
mod hardening;
mod kanban;
mod notes;
mod postgres;
mod replay;
mod sessions;
mod support;
mod tasks;
