//! The `notes` read table (D1 shape), kept inline from the note's events, and its list.
//!
//! The events hold the markdown only; `content_html` is rendered and sanitised here, so a
//! replay (or a better sanitiser and a rebuild) makes it again.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::note::NoteEvent;

use crate::fold::Fold;
use crate::markdown::to_safe_html;
use crate::read_table;
use crate::search::FullText;
use crate::table::{Flag, JsonText, Listing, tag_pattern};

read_table! {
    /// A note as the `notes` table holds it and the API shows it.
    pub struct NoteRow in "notes" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        #[schema(format = Uuid)]
        pub folder_id: Option<String>,
        pub title: String,
        /// Markdown, as written.
        pub content: String,
        /// `content` rendered to HTML and sanitised: no script, event handler, style or
        /// link other than http, https and mailto.
        pub content_html: String,
        #[schema(value_type = Vec<String>)]
        pub tags: JsonText,
        #[schema(value_type = bool)]
        pub is_pinned: Flag,
        #[schema(value_type = bool)]
        pub is_archived: Flag,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// The notes' full-text index over title and content (a word in the title weighs more).
pub static NOTES_TEXT: FullText = FullText {
    table: "notes",
    fts5: "notes_fts",
    fts5_columns: "owner, title, content",
    fts5_values: "replace(user_id, '-', ''), title, content",
    weights: "0.0, 4.0, 1.0",
    tsvector: "search_vector",
};

/// How note events change `notes` rows.
pub struct Notes;

impl Fold for Notes {
    type Row = NoteRow;
    type Event = NoteEvent;
    const NAME: &'static str = "notes";
    const AGGREGATE: &'static str = "note";

    fn at(change: &NoteEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<NoteRow>, event: &StoredEvent, change: NoteEvent) {
        use NoteEvent::*;
        match change {
            NoteCreated {
                user_id,
                folder_id,
                title,
                content,
                tags,
                is_pinned,
                is_archived,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(NoteRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    folder_id: folder_id.map(|f| f.to_string()),
                    title,
                    content_html: to_safe_html(&content),
                    content,
                    tags: JsonText::of(&tags),
                    is_pinned: Flag(is_pinned),
                    is_archived: Flag(is_archived),
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            NoteImported {
                user_id,
                folder_id,
                title,
                content,
                tags,
                is_pinned,
                is_archived,
                created_at,
                at,
                ..
            } => {
                *row = Some(NoteRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    folder_id: folder_id.map(|f| f.to_string()),
                    title,
                    content_html: to_safe_html(&content),
                    content,
                    tags: JsonText::of(&tags),
                    is_pinned: Flag(is_pinned),
                    is_archived: Flag(is_archived),
                    version: event.sequence,
                    created_at: created_at.to_rfc3339(),
                    updated_at: at.to_rfc3339(),
                });
            }
            NoteDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    NoteTitleChanged { to, .. } => row.title = to,
                    NoteContentChanged { to, .. } => {
                        row.content_html = to_safe_html(&to);
                        row.content = to;
                    }
                    NoteFolderChanged { to, .. } => row.folder_id = to.map(|f| f.to_string()),
                    NoteTagsChanged { to, .. } => row.tags = JsonText::of(&to),
                    NotePinChanged { to, .. } => row.is_pinned = Flag(to),
                    NoteArchiveChanged { to, .. } => row.is_archived = Flag(to),
                    NoteReverted { .. } | NoteCreated { .. } | NoteImported { .. } | NoteDeleted { .. } => {}
                }
            }
        }
    }
}

/// Filters of `GET /notes`; every one is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct NoteFilter {
    pub folder_id: Option<String>,
    /// A tag, matched exactly.
    pub tag: Option<String>,
    /// Words that must all occur in the title or content; best match first.
    pub q: Option<String>,
    pub pinned: Option<bool>,
    pub archived: Option<bool>,
}

/// One page of the caller's notes (newest first, or best match first with `q`), as a JSON
/// array, and how many match in all.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &NoteFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let tag = filter.tag.as_deref().map(tag_pattern);
    let mut page = Listing::<NoteRow>::owned_by(user);
    page.and_some("folder_id = ?", filter.folder_id.as_ref().map(Arg::from))
        .and_some("tags like ? escape '\\'", tag.as_ref().map(Arg::from))
        .and_some("is_pinned = ?", filter.pinned.map(Arg::from))
        .and_some("is_archived = ?", filter.archived.map(Arg::from));
    if let Some(q) = &filter.q {
        page.search(&NOTES_TEXT, q);
    }
    page.page_json(db, limit, offset).await
}
