//! Joan's read side: the projector engine (inline, catch-up, rebuild) and every read table
//! with the queries the API reads.
#![forbid(unsafe_code)]

pub mod activities;
pub mod activity_goals;
pub mod ai_providers;
pub mod ai_requests;
pub mod analytics;
pub mod attachments;
pub mod boards;
pub mod catchup;
pub mod ceremony_sessions;
pub mod ceremony_templates;
pub mod checkpoint;
pub mod clients;
pub mod error;
pub mod fold;
pub mod folders;
pub mod goals;
pub mod inline;
pub mod kanban;
pub mod kanban_queries;
pub mod listing;
pub mod markdown;
pub mod notes;
pub mod pomodoro;
pub mod projector;
pub mod projects;
pub mod prompts;
pub mod rebuild;
pub mod registry;
pub mod schedules;
pub mod search;
pub mod settings;
pub mod table;
pub mod task_activities;
pub mod task_daily_stats;
pub mod task_queries;
pub mod tasks;
pub mod users;
pub mod workflow_steps;
pub mod workflows;

pub use catchup::CatchUp;
pub use error::ProjectionError;
pub use inline::InlineProjectors;
pub use projector::Projector;
pub use registry::Projections;
