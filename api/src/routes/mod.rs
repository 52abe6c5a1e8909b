//! One module per resource, each exposing `router()`.
pub mod auth;
pub mod folders;
pub mod kanban;
pub mod notes;
pub mod tasks;
pub mod users;
