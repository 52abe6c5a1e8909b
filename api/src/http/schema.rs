//! Request constraints as OpenAPI schemas, written once and named for the rule they describe,
//! so that a generated client (and schemathesis) sees exactly what the server accepts. Fields
//! use them through `#[schema(schema_with = ...)]`; each pattern mirrors a rule of
//! `joan_domain::text` and is tested against it below.
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};

/// Characters refused everywhere: C0 and C1 controls.
pub const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";
/// Characters trimmed at the ends of one-line text (white space and invisible characters).
pub const INVISIBLE: &str = r"\s\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF";

/// One line with at least one visible character and no control character.
pub fn short_text_pattern() -> String {
    format!("^[^{CONTROL}]*[^{CONTROL}{INVISIBLE}][^{CONTROL}]*$")
}

/// Free text: any character but the controls other than tab, newline and carriage return.
pub const LONG_TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

pub fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// `short_text(raw, max)` of the domain: 1 to `max` visible characters.
pub fn short_text(max: usize) -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(short_text_pattern()))
}

/// `long_text(raw, max)` of the domain.
pub fn long_text(max: usize) -> ObjectBuilder {
    string().max_length(Some(max)).pattern(Some(LONG_TEXT_PATTERN))
}

/// A phone number as `joan_domain::client::Phone` takes it: digits, spaces and `+ ( ) - . /`,
/// at least one digit.
pub const PHONE_PATTERN: &str = "^[0-9+()./ -]*[0-9][0-9+()./ -]*$";

/// A phone number of 1 to `max` characters.
pub fn phone(max: usize) -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(PHONE_PATTERN))
}

/// 1 to `max` visible ASCII characters (no spaces): tokens and API keys.
pub fn visible_ascii(max: usize) -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some("^[!-~]+$"))
}

/// Text matching `pattern`, at most `max` characters.
pub fn pattern(pattern: &str, max: usize) -> ObjectBuilder {
    string().max_length(Some(max)).pattern(Some(pattern))
}

/// `?q=`: words to search for (`SearchText` of the domain).
pub fn search_text() -> Object {
    long_text(joan_domain::text::SearchText::MAX_CHARS).build()
}

/// `?tag=`: a tag to filter by.
pub fn tag_filter() -> Object {
    long_text(joan_domain::text::Tags::MAX_CHARS).build()
}

/// One of fixed words.
pub fn one_of(words: &[&str]) -> ObjectBuilder {
    string().enum_values(Some(words.iter().copied()))
}

/// A whole number from `min` to `max`.
pub fn integer(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

/// A calendar date or an RFC 3339 timestamp.
pub fn date_or_time() -> Schema {
    OneOfBuilder::new()
        .item(date())
        .item(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
        .build()
        .into()
}

/// An RFC 3339 timestamp, or the empty string (`?as_of=` means now).
pub fn instant_or_empty() -> Schema {
    OneOfBuilder::new()
        .item(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
        .item(string().max_length(Some(0)))
        .build()
        .into()
}

/// Up to `max` items of `item`.
pub fn list(item: ObjectBuilder, max: usize) -> ArrayBuilder {
    ArrayBuilder::new().items(item).max_items(Some(max))
}

fn email_address() -> ObjectBuilder {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(254))
}

/// An email address of at most 254 characters.
pub fn email() -> Object {
    email_address().build()
}

/// An email address, or `null` (leave it alone).
pub fn email_or_null() -> Object {
    nullable(email_address())
}

/// A password: 8 to 128 characters.
pub fn password() -> Object {
    string().min_length(Some(8)).max_length(Some(128)).build()
}

/// A display name: 1 to 200 visible characters.
pub fn person_name() -> Object {
    short_text(200).build()
}

/// A display name, or `null` (leave it alone).
pub fn person_name_or_null() -> Object {
    nullable(short_text(200))
}

/// The same schema, also allowing `null`.
pub fn nullable(schema: ObjectBuilder) -> Object {
    let mut object = schema.build();
    if let SchemaType::Type(t) = object.schema_type {
        object.schema_type = SchemaType::from_iter([t, Type::Null]);
    }
    // An `enum` binds on its own: without `null` among its values, `null` would still be refused.
    if let Some(values) = object.enum_values.as_mut() {
        values.push(serde_json::Value::Null);
    }
    object
}

#[cfg(test)]
mod tests {
    use joan_domain::text::{long_text, short_text};
    use regex::Regex;

    use super::*;

    /// JSON Schema patterns are ECMA-262; `\uXXXX` escapes and classes read the same in Rust.
    fn rust(pattern: &str) -> Regex {
        let braced = Regex::new(r"\\u([0-9A-F]{4})").unwrap().replace_all(pattern, r"\x{$1}");
        Regex::new(&braced).unwrap()
    }

    const SAMPLES: &[&str] = &[
        "Plan",
        " Plan ",
        "",
        " ",
        "\u{200B}",
        "\u{200B}a",
        "a\u{0}",
        "a\nb",
        "a\tb",
        "a\r\nb",
        "\u{7F}",
        "\u{85}",
        "👩\u{200D}💻",
        "\u{FEFF}\u{2060}",
        "é",
        "\u{1B}[31m",
    ];

    #[test]
    fn the_short_text_pattern_accepts_what_the_domain_accepts() {
        let pattern = rust(&short_text_pattern());
        for sample in SAMPLES {
            assert_eq!(pattern.is_match(sample), short_text(sample, 100).is_ok(), "{sample:?}");
        }
    }

    #[test]
    fn the_phone_pattern_accepts_what_the_domain_accepts() {
        let pattern = rust(PHONE_PATTERN);
        let phones = [
            "+1 (555) 010-0",
            " 112 ",
            "\u{200B}112",
            "1\u{200B}2",
            "call 1",
            "+-",
            "030/12.3",
        ];
        for sample in SAMPLES.iter().chain(&phones) {
            let domain = joan_domain::client::Phone::parse(sample).is_ok();
            assert_eq!(pattern.is_match(sample), domain, "{sample:?}");
        }
    }

    #[test]
    fn the_long_text_pattern_accepts_what_the_domain_accepts() {
        let pattern = rust(LONG_TEXT_PATTERN);
        for sample in SAMPLES {
            assert_eq!(pattern.is_match(sample), long_text(sample, 100).is_ok(), "{sample:?}");
        }
    }
}
