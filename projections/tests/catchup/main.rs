//! Catch-up projectors on both backends; on PostgreSQL: late commits, several nodes.
#[path = "../../../commands/tests/common/backend.rs"]
mod backend;

mod late_commit;
mod nodes;
mod support;
mod tail;
