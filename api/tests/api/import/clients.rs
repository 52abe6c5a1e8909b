//! Legacy clients through the API.
use super::legacy::{Expect, Resource, read_back};
use crate::app::TestApp;

/// Every good client reads back with the old values (an email in lower case, a NULL status
/// active).
pub async fn read_back_clients(app: &TestApp, legacy: &rusqlite::Connection, expect: &Expect<'_>) -> u64 {
    let resource = Resource {
        table: "clients",
        path: "/api/v1/clients",
        imported: "ClientImported",
        then: &[],
    };
    read_back(app, legacy, expect, &resource, |row, b| {
        assert_eq!(b["name"], row.json("name"));
        let email = row.text("email").map(|e| e.trim().to_lowercase());
        assert_eq!(b["email"], email.map_or(serde_json::Value::Null, Into::into));
        assert_eq!(b["phone"], row.json("phone"));
        assert_eq!(b["company"], row.json("company"));
        assert_eq!(b["status"], row.text("status").unwrap_or("active".into()).as_str());
    })
    .await
}
