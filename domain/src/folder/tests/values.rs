//! Folder values: what each field accepts.
use super::*;

#[test]
fn colors_are_hash_and_six_hex_digits_kept_in_lower_case() {
    assert_eq!(String::from(Color::parse("#ABCDEF").unwrap()), "#abcdef");
    for bad in ["abcdef", "#abc", "#abcdeg", "#abcdef0", " #abcdef", "", "#ÀBCDE"] {
        assert_eq!(Color::parse(bad), Err(ValueError::NotAColor), "{bad:?}");
    }
}

#[test]
fn names_icons_and_positions_have_their_limits() {
    assert_eq!(FolderName::parse(" "), Err(ValueError::Empty));
    assert!(FolderName::parse(&"x".repeat(200)).is_ok());
    assert_eq!(FolderName::parse(&"x".repeat(201)), Err(ValueError::TooLong(200)));
    assert!(Icon::parse("📁").is_ok());
    assert_eq!(Icon::parse(&"x".repeat(51)), Err(ValueError::TooLong(50)));
    assert_eq!(Position::parse(-1), Err(ValueError::OutOfRange(0, 1_000_000)));
    assert_eq!(u32::from(Position::parse(1_000_000).unwrap()), 1_000_000);
}
