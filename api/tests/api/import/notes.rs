//! Legacy notes through the API.
use serde_json::Value;

use super::legacy::{Expect, Resource, read_back};
use crate::app::TestApp;

/// Every good note reads back with the old values (NULL content empty, the HTML rendered
/// again and sanitised, a folder that was not kept dropped).
pub async fn read_back_notes(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "notes",
        path: "/api/v1/notes",
        imported: "NoteImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["title"], row.json("title"));
        assert_eq!(b["content"], row.text("content").unwrap_or_default().as_str());
        assert_eq!(b["tags"], row.parsed("tags", Value::Array(vec![])));
        assert_eq!(b["is_pinned"], row.flag("is_pinned"));
        assert_eq!(b["is_archived"], row.flag("is_archived"));
        assert_eq!(b["folder_id"], expect.reference("notes", row, "folder_id"), "{b}");
        let html = b["content_html"].as_str().unwrap();
        assert!(!html.contains("<script"), "{html}");
    })
    .await
}
