//! Email addresses as one account's sign-in name: one spelling per address, and none that
//! looks like another.
//!
//! Two addresses a person cannot tell apart must not be two accounts. So the text is put in
//! NFKC and lower-cased, the domain is written in its IDNA ASCII form (punycode), and an
//! address is refused when it holds a character that takes no room on screen (zero-width
//! spaces, joiners, format characters) or mixes scripts within its local part or its domain
//! (a Cyrillic `а` among Latin letters), by the rules of Unicode's UTS #39.
use unicode_normalization::UnicodeNormalization;
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::{GeneralSecurityProfile, MixedScript};

use crate::text::{ValueError, is_invisible};

/// An email address, normalised: `local@domain.tld`, lower-case NFKC, ASCII domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;
    /// The longest local part, in bytes (RFC 5321).
    const MAX_LOCAL_BYTES: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let email: String = raw.trim().nfkc().collect::<String>().to_lowercase();
        if email.is_empty() {
            return Err(ValueError::Empty);
        }
        if email.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong(Self::MAX_CHARS));
        }
        if let Some(refused) = email.chars().find_map(refusal) {
            return Err(refused);
        }
        let (local, domain) = email.split_once('@').ok_or(ValueError::NotAnEmail)?;
        let shaped = !local.is_empty()
            && local.len() <= Self::MAX_LOCAL_BYTES
            && !domain.contains('@')
            && email.chars().all(|c| !c.is_whitespace() && !c.is_control());
        if !shaped {
            return Err(ValueError::NotAnEmail);
        }
        let domain = ascii_domain(domain)?;
        if !local.is_single_script() {
            return Err(ValueError::MixedScripts);
        }
        let email = format!("{local}@{domain}");
        if email.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong(Self::MAX_CHARS));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// Why `c` may not be in an address, if it may not. ASCII is left to the shape rules but for
/// control characters; any other character must be one UTS #39 allows in identifiers, which
/// leaves out the invisible (default-ignorable) ones, symbols, and scripts out of use.
fn refusal(c: char) -> Option<ValueError> {
    if c.is_ascii() {
        return c.is_ascii_control().then_some(ValueError::ControlCharacter(c.into()));
    }
    if is_invisible(c) || c.identifier_type() == Some(IdentifierType::Default_Ignorable) {
        return Some(ValueError::InvisibleCharacter(c.into()));
    }
    (!c.identifier_allowed()).then_some(ValueError::DisallowedCharacter(c.into()))
}

/// The domain in IDNA ASCII form (`bücher.de` is `xn--bcher-kva.de`), with at least two labels,
/// each of letters, digits and inner hyphens. The Unicode it stands for, punycode decoded, must
/// be of one script, so an `xn--` label cannot smuggle in what plain text may not.
fn ascii_domain(domain: &str) -> Result<String, ValueError> {
    let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| ValueError::NotAnEmail)?;
    let labels_ok = ascii.contains('.') && ascii.split('.').all(|label| !label.is_empty());
    if !labels_ok {
        return Err(ValueError::NotAnEmail);
    }
    let (unicode, decoded) = idna::domain_to_unicode(&ascii);
    if decoded.is_err() {
        return Err(ValueError::NotAnEmail);
    }
    if let Some(refused) = unicode.chars().find_map(refusal) {
        return Err(refused);
    }
    if !unicode.as_str().is_single_script() {
        return Err(ValueError::MixedScripts);
    }
    Ok(ascii)
}
