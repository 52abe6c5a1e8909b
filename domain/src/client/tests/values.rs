//! Client values: names, phones and statuses.
use super::*;

#[test]
fn phones_take_digits_spaces_and_common_punctuation_with_at_least_one_digit() {
    for ok in ["+1 555 0100", "(020) 7946-0958", "030/123.45"] {
        assert_eq!(Phone::parse(ok).map(String::from), Ok(ok.to_string()));
    }
    assert_eq!(Phone::parse(" 112 ").map(String::from), Ok("112".into()));
    assert_eq!(
        Phone::parse("\u{200B}112"),
        Err(ValueError::DisallowedCharacter(0x200B))
    );
    assert_eq!(
        Phone::parse("call me"),
        Err(ValueError::DisallowedCharacter('c'.into()))
    );
    assert_eq!(Phone::parse("+()-"), Err(ValueError::NotAPhone));
    assert_eq!(Phone::parse(""), Err(ValueError::Empty));
    assert_eq!(Phone::parse(&"1".repeat(33)), Err(ValueError::TooLong(32)));
}

#[test]
fn statuses_are_three_words_and_active_by_default() {
    assert_eq!(ClientStatus::default(), ClientStatus::Active);
    assert_eq!(ClientStatus::parse("archived"), Ok(ClientStatus::Archived));
    assert_eq!(
        ClientStatus::parse("gone"),
        Err(ValueError::NotOneOf("active, inactive, archived"))
    );
    assert_eq!(serde_json::to_value(ClientStatus::Inactive).unwrap(), json!("inactive"));
}

#[test]
fn names_and_companies_are_short_text() {
    assert_eq!(String::from(ClientName::parse(" Acme ").unwrap()), "Acme");
    assert_eq!(ClientName::parse(""), Err(ValueError::Empty));
    assert_eq!(Company::parse(&"x".repeat(201)), Err(ValueError::TooLong(200)));
}
