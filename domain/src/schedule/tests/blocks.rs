//! The rules of a day's blocks: within the day, start before end, no overlap, and a bound.
use super::*;

#[test]
fn blocks_that_touch_do_not_overlap() {
    let blocks = Blocks::new(vec![block("00:00", "09:00", "Sleep"), block("09:00", "24:00", "Day")]).unwrap();
    assert_eq!(blocks.as_slice().len(), 2);
}

#[test]
fn overlapping_blocks_are_named_by_index_both_ways() {
    let fields = refused(vec![
        block("09:00", "10:00", "A"),
        block("13:00", "14:00", "B"),
        block("09:30", "11:00", "C"),
    ]);
    assert_eq!(fields, ["blocks[0]", "blocks[2]"]);
    let problems = Blocks::new(vec![block("09:00", "10:00", "A"), block("09:30", "11:00", "C")])
        .unwrap_err()
        .0;
    assert_eq!(problems[0].message, "overlaps blocks[1] (09:30-11:00)");
    assert_eq!(problems[1].message, "overlaps blocks[0] (09:00-10:00)");
}

#[test]
fn a_block_inside_another_and_three_way_clashes_are_each_reported() {
    let fields = refused(vec![
        block("08:00", "12:00", "Long"),
        block("09:00", "10:00", "Inside"),
        block("11:00", "13:00", "Across"),
    ]);
    assert_eq!(fields, ["blocks[0]", "blocks[1]", "blocks[0]", "blocks[2]"]);
}

#[test]
fn a_block_must_start_before_it_ends() {
    assert_eq!(refused(vec![block("10:00", "10:00", "Empty")]), ["blocks[0].end"]);
    assert_eq!(
        refused(vec![block("09:00", "10:00", "A"), block("11:00", "10:30", "Backwards")]),
        ["blocks[1].end"]
    );
}

#[test]
fn a_day_holds_at_most_96_blocks() {
    let quarter = |i: u16| {
        let at = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        block(&at(i * 15), &at(i * 15 + 15), "Slot")
    };
    assert!(Blocks::new((0..96).map(quarter).collect()).is_ok());
    let mut too_many: Vec<Block> = (0..96).map(quarter).collect();
    too_many.push(too_many[0].clone());
    assert!(refused(too_many).contains(&"blocks".to_string()));
}

#[test]
fn changing_a_block_checks_the_whole_day_again() {
    let blocks = Blocks::new(morning()).unwrap();
    let later = BlockChanges {
        end: Some(ClockTime::parse("10:30").unwrap()),
        ..BlockChanges::default()
    };
    let error = blocks.changed(0, later).unwrap().unwrap_err();
    assert_eq!(
        error.0.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
        ["blocks[0]", "blocks[1]"]
    );
    assert!(blocks.changed(2, BlockChanges::default()).is_none());
}
