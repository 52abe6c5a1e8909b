//! Text rules every entity shares: the refusals a value can get, short one-line text (titles,
//! names, tags) and long free text (descriptions, notes), and the values built on them that
//! several entities use (`Title`, `Tags`, `Description`).
//!
//! Control characters are refused (long text keeps newlines and tabs), and invisible
//! characters at either end are trimmed like spaces, so a title of zero-width spaces only is
//! empty rather than a title nobody can see.

/// Why a raw value was refused; the API shows it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters (U+{0:04X})")]
    ControlCharacter(u32),
    #[error("must be one of: {0}")]
    NotOneOf(&'static str),
    #[error("must be between {0} and {1}")]
    OutOfRange(i64, i64),
    #[error("must be a date (YYYY-MM-DD) or an RFC 3339 timestamp")]
    NotADate,
    #[error("must have at most {0} entries")]
    TooMany(usize),
    #[error("must be an email address like name@example.com")]
    NotAnEmail,
    #[error("must not contain invisible characters (U+{0:04X})")]
    InvisibleCharacter(u32),
    #[error("must not contain U+{0:04X}: only letters, digits and the usual punctuation")]
    DisallowedCharacter(u32),
    #[error("must be a phone number: digits, spaces and + ( ) - . /, at least one digit")]
    NotAPhone,
    #[error("must be an IANA time-zone name like Europe/Paris or UTC")]
    NotATimezone,
    #[error(
        "must be an http:// or https:// URL: a host of letters, digits, dots and hyphens, an optional port, a path of visible ASCII"
    )]
    NotAnHttpUrl,
    #[error("must be a JSON object")]
    NotAnObject,
    #[error("must not nest arrays and objects deeper than {0} levels")]
    TooDeep(usize),
    #[error("must be a colour written #rrggbb")]
    NotAColor,
    #[error("must not mix scripts (like a Cyrillic letter among Latin ones) in one part")]
    MixedScripts,
    #[error("must be a date (YYYY-MM-DD)")]
    NotADay,
    #[error("must be a time of day written HH:MM (00:00 to 23:59, or 24:00 for an end)")]
    NotAClockTime,
    #[error("must be an amount as a string: digits, then at most 4 decimals (\"1250.50\")")]
    NotMoney,
    #[error("must be a file name: no / \\ or \", not only dots")]
    NotAFilename,
}

/// Characters that take no room on screen: trimmed at the ends like white space.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

/// One line of text: trimmed of white space and invisible characters, 1 to `max` characters,
/// no control character at all.
pub fn short_text(raw: &str, max: usize) -> Result<String, ValueError> {
    let trimmed = raw.trim_matches(is_invisible);
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(ValueError::ControlCharacter(c.into()));
    }
    if trimmed.is_empty() {
        return Err(ValueError::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(ValueError::TooLong(max));
    }
    Ok(trimmed.to_string())
}

/// Free text kept as written, at most `max` characters; of the control characters only
/// newline, carriage return and tab are allowed.
pub fn long_text(raw: &str, max: usize) -> Result<String, ValueError> {
    if let Some(c) = raw.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ValueError::ControlCharacter(c.into()));
    }
    if raw.chars().count() > max {
        return Err(ValueError::TooLong(max));
    }
    Ok(raw.to_string())
}

/// Free text, at most 100,000 characters: the description of a task, a board, a goal...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub const MAX_CHARS: usize = 100_000;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<Description> for String {
    fn from(d: Description) -> String {
        d.0
    }
}

/// A title (of a task, a note): 1 to 500 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<Title> for String {
    fn from(t: Title) -> String {
        t.0
    }
}

/// Up to 50 distinct tags of 1 to 50 characters each, trimmed, first occurrence kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX_TAGS: usize = 50;
    pub const MAX_CHARS: usize = 50;

    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, ValueError> {
        if raw.len() > Self::MAX_TAGS {
            return Err(ValueError::TooMany(Self::MAX_TAGS));
        }
        let mut tags: Vec<String> = Vec::with_capacity(raw.len());
        for tag in raw {
            let tag = short_text(tag.as_ref(), Self::MAX_CHARS)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        Ok(Self(tags))
    }
}

impl From<Tags> for Vec<String> {
    fn from(t: Tags) -> Vec<String> {
        t.0
    }
}

/// Words to search for (`?q=`): at most 500 characters, no control character but tabs and
/// line breaks (a NUL byte cannot even reach PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Self::MAX_CHARS).map(Self)
    }

    /// A tag to filter by (`?tag=`): any text a tag may hold, or it matches nothing.
    pub fn tag(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Tags::MAX_CHARS).map(Self)
    }
}

impl From<SearchText> for String {
    fn from(s: SearchText) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_trims_invisible_ends_and_keeps_inner_joiners() {
        assert_eq!(short_text(" \u{200B}Plan\u{FEFF} ", 10), Ok("Plan".into()));
        assert_eq!(short_text("👩\u{200D}💻", 10), Ok("👩\u{200D}💻".into()));
        assert_eq!(short_text("\u{200B}\u{200B}\u{2060}", 10), Err(ValueError::Empty));
    }

    #[test]
    fn control_characters_are_refused_and_long_text_keeps_line_breaks_and_tabs() {
        assert_eq!(short_text("a\u{0}b", 10), Err(ValueError::ControlCharacter(0)));
        assert_eq!(short_text("a\nb", 10), Err(ValueError::ControlCharacter(10)));
        assert_eq!(short_text("a\u{7F}", 10), Err(ValueError::ControlCharacter(0x7F)));
        assert_eq!(long_text("a\r\n\tb", 10), Ok("a\r\n\tb".into()));
        assert_eq!(long_text("a\u{1B}[31m", 10), Err(ValueError::ControlCharacter(0x1B)));
        assert_eq!(long_text("abc", 2), Err(ValueError::TooLong(2)));
    }

    #[test]
    fn search_text_refuses_nul_and_excess() {
        assert!(SearchText::parse("NEAR( \"x\" *").is_ok());
        assert_eq!(SearchText::parse("a\u{0}"), Err(ValueError::ControlCharacter(0)));
        assert_eq!(SearchText::tag(&"x".repeat(51)), Err(ValueError::TooLong(50)));
    }
}
