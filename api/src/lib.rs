//! Joan's outer layer: configuration, the command line, authentication and the HTTP API.
#![forbid(unsafe_code)]

pub mod ai;
pub mod auth;
pub mod cli;
pub mod config;
pub mod core;
pub mod crypto;
pub mod data_dir;
pub mod error;
pub mod export;
pub mod http;
pub mod import;
pub mod live;
pub mod routes;
pub mod tls;
pub mod uploads;
pub mod workload;
