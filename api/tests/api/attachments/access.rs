//! Who reaches an attachment: strangers get 404 on every route and change nothing (with the
//! idempotent replay of an upload), project members download, viewers do not upload, only the
//! uploader renames or deletes.
use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{BASE, UPLOAD, content_type, events, note, upload, upload_form};
use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    strangers_get_404_and_change_nothing,
    project_members_download_viewers_do_not_upload,
);

async fn strangers_get_404_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let note = note(&app, &owner).await;

    // An Idempotency-Key replays the first answer and keeps one attachment.
    let send = || {
        app.post(UPLOAD)
            .token(&owner)
            .header("idempotency-key", "upload-1")
            .raw(&content_type(), upload_form("note", &note, "a.txt", b"first"))
    };
    let uploaded = send().send().await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);
    let after_upload = events(&app).await;
    let replayed = send().send().await;
    assert_eq!((replayed.status, &replayed.body), (StatusCode::CREATED, &uploaded.body));
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(events(&app).await, after_upload);
    let listed = app.get(BASE).token(&owner).send().await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));
    let id = uploaded.body["id"].as_str().unwrap();
    let path = format!("{BASE}/{id}");

    // Neither the stranger's own attachment routes nor an upload to the owner's note reach it.
    let unknown = format!("{BASE}/{}", uuid::Uuid::new_v4());
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::GET, "/content", None),
        (Method::GET, "/history", None),
        (Method::GET, "?as_of=2020-01-01T00:00:00Z", None),
        (Method::PATCH, "", Some(r#"{"filename": "mine.txt"}"#)),
        (Method::DELETE, "", None),
    ] {
        for if_match in [None, Some("\"1\""), Some("\"2\"")] {
            for (token, base) in [(&stranger, &path), (&owner, &unknown)] {
                let mut call = app.call(method.clone(), &format!("{base}{suffix}")).token(token);
                if let Some(tag) = if_match {
                    call = call.header("if-match", tag);
                }
                if let Some(body) = body {
                    call = call.raw("application/json", body.to_string());
                }
                let reply = call.send().await;
                assert_eq!(
                    (reply.status, reply.code()),
                    (StatusCode::NOT_FOUND, "not_found"),
                    "{method} {base}{suffix}: {}",
                    reply.text
                );
            }
        }
    }
    let theirs = upload(&app, &stranger, ("note", &note), "b.txt", b"x").await;
    theirs.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let listed = app
        .get(&format!("{BASE}?entity_type=note&entity_id={note}"))
        .token(&stranger)
        .send()
        .await;
    listed.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(events(&app).await, after_upload, "a stranger changed something");
    let still = app.get(&path).token(&owner).send().await;
    assert_eq!((still.status, &still.body), (StatusCode::OK, &uploaded.body));
}

async fn project_members_download_viewers_do_not_upload(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let [owner, member, viewer, outsider] = [
        app.register_and_login("owner@example.com").await,
        app.register_and_login("member@example.com").await,
        app.register_and_login("viewer@example.com").await,
        app.register_and_login("outsider@example.com").await,
    ];
    let project = app
        .post("/api/v1/projects")
        .token(&owner.access)
        .json(&json!({"name": "Website"}))
        .send()
        .await;
    let project = project.body["id"].as_str().unwrap().to_string();
    for (who, role) in [(&member, "member"), (&viewer, "viewer")] {
        let added = app
            .post(&format!("/api/v1/projects/{project}/members"))
            .token(&owner.access)
            .json(&json!({"user_id": who.user_id, "role": role}))
            .send()
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    }
    let task = app
        .post("/api/v1/tasks")
        .token(&owner.access)
        .json(&json!({"title": "Logo", "project_id": project}))
        .send()
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.text);
    let task = task.body["id"].as_str().unwrap().to_string();

    for (kind, entity) in [("project", &project), ("task", &task)] {
        let by_owner = upload(&app, &owner.access, (kind, entity), "brief.txt", b"brief").await;
        assert_eq!(by_owner.status, StatusCode::CREATED, "{}", by_owner.text);
        let by_member = upload(&app, &member.access, (kind, entity), "draft.txt", b"draft").await;
        assert_eq!(by_member.status, StatusCode::CREATED, "{}", by_member.text);
        let by_viewer = upload(&app, &viewer.access, (kind, entity), "v.txt", b"v").await;
        by_viewer.assert_problem(StatusCode::FORBIDDEN, "role_forbids");
        let by_outsider = upload(&app, &outsider.access, (kind, entity), "o.txt", b"o").await;
        by_outsider.assert_problem(StatusCode::NOT_FOUND, "not_found");

        let id = by_owner.body["id"].as_str().unwrap();
        for who in [&member, &viewer] {
            let content = app
                .get(&format!("{BASE}/{id}/content"))
                .token(&who.access)
                .raw_bytes()
                .await;
            assert_eq!(
                (content.status, content.bytes.as_slice()),
                (StatusCode::OK, &b"brief"[..])
            );
            let listed = app
                .get(&format!("{BASE}?entity_type={kind}&entity_id={entity}"))
                .token(&who.access)
                .send()
                .await;
            assert_eq!(listed.body.as_array().map(Vec::len), Some(2), "{}", listed.text);
            // Seen, but only the uploader renames or deletes.
            let deleted = app.delete(&format!("{BASE}/{id}")).token(&who.access).send().await;
            deleted.assert_problem(StatusCode::FORBIDDEN, "not_uploader");
        }
        for target in [format!("{BASE}/{id}"), format!("{BASE}/{id}/content")] {
            let reply = app.get(&target).token(&outsider.access).send().await;
            reply.assert_problem(StatusCode::NOT_FOUND, "not_found");
        }
    }
}
