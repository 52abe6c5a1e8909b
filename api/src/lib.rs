//! Joan outer layer.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod core;
pub mod error;
