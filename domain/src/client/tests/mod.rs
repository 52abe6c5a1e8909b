//! Given/when/then tests for the Client aggregate and its values; this module holds the
//! fixtures they share.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod lifecycle;
mod values;

type ClientTester = TestFramework<Client>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const CLIENT_ID: ClientId = ClientId(Uuid::from_u128(0xc11e));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: ClientCommand) -> Stamped<ClientCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: ClientCommand) -> Stamped<ClientCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn created() -> ClientEvent {
    ClientEvent::ClientCreated {
        client_id: CLIENT_ID,
        user_id: OWNER,
        name: "Acme".into(),
        email: None,
        phone: None,
        company: None,
        status: ClientStatus::Active,
        at: t0(),
    }
}

fn deleted() -> ClientEvent {
    ClientEvent::ClientDeleted { at: t0() }
}
