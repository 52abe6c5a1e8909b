//! File names: what a rename may give, and what an upload's name is made into.
use super::*;

#[test]
fn a_rename_keeps_the_name_as_given_once_trimmed() {
    assert_eq!(Filename::parse("  Q3 report.pdf ").unwrap().as_str(), "Q3 report.pdf");
    assert_eq!(Filename::parse(".env").unwrap().as_str(), ".env");
}

#[test]
fn a_rename_refuses_paths_quotes_dots_and_control_characters() {
    for raw in ["a/b.txt", "a\\b.txt", "..", ".", "say \"hi\".txt"] {
        assert_eq!(Filename::parse(raw), Err(ValueError::NotAFilename), "{raw}");
    }
    assert_eq!(Filename::parse("a\u{0}b"), Err(ValueError::ControlCharacter(0)));
    assert_eq!(Filename::parse("   "), Err(ValueError::Empty));
    assert_eq!(
        Filename::parse(&"x".repeat(256)),
        Err(ValueError::TooLong(Filename::MAX_CHARS))
    );
}

#[test]
fn an_uploads_name_loses_its_path_and_everything_a_header_could_choke_on() {
    for (raw, kept) in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/abs/path/", "attachment"),
        ("..", "attachment"),
        ("", "attachment"),
        ("evil\"\r\nX-Injected: 1.txt", "evilX-Injected: 1.txt"),
        ("  café.png  ", "café.png"),
    ] {
        let name = Filename::sanitise(raw);
        assert_eq!(name.as_str(), kept, "{raw:?}");
        assert_eq!(Filename::parse(name.as_str()), Ok(name.clone()), "{raw:?}");
    }
}

#[test]
fn a_long_upload_name_is_shortened_with_its_extension_kept() {
    let name = Filename::sanitise(&format!("{}.tar.gz", "é".repeat(300)));
    assert_eq!(name.as_str().chars().count(), Filename::MAX_CHARS);
    assert!(name.as_str().ends_with(".gz"));
    assert!(Filename::parse(name.as_str()).is_ok());
}

#[test]
fn an_attachment_hangs_on_a_task_a_note_a_project_or_a_goal() {
    assert_eq!(EntityKind::WORDS, &["task", "note", "project", "goal"]);
    assert_eq!(
        EntityKind::parse("board"),
        Err(ValueError::NotOneOf("task, note, project, goal"))
    );
}
