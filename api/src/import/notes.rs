//! Legacy `notes` rows: a `NoteImported` each, in its owner's folder when that folder is in
//! Joan (else at the top, reported). The old `content_html` is not read: Joan renders and
//! sanitises the markdown itself.
use joan_domain::NoteId;
use joan_domain::note::{Content, NoteEvent};
use joan_domain::text::Title;

use super::known::Known;
use super::rules::{self, References, parsed};
use super::single::{Checked, ID_TWICE, Table};
use super::source::Record;

pub const TABLE: Table = Table {
    name: "notes",
    aggregate_type: "note",
    twice: ID_TWICE,
};

pub fn check(record: &Record, known: &Known) -> Result<Checked<NoteEvent>, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let title = parsed("title", Title::parse(record.required("title")?))?;
    let content = parsed("content", Content::parse(record.text("content")?.unwrap_or_default()))?;
    let tags = rules::tags(record, "tags")?;
    let mut references = References::new(record, TABLE.name, Some(owner));
    let folder_id = references.keep("folder_id", "folders", known)?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        created_at,
        event: NoteEvent::NoteImported {
            note_id: NoteId::from(id),
            user_id: owner,
            folder_id: folder_id.map(Into::into),
            title: title.into(),
            content: content.into(),
            tags,
            is_pinned: record.flag("is_pinned", false)?,
            is_archived: record.flag("is_archived", false)?,
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: references.dropped,
    })
}
