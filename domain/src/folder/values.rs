//! Parsed folder values: once built, always valid.
use crate::text::{ValueError, short_text};

/// A folder name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderName(String);

impl FolderName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<FolderName> for String {
    fn from(n: FolderName) -> String {
        n.0
    }
}

/// A colour, `#rrggbb`, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Color(String);

impl Color {
    /// The rule as a JSON Schema pattern (the API documents it).
    pub const PATTERN: &'static str = "^#[0-9A-Fa-f]{6}$";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        match raw.strip_prefix('#') {
            Some(hex) if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Self(raw.to_ascii_lowercase()))
            }
            _ => Err(ValueError::NotAColor),
        }
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.0
    }
}

/// An icon: a short name or an emoji, 1 to 50 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icon(String);

impl Icon {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<Icon> for String {
    fn from(i: Icon) -> String {
        i.0
    }
}

/// A folder's place among its siblings, 0 to 1,000,000 (smaller first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position(u32);

impl Position {
    pub const MAX: i64 = 1_000_000;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u32::try_from(raw)
            .ok()
            .filter(|p| i64::from(*p) <= Self::MAX)
            .map(Self)
            .ok_or(ValueError::OutOfRange(0, Self::MAX))
    }
}

impl From<Position> for u32 {
    fn from(p: Position) -> u32 {
        p.0
    }
}
