//! Event store tests against a real SQLite file.
mod append;
mod repository;
mod support;
