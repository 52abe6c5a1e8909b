//! The task's value types: title, description, status, priority, minutes, due date and tags.
use super::*;

// ---------------------------------------------------------------------------------------------
// Title
// ---------------------------------------------------------------------------------------------

#[test]
fn a_title_is_trimmed() {
    assert_eq!(String::from(Title::parse("  Buy milk \n\t").unwrap()), "Buy milk");
}

#[test]
fn an_empty_title_is_rejected() {
    assert_eq!(Title::parse(""), Err(ValueError::Empty));
}

#[test]
fn a_whitespace_only_title_is_rejected() {
    assert_eq!(Title::parse("   \t\n "), Err(ValueError::Empty));
}

#[test]
fn a_title_of_500_characters_is_accepted() {
    let raw = "a".repeat(500);
    assert_eq!(String::from(Title::parse(&raw).unwrap()), raw);
}

#[test]
fn a_title_of_501_characters_is_rejected() {
    assert_eq!(Title::parse(&"a".repeat(501)), Err(ValueError::TooLong(500)));
}

#[test]
fn a_title_is_measured_in_characters_not_bytes() {
    let raw = "é".repeat(500);
    assert_eq!(raw.len(), 1000);
    assert!(Title::parse(&raw).is_ok());
    assert_eq!(Title::parse(&"日".repeat(501)), Err(ValueError::TooLong(500)));
}

#[test]
fn surrounding_whitespace_does_not_count_towards_the_title_limit() {
    let raw = format!("  {}  ", "a".repeat(500));
    assert_eq!(String::from(Title::parse(&raw).unwrap()), "a".repeat(500));
}

// ---------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------

#[test]
fn a_description_is_kept_verbatim_up_to_100_000_characters() {
    assert_eq!(String::from(Description::parse("  keep me  ").unwrap()), "  keep me  ");
    assert_eq!(String::from(Description::parse("").unwrap()), "");
    assert!(Description::parse(&"é".repeat(100_000)).is_ok());
    assert_eq!(
        Description::parse(&"a".repeat(100_001)),
        Err(ValueError::TooLong(100_000))
    );
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

#[test]
fn every_status_parses_from_its_own_name() {
    for status in TaskStatus::ALL {
        assert_eq!(TaskStatus::parse(status.as_str()), Ok(status));
        assert_eq!(status.to_string(), status.as_str());
    }
}

#[test]
fn a_status_outside_the_closed_set_is_rejected() {
    for raw in [
        "",
        "done",
        "Pending",
        "PENDING",
        " pending",
        "in-progress",
        "inprogress",
    ] {
        assert!(
            matches!(TaskStatus::parse(raw), Err(ValueError::NotOneOf(_))),
            "{raw:?} should be rejected"
        );
    }
}

#[test]
fn a_status_serialises_as_its_snake_case_name() {
    for status in TaskStatus::ALL {
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
        assert_eq!(serde_json::from_str::<TaskStatus>(&json).unwrap(), status);
    }
}

#[test]
fn a_new_task_is_pending_by_default() {
    assert_eq!(TaskStatus::default(), TaskStatus::Pending);
}

// ---------------------------------------------------------------------------------------------
// Priority and minutes
// ---------------------------------------------------------------------------------------------

#[test]
fn a_priority_from_0_to_4_is_accepted() {
    for raw in 0..=4 {
        assert_eq!(u8::from(Priority::parse(raw).unwrap()), raw as u8);
    }
}

#[test]
fn a_priority_outside_0_to_4_is_rejected() {
    for raw in [-1, 5, 255, 256, i64::MIN, i64::MAX] {
        assert_eq!(Priority::parse(raw), Err(ValueError::OutOfRange(0, 4)), "{raw}");
    }
}

#[test]
fn minutes_from_0_to_100_000_are_accepted() {
    for raw in [0, 1, 59, 100_000] {
        assert_eq!(i64::from(u32::from(Minutes::parse(raw).unwrap())), raw);
    }
}

#[test]
fn minutes_outside_0_to_100_000_are_rejected() {
    for raw in [-1, 100_001, i64::from(u32::MAX) + 1, i64::MIN, i64::MAX] {
        assert_eq!(Minutes::parse(raw), Err(ValueError::OutOfRange(0, 100_000)), "{raw}");
    }
}

// ---------------------------------------------------------------------------------------------
// Due date
// ---------------------------------------------------------------------------------------------

#[test]
fn a_calendar_day_due_date_is_kept_as_is() {
    assert_eq!(String::from(DueDate::parse("2026-03-15").unwrap()), "2026-03-15");
    assert_eq!(String::from(DueDate::parse("2028-02-29").unwrap()), "2028-02-29");
}

#[test]
fn an_rfc3339_due_date_is_normalised_to_utc_with_microseconds() {
    let cases = [
        ("2026-03-15T12:00:00Z", "2026-03-15T12:00:00.000000Z"),
        ("2026-03-15T12:00:00+02:00", "2026-03-15T10:00:00.000000Z"),
        ("2026-03-15T01:30:00.5-03:00", "2026-03-15T04:30:00.500000Z"),
        ("2026-03-15T23:30:00-01:00", "2026-03-16T00:30:00.000000Z"),
        ("2026-03-15T12:00:00.123456789Z", "2026-03-15T12:00:00.123456Z"),
    ];
    for (raw, normalised) in cases {
        assert_eq!(String::from(DueDate::parse(raw).unwrap()), normalised, "{raw}");
    }
}

#[test]
fn a_due_date_that_is_not_a_date_is_rejected() {
    for raw in [
        "",
        "tomorrow",
        "2026-13-01",
        "2026-02-30",
        "2027-02-29",
        "2026-1-5",
        "15/03/2026",
        "2026-03-15T12:00:00",
        "2026-03-15 12:00:00Z junk",
        " 2026-03-15",
    ] {
        assert_eq!(DueDate::parse(raw), Err(ValueError::NotADate), "{raw:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

#[test]
fn tags_are_trimmed_and_deduplicated_keeping_the_first_occurrence() {
    let parsed = Tags::parse(&[" work ", "home", "work", "urgent", "home "]).unwrap();
    assert_eq!(Vec::from(parsed), strings(&["work", "home", "urgent"]));
}

#[test]
fn no_tags_is_fine() {
    assert_eq!(Vec::from(Tags::parse::<&str>(&[]).unwrap()), Vec::<String>::new());
}

#[test]
fn tags_are_case_sensitive() {
    assert_eq!(Vec::from(tags(&["Work", "work"])), strings(&["Work", "work"]));
}

#[test]
fn an_empty_tag_is_rejected() {
    assert_eq!(Tags::parse(&["ok", ""]), Err(ValueError::Empty));
    assert_eq!(Tags::parse(&["ok", "   "]), Err(ValueError::Empty));
}

#[test]
fn a_tag_of_50_characters_is_accepted_and_51_rejected() {
    assert!(Tags::parse(&["ü".repeat(50)]).is_ok());
    assert_eq!(Tags::parse(&["a".repeat(51)]), Err(ValueError::TooLong(50)));
}

#[test]
fn fifty_tags_are_accepted_and_fifty_one_rejected() {
    let fifty: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    assert_eq!(Vec::from(Tags::parse(&fifty).unwrap()).len(), 50);
    let fifty_one: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    assert_eq!(Tags::parse(&fifty_one), Err(ValueError::TooMany(50)));
}

/// The limit is on what is sent (the API documents `maxItems: 50`); repeats are then dropped.
#[test]
fn repeated_tags_are_dropped_but_count_towards_the_limit_as_sent() {
    let mut raw: Vec<String> = (0..45).map(|i| format!("t{i}")).collect();
    raw.extend((0..5).map(|i| format!(" t{i} ")));
    assert_eq!(Vec::from(Tags::parse(&raw).unwrap()).len(), 45);
    raw.push("t0".into());
    assert_eq!(Tags::parse(&raw), Err(ValueError::TooMany(50)));
}
