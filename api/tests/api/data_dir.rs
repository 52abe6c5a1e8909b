//! The data directory and its files are private to Joan's user; logs written to a pipe carry
//! no colour codes.
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::JOAN;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file in `dir` is 0600.
#[track_caller]
fn assert_private_files(dir: &Path) {
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 0, "no file in {}", dir.display());
}

#[test]
fn a_new_data_directory_is_0700_and_its_files_0600_and_logs_are_plain() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let mut server = Command::new(JOAN)
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--metrics-bind", "off"])
        .env("RUST_LOG", "warn,joan=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    for line in BufReader::new(server.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("joan is listening") {
            break;
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(log.contains("joan is listening"), "{log}");
    assert!(!log.contains('\x1b'), "colour codes in a piped log: {log:?}");
    assert_eq!(mode(&dir), 0o700);
    assert!(dir.join("joan.db").exists() && dir.join("jwt_secret").exists());
    assert_private_files(&dir);
}

#[test]
fn files_an_older_joan_left_readable_are_made_private() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("joan.db");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let status = Command::new(JOAN)
        .arg("--data-dir")
        .arg(&dir)
        .arg("migrate")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_private_files(&dir);
}
