//! Joan's integration tests: the CLI, crash safety and replay, (and the HTTP API).
use joan_commands::testkit as backend;

mod accounts;
mod activities;
mod app;
mod attachments;
mod auth;
mod clients;
mod concurrency;
mod conformance;
mod conventions;
mod crash;
mod data_dir;
mod folders;
mod goals;
mod hardening;
mod kanban;
mod notes;
mod pomodoro;
mod postgres;
mod projects;
mod replay;
mod schedules;
mod sessions;
mod settings;
mod support;
mod tasks;
mod workflows;
