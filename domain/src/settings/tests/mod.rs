//! Given/when/then tests for the Settings aggregate and its values.
use cqrs_es::test::TestFramework;
use cqrs_es::{Aggregate, DomainEvent};
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod change;
mod values;

type SettingsTester = TestFramework<Settings>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn change(changes: SettingsChanges) -> Stamped<SettingsCommand> {
    Stamped::new(OWNER, t1(), SettingsCommand::Change(changes))
}

fn created() -> SettingsEvent {
    SettingsEvent::SettingsCreated {
        settings_id: SettingsId::of(OWNER),
        user_id: OWNER,
        theme: Theme::System,
        notifications_enabled: true,
        default_work_duration: 25,
        default_break_duration: 5,
        local_llm_enabled: false,
        timezone: "UTC".into(),
        at: t0(),
    }
}

fn sealed(n: u8) -> SealedKey {
    SealedKey {
        key_id: "k1".into(),
        ciphertext: format!("c{n}"),
        mask: "sk-...abcd".into(),
    }
}
