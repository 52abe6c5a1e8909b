//! Legacy attachments through the API: metadata kept, the file's bytes put into the object
//! store and served back byte for byte.
use std::path::Path;

use axum::http::StatusCode;

use super::legacy::{Expect, get_ok, history_types, rows};
use crate::app::TestApp;

/// Every good attachment reads back as its owner's with its old id, name, size, entity and
/// `uploaded_at`, and its content is its old file's; a refused one is not there. Returns how
/// many good rows were checked.
pub async fn read_back_attachments(
    app: &TestApp,
    legacy: &rusqlite::Connection,
    expect: &Expect<'_>,
    dir: &Path,
) -> u64 {
    let mut checked = 0;
    for row in rows(legacy, "attachments") {
        let id = row.id();
        let Some(owner) = row.text("user_id").filter(|o| expect.tokens.contains_key(o)) else {
            continue;
        };
        let token = expect.token(&owner);
        let path = format!("/api/v1/attachments/{id}");
        if expect.is_bad("attachments", &id) {
            let got = app.get(&path).token(token).send().await;
            assert_eq!(got.status, StatusCode::NOT_FOUND, "{id}");
            continue;
        }
        let b = get_ok(app, token, &path).await;
        assert_eq!(b["id"], id.as_str());
        assert_eq!(b["user_id"], owner.as_str());
        assert_eq!(b["filename"], row.json("filename"));
        assert_eq!(b["size"], row.number("size"));
        assert_eq!(b["entity_type"], row.json("entity_type"));
        assert_eq!(b["entity_id"], row.json("entity_id"));
        assert_eq!(b["uploaded_at"], row.at("uploaded_at"));
        assert_eq!(b["updated_at"], row.at("uploaded_at"));
        let file = std::fs::read(dir.join(row.text("storage_key").unwrap())).unwrap();
        let content = app.get(&format!("{path}/content")).token(token).raw_bytes().await;
        assert_eq!(content.status, StatusCode::OK, "{id}");
        assert!(content.bytes == file, "{id}: the bytes differ");
        let history = history_types(app, token, &format!("{path}/history")).await;
        assert_eq!(history, ["AttachmentImported"]);
        checked += 1;
    }
    checked
}
