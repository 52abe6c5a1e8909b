//! The board's value types: name, columns and settings.
use super::*;

#[test]
fn a_board_name_is_trimmed_and_holds_1_to_200_characters() {
    assert_eq!(String::from(BoardName::parse("  Sprint ").unwrap()), "Sprint");
    assert_eq!(BoardName::parse(" \t "), Err(ValueError::Empty));
    assert!(BoardName::parse(&"é".repeat(200)).is_ok());
    assert_eq!(BoardName::parse(&"a".repeat(201)), Err(ValueError::TooLong(200)));
}

#[test]
fn a_column_needs_an_id_of_1_to_64_and_a_name_of_1_to_100_characters() {
    let ok = Column::parse(" doing ", " Doing ", Some(TaskStatus::InProgress)).unwrap();
    assert_eq!((ok.id(), ok.name()), ("doing", "Doing"));
    assert_eq!(Column::parse("", "x", None), Err(("id", ValueError::Empty)));
    assert_eq!(
        Column::parse(&"i".repeat(65), "x", None),
        Err(("id", ValueError::TooLong(64)))
    );
    assert_eq!(Column::parse("x", " ", None), Err(("name", ValueError::Empty)));
    assert!(Column::parse("x", &"n".repeat(100), None).is_ok());
    assert_eq!(
        Column::parse("x", &"n".repeat(101), None),
        Err(("name", ValueError::TooLong(100)))
    );
}

#[test]
fn a_board_has_1_to_50_columns() {
    let many = |n: usize| (0..n).map(|i| column(&format!("c{i}"), "C", None)).collect::<Vec<_>>();
    assert_eq!(Columns::parse(vec![]), Err(BoardValueError::ColumnCount(50)));
    assert!(Columns::parse(many(1)).is_ok());
    assert!(Columns::parse(many(50)).is_ok());
    assert_eq!(Columns::parse(many(51)), Err(BoardValueError::ColumnCount(50)));
}

#[test]
fn column_ids_are_unique_within_a_board() {
    let columns = vec![
        column("a", "A", None),
        column("b", "B", None),
        column("a", "Again", None),
    ];
    assert_eq!(Columns::parse(columns), Err(BoardValueError::DuplicateColumnId(2)));
}

#[test]
fn settings_are_a_json_object_of_at_most_10_000_characters() {
    assert_eq!(BoardSettings::parse(json!([1])), Err(ValueError::NotAnObject));
    assert_eq!(BoardSettings::parse(json!(null)), Err(ValueError::NotAnObject));
    assert!(BoardSettings::parse(json!({"k": "v".repeat(9_000)})).is_ok());
    assert_eq!(
        BoardSettings::parse(json!({"k": "v".repeat(10_000)})),
        Err(ValueError::TooLong(10_000))
    );
}
