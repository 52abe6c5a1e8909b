//! Joan's domain: aggregates, their commands and events, and the value types that make
//! invalid states unrepresentable. No IO lives here.
#![forbid(unsafe_code)]

pub mod board;
pub mod command;
pub mod task;
pub mod user;
pub mod values;

pub use command::Stamped;
pub use values::{Timestamp, UserId};
