//! One module per resource, each exposing `router()`.
pub mod auth;
pub mod clients;
pub mod kanban;
pub mod onboarding;
pub mod settings;
pub mod tasks;
pub mod users;
