//! One module per resource, each exposing `router()`.
pub mod auth;
pub mod goals;
pub mod kanban;
pub mod projects;
pub mod tasks;
pub mod users;
