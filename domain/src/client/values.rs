//! Parsed client values: once built, always valid.
use crate::text::{ValueError, short_text};

/// A client's name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientName(String);

impl ClientName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<ClientName> for String {
    fn from(n: ClientName) -> String {
        n.0
    }
}

/// The client's company: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company(String);

impl Company {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<Company> for String {
    fn from(c: Company) -> String {
        c.0
    }
}

/// A phone number as people write it: 1 to 32 characters of digits, spaces and `+ ( ) - . /`,
/// at least one of them a digit; kept without spaces at the ends. Not checked against any
/// numbering plan. The length counts the text as sent, so the rule is exactly its pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX_CHARS: usize = 32;
    /// The characters a phone number may hold besides digits.
    pub const PUNCTUATION: &'static str = "+()./ -";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.is_empty() {
            return Err(ValueError::Empty);
        }
        let allowed = |c: char| c.is_ascii_digit() || Self::PUNCTUATION.contains(c);
        if let Some(c) = raw.chars().find(|c| !allowed(*c)) {
            return Err(ValueError::DisallowedCharacter(c.into()));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong(Self::MAX_CHARS));
        }
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            return Err(ValueError::NotAPhone);
        }
        Ok(Self(raw.trim_matches(' ').to_string()))
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

crate::word_enum! {
    /// Where a client stands: `active` (the default), `inactive` (no work now), `archived`
    /// (kept for the record, hidden from everyday lists by the client that asks for them).
    #[derive(Default)]
    pub enum ClientStatus {
        #[default]
        Active = "active",
        Inactive = "inactive",
        Archived = "archived",
    }
}
