//! Joan's outer layer: configuration, the command line, and (soon) the HTTP API.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod core;
pub mod error;
