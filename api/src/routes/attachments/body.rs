//! The bodies and queries of the attachment routes, with the schemas that state their rules.
use joan_domain::attachment::Filename;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::FieldError;
use crate::http::fields::Fields;

/// `POST /attachments/upload`, as multipart/form-data parts; no other part is allowed. Read
/// part by part by the handler: this type only describes the form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its part's file name is kept for display, sanitised (path, quotes and control
    /// characters removed, at most 255 characters); its type is sniffed from the bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the file hangs on: task, note, project or goal.
    #[schema(schema_with = schemas::entity_type)]
    pub entity_type: String,
    /// The id of that task, note, project or goal.
    #[schema(value_type = String, format = Uuid)]
    pub entity_id: String,
}

/// `PATCH /attachments/{id}`: the one thing that changes is the name.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAttachment {
    /// 1 to 255 characters; no `/`, `\` or `"`; not `.` or `..`.
    #[schema(schema_with = schemas::filename)]
    pub filename: Option<String>,
}

impl PatchAttachment {
    pub fn parse(&self) -> Result<Option<Filename>, Vec<FieldError>> {
        let mut f = Fields::default();
        let name = f.opt("filename", self.filename.as_deref(), Filename::parse);
        f.finish(name)
    }
}

/// `GET /attachments`: one entity's attachments (both fields), or without them the caller's.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    #[param(schema_with = schemas::entity_type)]
    pub entity_type: Option<String>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub entity_id: Option<String>,
}

pub(crate) mod schemas {
    use joan_domain::attachment::{EntityKind, Filename};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{CONTROL, INVISIBLE, one_of, pattern};

    pub fn entity_type() -> Object {
        one_of(EntityKind::WORDS).build()
    }

    /// One line without `/`, `\`, `"` or control characters, with something visible besides dots.
    pub fn filename() -> Object {
        let allowed = format!(r#"[^/\\"{CONTROL}]"#);
        let visible = format!(r#"[^/\\".{CONTROL}{INVISIBLE}]"#);
        pattern(&format!("^{allowed}*{visible}{allowed}*$"), Filename::MAX_CHARS)
            .min_length(Some(1))
            .build()
    }
}
