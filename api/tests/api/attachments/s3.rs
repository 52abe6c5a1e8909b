//! The S3 path, against a real S3-compatible server: `moto_server` (PyPI's `moto[server]`),
//! started here on a free port. Without one the test prints `SKIP:` and passes, unless
//! `CI=true`, where it fails (`.ci/moto.sh` installs it; `scripts/test.sh` points
//! `JOAN_MOTO_SERVER` at it).
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use futures::TryStreamExt;
use joan_api::config::{Secret, StorageKind, UploadArgs};
use joan_api::uploads::Uploads;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{BASE, noise, note, upload};
use crate::app::TestApp;
use crate::backend::Backend;

pub const BUCKET: &str = "joan-attachments";

/// A `moto_server` of this test's own, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `JOAN_MOTO_SERVER`, else `moto_server` on `PATH`.
fn moto_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("JOAN_MOTO_SERVER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("moto_server"))
        .find(|candidate| candidate.is_file())
}

pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A running moto_server with the bucket made; `None` (after a `SKIP:` line) when there is none.
pub async fn start_moto() -> Option<Moto> {
    let Some(binary) = moto_binary() else {
        assert!(!required(), "moto_server is required when CI=true: run .ci/moto.sh");
        eprintln!(
            "SKIP: moto_server not found (set JOAN_MOTO_SERVER or run .ci/moto.sh); set CI=true to make this a failure"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) => {
            assert!(!required(), "moto_server ({}) did not start: {e}", binary.display());
            eprintln!("SKIP: moto_server ({}) did not start: {e}", binary.display());
            return None;
        }
    };
    let moto = Moto { child, port };
    // Ready once it answers; then the bucket (moto takes unsigned requests).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match http(port, &format!("PUT /{BUCKET} HTTP/1.1")).await {
            Ok(status) if status.starts_with("HTTP/1.1 200") => return Some(moto),
            Ok(status) => panic!("moto_server refused the bucket: {status}"),
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("moto_server did not answer on port {port}: {e}"),
        }
    }
}

/// Sends one bodiless request; the status line of the answer.
async fn http(port: u16, request_line: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!("{request_line}\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

fn s3_args(port: u16, max_upload_bytes: u64) -> UploadArgs {
    UploadArgs {
        max_upload_bytes,
        upload_quota_bytes: 1 << 30,
        storage: StorageKind::S3,
        s3_endpoint: Some(format!("http://127.0.0.1:{port}")),
        s3_bucket: Some(BUCKET.into()),
        s3_region: "us-east-1".into(),
        s3_access_key_id: Some(Secret::new("testing")),
        s3_secret_access_key: Some(Secret::new("testing")),
    }
}

async fn keys(uploads: &Uploads) -> Vec<String> {
    let listed: Vec<_> = uploads.store.list(None).try_collect().await.unwrap();
    listed.into_iter().map(|meta| meta.location.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_round_trip_through_an_s3_compatible_store() {
    let Some(moto) = start_moto().await else { return };
    const LIMIT: u64 = 6 * 1024 * 1024;
    let uploads = Uploads::open(&s3_args(moto.port, LIMIT), std::path::Path::new("unused")).unwrap();
    let Some(app) = TestApp::with_uploads(Backend::Sqlite, uploads.clone()).await else {
        return;
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;

    // More than one S3 part (5 MiB), byte for byte.
    let bytes = noise(LIMIT as usize);
    let uploaded = upload(&app, &token, ("note", &note), "big.bin", &bytes).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
    let key = uploaded.body["storage_key"].as_str().unwrap().to_string();
    assert_eq!(keys(&uploads).await, std::slice::from_ref(&key));
    let id = uploaded.body["id"].as_str().unwrap();
    let content = app.get(&format!("{BASE}/{id}/content")).token(&token).raw_bytes().await;
    assert_eq!(content.status, StatusCode::OK);
    assert!(content.bytes == bytes, "the bytes differ");

    // Over the limit: aborted, no object, no row.
    let before = app.state.core.store.count_events().await.unwrap();
    let over = upload(&app, &token, ("note", &note), "bigger.bin", &noise(LIMIT as usize + 1)).await;
    over.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(app.state.core.store.count_events().await.unwrap(), before);
    assert_eq!(keys(&uploads).await, [key]);

    // Deleted: the object goes too.
    let deleted = app.delete(&format!("{BASE}/{id}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert!(keys(&uploads).await.is_empty());
}
