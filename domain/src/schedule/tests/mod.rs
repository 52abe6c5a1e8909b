//! Given/when/then tests for the daily schedule and its blocks; this module holds the fixtures
//! they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::values::ClockTime;

mod blocks;
mod days;

type ScheduleTester = TestFramework<Schedule>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const DATE: &str = "2026-03-02";

fn t0() -> Timestamp {
    Timestamp::parse("2026-03-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-03-01T10:30:00.123456Z").unwrap()
}

fn as_owner(command: ScheduleCommand) -> Stamped<ScheduleCommand> {
    Stamped::new(OWNER, t1(), command)
}

/// A block from `HH:MM` to `HH:MM`.
fn block(start: &str, end: &str, title: &str) -> Block {
    Block {
        start: ClockTime::parse(start).unwrap(),
        end: ClockTime::parse_end(end).unwrap(),
        title: title.into(),
        kind: "focus".into(),
        task_id: None,
    }
}

fn morning() -> Vec<Block> {
    vec![block("09:00", "10:00", "Plan"), block("10:00", "12:00", "Write")]
}

fn set(blocks: Vec<Block>, replace: bool) -> ScheduleCommand {
    ScheduleCommand::Set {
        date: Day::parse(DATE).unwrap(),
        blocks: Blocks::new(blocks).unwrap(),
        template: None,
        replace,
    }
}

fn created() -> ScheduleEvent {
    ScheduleEvent::ScheduleCreated {
        schedule_id: ScheduleId::of(OWNER, DATE),
        user_id: OWNER,
        date: DATE.into(),
        blocks: morning(),
        template_id: None,
        at: t0(),
    }
}

/// The fields a list of blocks is refused on.
fn refused(blocks: Vec<Block>) -> Vec<String> {
    Blocks::new(blocks)
        .unwrap_err()
        .0
        .into_iter()
        .map(|p| p.field)
        .collect()
}
