//! Joan's domain: aggregates, their commands and events, and the value types that make
//! invalid states unrepresentable. No IO lives here.
#![forbid(unsafe_code)]

pub mod activity;
pub mod activity_goal;
pub mod ai_provider;
pub mod ai_request;
pub mod attachment;
pub mod board;
pub mod ceremony;
pub mod client;
pub mod command;
pub mod entity;
pub mod folder;
pub mod goal;
pub mod ids;
pub mod note;
pub mod pomodoro;
pub mod project;
pub mod prompt;
pub mod schedule;
pub mod schedule_template;
pub mod settings;
pub mod task;
pub mod text;
pub mod user;
pub mod values;
pub mod workflow_execution;
pub mod workflow_template;

pub use command::Stamped;
pub use entity::{Entity, EntityError, Lifecycle, Refusal, Refuse};
pub use ids::*;
pub use values::Timestamp;
