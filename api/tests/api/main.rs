//! Joan's integration tests: the CLI, crash safety and replay, (and the HTTP API).
mod crash;
mod replay;
mod support;
