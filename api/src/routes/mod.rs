//! One module per resource, each exposing `router()`.
pub mod activities;
pub mod attachments;
pub mod auth;
pub mod ceremonies;
pub mod clients;
pub mod folders;
pub mod goals;
pub mod kanban;
pub mod notes;
pub mod onboarding;
pub mod pomodoro;
pub mod projects;
pub mod prompts;
pub mod schedule;
pub mod settings;
pub mod tasks;
pub mod users;
