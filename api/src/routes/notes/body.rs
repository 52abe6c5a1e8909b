//! Request bodies of the note routes and their parsing into domain values.
use joan_domain::note::{Content, NewNote, NoteChanges};
use joan_domain::text::{Tags, Title};
use joan_domain::{FolderId, NoteId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, present};
use crate::routes::tasks::body::schemas::{tags, tags_or_null, title};

/// `POST /notes`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNote {
    /// 1 to 500 characters after trimming.
    #[schema(schema_with = title)]
    pub title: String,
    /// Markdown, up to 200,000 characters (default empty).
    #[schema(schema_with = schemas::content_or_null)]
    pub content: Option<String>,
    /// One of the caller's folders (else 422); absent or null: in no folder.
    pub folder_id: Option<Uuid>,
    /// Up to 50 tags of 1 to 50 characters; repeats are dropped.
    #[schema(schema_with = tags_or_null)]
    pub tags: Option<Vec<String>>,
    #[schema(value_type = Option<bool>)]
    pub is_pinned: Option<bool>,
    #[schema(value_type = Option<bool>)]
    pub is_archived: Option<bool>,
}

/// `PATCH /notes/{id}`: absent fields stay; `null` clears `folder_id`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchNote {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = title)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::content)]
    pub content: Option<Option<String>>,
    /// One of the caller's folders (else 422); null: in no folder.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub folder_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = tags)]
    pub tags: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub is_pinned: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub is_archived: Option<Option<bool>>,
}

impl CreateNote {
    /// The new note, or every field error. The folder's ownership is the caller's to check.
    pub fn parse(&self, id: NoteId) -> Result<NewNote, Vec<FieldError>> {
        let mut f = Fields::default();
        let title = f.check("title", Title::parse(&self.title));
        let content = f.opt("content", self.content.as_deref(), Content::parse);
        let tags = f.opt("tags", self.tags.as_deref(), Tags::parse);
        let note = NewNote {
            id,
            folder_id: self.folder_id.map(FolderId),
            title: title.unwrap_or_default(),
            content: content.unwrap_or_default(),
            tags: tags.unwrap_or_default(),
            is_pinned: self.is_pinned.unwrap_or(false),
            is_archived: self.is_archived.unwrap_or(false),
        };
        f.finish(note)
    }
}

impl PatchNote {
    pub fn parse(&self) -> Result<NoteChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let flag = |v: bool| Ok::<_, String>(v);
        let changes = NoteChanges {
            folder_id: self.folder_id.map(|id| id.map(FolderId)),
            title: f.required("title", self.title.clone(), |t| Title::parse(&t)),
            content: f.required("content", self.content.clone(), |c| Content::parse(&c)),
            tags: f.required("tags", self.tags.clone(), |t| Tags::parse(&t)),
            is_pinned: f.required("is_pinned", self.is_pinned, flag),
            is_archived: f.required("is_archived", self.is_archived, flag),
        };
        f.finish(changes)
    }
}

/// The schemas of the note fields: the rules of `joan_domain::note`.
mod schemas {
    use joan_domain::note::Content;
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{long_text, nullable};

    pub fn content() -> Object {
        long_text(Content::MAX_CHARS).build()
    }

    pub fn content_or_null() -> Object {
        nullable(long_text(Content::MAX_CHARS))
    }
}
