//! The size limit and the quota: a refused upload keeps no object, no event and no row.
use axum::http::StatusCode;
use serde_json::json;

use super::{BASE, UPLOAD, content_type, events, local_app, noise, note, objects, upload};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    one_byte_over_the_limit_is_413_and_nothing_is_kept,
    the_quota_counts_live_attachments_only,
);

async fn one_byte_over_the_limit_is_413_and_nothing_is_kept(backend: Backend) {
    const LIMIT: u64 = 200_000;
    let Some((app, dir)) = local_app(backend, LIMIT, 1 << 30).await else {
        return;
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let before = events(&app).await;
    let over = upload(&app, &token, ("note", &note), "big.bin", &noise(LIMIT as usize + 1)).await;
    over.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(over.header("connection"), None, "the rest of the body was read");
    assert_eq!(events(&app).await, before, "an event was appended");
    assert!(objects(dir.path()).is_empty(), "{:?}", objects(dir.path()));
    let listed = app.get(BASE).token(&token).send().await;
    assert_eq!(listed.body, json!([]));

    // A body that declares more than the limit and the form around it is refused unread.
    let declared = app
        .post(UPLOAD)
        .token(&token)
        .header("content-length", &(LIMIT + 1024 * 1024).to_string())
        .raw(&content_type(), Vec::new())
        .send()
        .await;
    declared.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Exactly the limit is fine.
    let at_limit = upload(&app, &token, ("note", &note), "big.bin", &noise(LIMIT as usize)).await;
    assert_eq!(at_limit.status, StatusCode::CREATED, "{}", at_limit.text);
    assert_eq!(objects(dir.path()).len(), 1);
}

async fn the_quota_counts_live_attachments_only(backend: Backend) {
    let Some((app, dir)) = local_app(backend, 10_000, 1_500).await else {
        return;
    };
    let token = app.token_for_new_user();
    let note = note(&app, &token).await;
    let first = upload(&app, &token, ("note", &note), "a.bin", &noise(1_000)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let before = events(&app).await;
    let over = upload(&app, &token, ("note", &note), "b.bin", &noise(501)).await;
    over.assert_problem(StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded");
    assert_eq!(events(&app).await, before);
    assert_eq!(objects(dir.path()).len(), 1);
    let usage = app.get(&format!("{BASE}/usage")).token(&token).send().await;
    assert_eq!(
        usage.body,
        json!({"count": 1, "used_bytes": 1000, "quota_bytes": 1500, "max_upload_bytes": 10000})
    );
    // Another user has their own quota; a deleted attachment frees its bytes.
    let other = app.token_for_new_user();
    let their_note = super::note(&app, &other).await;
    let theirs = upload(&app, &other, ("note", &their_note), "c.bin", &noise(1_400)).await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.text);
    let id = first.body["id"].as_str().unwrap();
    let deleted = app.delete(&format!("{BASE}/{id}")).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let fits = upload(&app, &token, ("note", &note), "b.bin", &noise(1_500)).await;
    assert_eq!(fits.status, StatusCode::CREATED, "{}", fits.text);
}
