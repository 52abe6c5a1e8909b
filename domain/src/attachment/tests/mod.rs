//! Given/when/then tests for the Attachment aggregate and its values; this module holds the
//! fixtures they share.
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::text::ValueError;

mod lifecycle;
mod values;

type AttachmentTester = TestFramework<Attachment>;

const OWNER: UserId = UserId(Uuid::from_u128(0x0001));
const STRANGER: UserId = UserId(Uuid::from_u128(0x0002));
const ATTACHMENT_ID: AttachmentId = AttachmentId(Uuid::from_u128(0xa77a));
const NOTE_ID: Uuid = Uuid::from_u128(0x2073);

fn t0() -> Timestamp {
    Timestamp::parse("2026-01-01T09:00:00Z").unwrap()
}

fn t1() -> Timestamp {
    Timestamp::parse("2026-01-02T10:30:00.123456Z").unwrap()
}

fn as_owner(command: AttachmentCommand) -> Stamped<AttachmentCommand> {
    Stamped::new(OWNER, t1(), command)
}

fn as_stranger(command: AttachmentCommand) -> Stamped<AttachmentCommand> {
    Stamped::new(STRANGER, t1(), command)
}

fn new_attachment() -> NewAttachment {
    NewAttachment {
        id: ATTACHMENT_ID,
        filename: Filename::sanitise("../../etc/report.pdf"),
        mime_type: "application/pdf".into(),
        size: 1234,
        sha256: "ab".repeat(32),
        storage_key: format!("attachments/{OWNER}/{ATTACHMENT_ID}"),
        entity_type: EntityKind::Note,
        entity_id: NOTE_ID,
    }
}

fn uploaded() -> AttachmentEvent {
    uploaded_at(t0())
}

/// The fixture's upload, recorded at `at`.
fn uploaded_at(at: Timestamp) -> AttachmentEvent {
    AttachmentEvent::AttachmentUploaded {
        attachment_id: ATTACHMENT_ID,
        user_id: OWNER,
        filename: "report.pdf".into(),
        mime_type: "application/pdf".into(),
        size: 1234,
        sha256: "ab".repeat(32),
        storage_key: format!("attachments/{OWNER}/{ATTACHMENT_ID}"),
        entity_type: EntityKind::Note,
        entity_id: NOTE_ID,
        at,
    }
}

fn deleted() -> AttachmentEvent {
    AttachmentEvent::AttachmentDeleted { at: t0() }
}
