//! Catch-up projectors on both backends; on PostgreSQL: late commits, several nodes.
use joan_commands::testkit as backend;

mod late_commit;
mod nodes;
mod support;
mod tail;
