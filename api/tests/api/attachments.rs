//! Attachments over HTTP: byte-for-byte round trips, the size limit and the quota with nothing
//! kept when refused, sniffed types served as attachments, path-traversal names, who reaches
//! what (owner, project members by role, strangers), and the conventions the conformance suite
//! checks for JSON resources (an upload is multipart, so it cannot be one of its `Case`s).
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use joan_api::uploads::Uploads;
use joan_projections::rebuild::rebuild;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::{Reply, TestApp};
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

mod access;
mod limits;
pub mod s3;

pub const BASE: &str = "/api/v1/attachments";
pub const UPLOAD: &str = "/api/v1/attachments/upload";
const BOUNDARY: &str = "joan-test-boundary-7d1f";

on_both_backends!(
    an_upload_downloads_byte_for_byte,
    html_named_png_is_served_as_sniffed_bytes_and_as_an_attachment,
    path_traversal_names_are_only_labels,
    bad_forms_are_problems_that_keep_nothing,
    renames_are_events_with_history_as_of_and_if_match,
);

/// One part of a multipart form.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub bytes: &'a [u8],
}

/// A multipart/form-data body of `parts`.
pub fn form(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match part.filename {
            Some(file) => format!("form-data; name=\"{}\"; filename=\"{file}\"", part.name),
            None => format!("form-data; name=\"{}\"", part.name),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if part.filename.is_some() {
            // The client's word, which the server does not take.
            body.extend_from_slice(b"Content-Type: image/png\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The form of an upload of `bytes` named `filename` to an entity.
pub fn upload_form(entity_type: &str, entity_id: &str, filename: &str, bytes: &[u8]) -> Vec<u8> {
    form(&[
        Part {
            name: "entity_type",
            filename: None,
            bytes: entity_type.as_bytes(),
        },
        Part {
            name: "entity_id",
            filename: None,
            bytes: entity_id.as_bytes(),
        },
        Part {
            name: "file",
            filename: Some(filename),
            bytes,
        },
    ])
}

pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

pub async fn upload(app: &TestApp, token: &str, entity: (&str, &str), filename: &str, bytes: &[u8]) -> Reply {
    app.post(UPLOAD)
        .token(token)
        .raw(&content_type(), upload_form(entity.0, entity.1, filename, bytes))
        .send()
        .await
}

/// A new note of the caller's: something to attach files to.
pub async fn note(app: &TestApp, token: &str) -> String {
    let created = app
        .post("/api/v1/notes")
        .token(token)
        .json(&json!({"title": "Attachments"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.body["id"].as_str().unwrap().to_string()
}

/// Bytes every value of which appears, in no simple pattern.
pub fn noise(len: usize) -> Vec<u8> {
    (0..len as u64)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect()
}

/// Every file under `dir`.
pub fn objects(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// An app keeping attachments in a fresh directory, with these limits.
pub async fn local_app(backend: Backend, max_bytes: u64, quota_bytes: u64) -> Option<(TestApp, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let uploads = Uploads {
        max_bytes,
        quota_bytes,
        ..Uploads::local(dir.path()).unwrap()
    };
    Some((TestApp::with_uploads(backend, uploads).await?, dir))
}

pub async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn an_upload_downloads_byte_for_byte(backend: Backend) {
    let Some((app, dir)) = local_app(backend, 1 << 20, 1 << 30).await else {
        return;
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    // Several multipart parts' worth, and every byte value (CR, LF and the boundary's dashes too).
    let bytes = noise(700_000);
    let uploaded = upload(&app, &token, ("note", &note), "data.bin", &bytes).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
    let id = uploaded.body["id"].as_str().unwrap();
    assert_eq!(uploaded.header("location"), Some(format!("{BASE}/{id}").as_str()));
    assert_eq!(uploaded.header("etag"), Some("\"1\""));
    assert_eq!(uploaded.body["size"], bytes.len());
    assert_eq!(uploaded.body["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(uploaded.body["mime_type"], "application/octet-stream");
    assert_eq!(uploaded.body["entity_type"], "note");
    assert_eq!(uploaded.body["entity_id"], note.as_str());
    let key = uploaded.body["storage_key"].as_str().unwrap();
    assert!(key.ends_with(id), "{key}");
    assert_eq!(objects(dir.path()).len(), 1);

    let metadata = app.get(&format!("{BASE}/{id}")).token(&token).send().await;
    assert_eq!((metadata.status, &metadata.body), (StatusCode::OK, &uploaded.body));
    let content = app.get(&format!("{BASE}/{id}/content")).token(&token).raw_bytes().await;
    assert_eq!(content.status, StatusCode::OK);
    assert!(content.bytes == bytes, "the bytes differ");
    assert_eq!(content.header("content-length"), Some(bytes.len().to_string().as_str()));
    assert_eq!(content.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        content.header("content-disposition"),
        Some("attachment; filename=\"data.bin\"; filename*=UTF-8''data.bin")
    );

    // Listed on the note and among the caller's own; counted in the usage.
    for query in [format!("?entity_type=note&entity_id={note}"), String::new()] {
        let listed = app.get(&format!("{BASE}{query}")).token(&token).send().await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        assert_eq!(listed.body, json!([uploaded.body]), "{query}");
    }
    let usage = app.get(&format!("{BASE}/usage")).token(&token).send().await;
    assert_eq!(usage.body["used_bytes"], bytes.len());
    assert_eq!(usage.body["count"], 1);

    // Deleting removes the row and the object.
    let deleted = app.delete(&format!("{BASE}/{id}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    for target in [format!("{BASE}/{id}"), format!("{BASE}/{id}/content")] {
        let gone = app.get(&target).token(&token).send().await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{target}");
    }
    assert!(objects(dir.path()).is_empty(), "{:?}", objects(dir.path()));
    let usage = app.get(&format!("{BASE}/usage")).token(&token).send().await;
    assert_eq!(usage.body["used_bytes"], 0);
}

async fn html_named_png_is_served_as_sniffed_bytes_and_as_an_attachment(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let uploaded = upload(&app, &token, ("note", &note), "cat.png", html).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
    assert_eq!(
        uploaded.body["mime_type"], "text/html",
        "sniffed, not the name's or the part's"
    );
    assert_eq!(uploaded.body["filename"], "cat.png");
    let id = uploaded.body["id"].as_str().unwrap();
    let content = app.get(&format!("{BASE}/{id}/content")).token(&token).raw_bytes().await;
    assert_eq!(content.status, StatusCode::OK);
    assert_eq!(content.bytes, html);
    // A page never renders: plain bytes, an attachment, no sniffing, a sandbox.
    assert_eq!(content.header("content-type"), Some("application/octet-stream"));
    assert!(
        content
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"cat.png\""),
        "{:?}",
        content.header("content-disposition")
    );
    assert_eq!(content.header("x-content-type-options"), Some("nosniff"));
    assert!(content.header("content-security-policy").unwrap().contains("sandbox"));

    // A real PNG is typed and served as one.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let uploaded = upload(&app, &token, ("note", &note), "notes.txt", png).await;
    assert_eq!(uploaded.body["mime_type"], "image/png");
    let id = uploaded.body["id"].as_str().unwrap();
    let content = app.get(&format!("{BASE}/{id}/content")).token(&token).raw_bytes().await;
    assert_eq!(content.header("content-type"), Some("image/png"));
}

async fn path_traversal_names_are_only_labels(backend: Backend) {
    let Some((app, dir)) = local_app(backend, 10_000, 1 << 30).await else {
        return;
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    for (raw, kept) in [
        ("../../../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/evil.sh", "evil.sh"),
        ("..", "attachment"),
        ("r\u{e9}sum\u{e9};.pdf", "r\u{e9}sum\u{e9};.pdf"),
    ] {
        let uploaded = upload(&app, &token, ("note", &note), raw, b"hello").await;
        assert_eq!(uploaded.status, StatusCode::CREATED, "{raw}: {}", uploaded.text);
        assert_eq!(uploaded.body["filename"], kept, "{raw}");
        let id = uploaded.body["id"].as_str().unwrap();
        let key = uploaded.body["storage_key"].as_str().unwrap();
        assert!(!key.contains("..") && key.ends_with(id), "{key}");
        let content = app.get(&format!("{BASE}/{id}/content")).token(&token).raw_bytes().await;
        let disposition = content.header("content-disposition").unwrap();
        assert!(
            !disposition.contains('/') && !disposition.contains('\\'),
            "{disposition}"
        );
    }
    // Every object is inside the store's directory, under the server's keys.
    let files = objects(dir.path());
    assert_eq!(files.len(), 5);
    assert!(
        files.iter().all(|f| f.starts_with(dir.path().join("attachments"))),
        "{files:?}"
    );
}

async fn bad_forms_are_problems_that_keep_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let before = events(&app).await;
    let json = app.post(UPLOAD).token(&token).json(&json!({"file": "x"})).send().await;
    json.assert_problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let truncated = app
        .post(UPLOAD)
        .token(&token)
        .raw(
            &content_type(),
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"),
        )
        .send()
        .await;
    assert!(truncated.status.is_client_error(), "{}", truncated.text);
    let empty = app
        .post(UPLOAD)
        .token(&token)
        .raw(&content_type(), form(&[]))
        .send()
        .await;
    empty.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = empty.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["file", "entity_type", "entity_id"], "{}", empty.text);
    for (kind, entity) in [("board", note.as_str()), ("note", "not-a-uuid")] {
        let reply = upload(&app, &token, (kind, entity), "a.txt", b"x").await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let extra = form(&[
        Part {
            name: "entity_type",
            filename: None,
            bytes: b"note",
        },
        Part {
            name: "entity_id",
            filename: None,
            bytes: note.as_bytes(),
        },
        Part {
            name: "owner",
            filename: None,
            bytes: b"someone",
        },
        Part {
            name: "file",
            filename: Some("a.txt"),
            bytes: b"x",
        },
    ]);
    let reply = app.post(UPLOAD).token(&token).raw(&content_type(), extra).send().await;
    reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(reply.body["errors"][0]["field"], "owner");
    let missing = upload(&app, &token, ("goal", &note), "a.txt", b"x").await;
    missing.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let usage = app.get(&format!("{BASE}/usage")).token(&token).send().await;
    assert_eq!(usage.body["count"], 0, "{}", usage.text);
    assert_eq!(events(&app).await, before, "bad input appended events");
}

async fn renames_are_events_with_history_as_of_and_if_match(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let uploaded = upload(&app, &token, ("note", &note), "draft.txt", b"text").await;
    let id = uploaded.body["id"].as_str().unwrap();
    let path = format!("{BASE}/{id}");
    for bad in [
        r#"{"filename": "a/b"}"#,
        r#"{"filename": ".."}"#,
        r#"{"filename": 5}"#,
        r#"{"size": 1}"#,
        "{",
    ] {
        let reply = app.patch(&path).token(&token).raw("application/json", bad).send().await;
        assert!(
            reply.status.is_client_error() && reply.code() != "",
            "{bad}: {}",
            reply.text
        );
    }
    let renamed = app
        .patch(&path)
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"filename": "final.txt"}))
        .send()
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(
        (renamed.body["filename"].as_str(), renamed.body["version"].as_i64()),
        (Some("final.txt"), Some(2))
    );
    let stale = app
        .patch(&path)
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"filename": "other.txt"}))
        .send()
        .await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
    let stale = app.delete(&path).token(&token).header("if-match", "\"1\"").send().await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");

    let past = app
        .get(&format!(
            "{path}?as_of={}",
            uploaded.body["uploaded_at"].as_str().unwrap()
        ))
        .token(&token)
        .send()
        .await;
    assert_eq!((past.status, &past.body), (StatusCode::OK, &uploaded.body));
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["AttachmentUploaded", "AttachmentRenamed"], "{}", history.text);

    let deleted = app.delete(&path).token(&token).header("if-match", "\"2\"").send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    assert_eq!(history.body.as_array().map(Vec::len), Some(3));

    // A rebuild by replay gives exactly the live tables.
    let second = upload(&app, &token, ("note", &note), "kept.txt", b"kept").await;
    assert_eq!(second.status, StatusCode::CREATED);
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, BASE);
}
