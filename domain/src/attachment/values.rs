//! Parsed attachment values: once built, always valid.
use crate::text::{ValueError, is_invisible, short_text};

/// The name an attachment is shown and downloaded under: 1 to 255 characters, one path
/// component (no `/` or `\`, not only dots), no control character and no `"`. Only ever a
/// label: objects are stored under keys the server makes, never under this name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filename(String);

impl Filename {
    pub const MAX_CHARS: usize = 255;
    /// The name an upload gets when nothing of its own survives sanitising.
    pub const FALLBACK: &'static str = "attachment";
    /// The longest extension kept when a long name is shortened.
    const MAX_EXTENSION: usize = 16;

    /// A name as a rename gives it: refused unless it already keeps the rules.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let name = short_text(raw, Self::MAX_CHARS)?;
        if name.chars().all(|c| c == '.') || name.contains(['/', '\\', '"']) {
            return Err(ValueError::NotAFilename);
        }
        Ok(Self(name))
    }

    /// The name a client sent with an upload, made to keep the rules: its last path component,
    /// without control characters and quotes, shortened to the limit with its extension kept.
    pub fn sanitise(raw: &str) -> Self {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').collect();
        let trimmed = cleaned.trim_matches(is_invisible);
        if trimmed.chars().all(|c| c == '.') {
            return Self(Self::FALLBACK.to_string());
        }
        Self(shorten(trimmed, Self::MAX_CHARS, Self::MAX_EXTENSION))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Filename> for String {
    fn from(f: Filename) -> String {
        f.0
    }
}

/// `name` cut to `max` characters, keeping an extension of at most `max_extension`.
fn shorten(name: &str, max: usize, max_extension: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let extension = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.chars().count() <= max_extension)
        .unwrap_or("");
    let stem_chars = max - extension.chars().count();
    let stem: String = name.chars().take(stem_chars).collect();
    format!("{}{extension}", stem.trim_end_matches(is_invisible))
}

crate::word_enum! {
    /// What an attachment hangs on.
    pub enum EntityKind {
        Task = "task",
        Note = "note",
        Project = "project",
        Goal = "goal",
    }
}
