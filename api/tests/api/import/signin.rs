//! A legacy user signs in with the old password, which is then re-hashed.
use axum::http::StatusCode;
use joan_api::import::fixture;
use joan_commands::args;

use super::{Imported, import_fixture};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(a_legacy_user_signs_in_with_the_old_password_and_is_rehashed_to_argon2id);

async fn a_legacy_user_signs_in_with_the_old_password_and_is_rehashed_to_argon2id(backend: Backend) {
    let Some(Imported { app, fixture, .. }) = import_fixture(backend).await else {
        return;
    };
    let db = app.state.core.store.db();
    let hash = || async {
        let (hash,): (String,) = db
            .fetch_optional(
                "select password_hash from credentials where email = $1",
                &args![fixture.login_email.as_str()],
            )
            .await
            .unwrap()
            .unwrap();
        hash
    };
    let old = hash().await;
    assert!(old.starts_with("$2b$"), "{old}");

    let wrong = app.login(&fixture.login_email, "not the old password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(hash().await, old);

    let signed_in = app.login(&fixture.login_email, &fixture::password(0)).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    let new = hash().await;
    assert!(new.starts_with("$argon2id$"), "{new}");
    // The argon2id hash is the one that signs in from now on.
    let again = app.login(&fixture.login_email, &fixture::password(0)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(hash().await, new);

    let token = signed_in.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/users/profile").token(token).send().await;
    let user = me.body["id"].as_str().unwrap().to_string();
    let types: Vec<(String, String)> = db
        .fetch_all(
            "select event_type, payload from events where aggregate_type = 'user' and aggregate_id = $1 \
             order by sequence",
            &args![user.as_str()],
        )
        .await
        .unwrap();
    let names: Vec<&str> = types.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names, ["UserImported", "UserPasswordRehashed", "UserFirstLoggedIn"]);
    // No hash, old or new, is in any event.
    let leaked = db
        .fetch_scalar_i64(
            "select count(*) from events where payload like '%$2b$%' or payload like '%argon2%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(leaked, 0);

    // An inactive legacy user cannot sign in, even with the right password.
    let (_, email, password, _) = fixture.users.iter().find(|u| !u.3).unwrap();
    let refused = app.login(email, password).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}
