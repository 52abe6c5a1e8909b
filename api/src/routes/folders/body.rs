//! Request bodies of the folder routes and their parsing into domain values.
use joan_domain::FolderId;
use joan_domain::folder::{Color, FolderChanges, FolderName, Icon, NewFolder, Position};
use joan_domain::text::Description;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};

/// `POST /folders`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolder {
    /// 1 to 200 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub name: String,
    /// One of the caller's folders (else 422); absent or null: the top of the tree.
    pub parent_id: Option<Uuid>,
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<String>,
    /// `#rrggbb`.
    #[schema(schema_with = schemas::color)]
    pub color: Option<String>,
    /// A short name or an emoji, 1 to 50 characters.
    #[schema(schema_with = schemas::icon)]
    pub icon: Option<String>,
    /// Its place among its siblings, 0 (default) to 1,000,000.
    #[schema(schema_with = schemas::position_or_null)]
    pub position: Option<Whole>,
}

/// `PATCH /folders/{id}`: absent fields stay; `null` clears a nullable field (`parent_id`:
/// to the top of the tree).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchFolder {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub name: Option<Option<String>>,
    /// One of the caller's folders, not this one nor one below it (else 422).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::routes::tasks::body::schemas::description)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::color)]
    pub color: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::icon)]
    pub icon: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::position)]
    pub position: Option<Option<Whole>>,
}

impl CreateFolder {
    /// The new folder, or every field error. The parent's ownership is the caller's to check.
    pub fn parse(&self, id: FolderId) -> Result<NewFolder, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.check("name", FolderName::parse(&self.name));
        let description = f.opt("description", self.description.as_deref(), Description::parse);
        let color = f.opt("color", self.color.as_deref(), Color::parse);
        let icon = f.opt("icon", self.icon.as_deref(), Icon::parse);
        let position = f.opt("position", self.position.map(Whole::get), Position::parse);
        let folder = NewFolder {
            id,
            parent_id: self.parent_id.map(FolderId),
            name: name.unwrap_or_default(),
            description,
            color,
            icon,
            position: position.unwrap_or_default(),
        };
        f.finish(folder)
    }
}

impl PatchFolder {
    /// The changes but the parent (which needs the tree: see `Parent`), or every field error.
    pub fn parse(&self) -> Result<FolderChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = FolderChanges {
            parent: None,
            name: f.required("name", self.name.clone(), |n| FolderName::parse(&n)),
            description: f.nullable("description", self.description.clone(), |d| Description::parse(&d)),
            color: f.nullable("color", self.color.clone(), |c| Color::parse(&c)),
            icon: f.nullable("icon", self.icon.clone(), |i| Icon::parse(&i)),
            position: f.required("position", Whole::patch(self.position), Position::parse),
        };
        f.finish(changes)
    }
}

/// The schemas of the folder fields: the rules of `joan_domain::folder`.
mod schemas {
    use joan_domain::folder::{Color, FolderName, Icon, Position};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, nullable, pattern, short_text};

    pub fn name() -> Object {
        short_text(FolderName::MAX_CHARS).build()
    }

    pub fn color() -> Object {
        nullable(pattern(Color::PATTERN, 7))
    }

    pub fn icon() -> Object {
        nullable(short_text(Icon::MAX_CHARS))
    }

    pub fn position() -> Object {
        integer(0, Position::MAX).build()
    }

    pub fn position_or_null() -> Object {
        nullable(integer(0, Position::MAX))
    }
}
