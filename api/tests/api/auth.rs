//! Registration, login, refresh-token rotation, logout, the profile and the password, through
//! the real router.
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use joan_api::auth::policy::AuthPolicy;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::app::{PASSWORD, Reply, TestApp};
use crate::backend::{Backend, on_both_backends};
use crate::support::json_rows;

on_both_backends!(
    registering_answers_201_with_the_user_and_a_normalised_email,
    registering_a_taken_email_is_409_whatever_its_case,
    concurrent_registrations_of_one_email_make_one_account,
    invalid_registrations_are_422_field_by_field,
    bad_bodies_are_400_415_or_422,
    logging_in_gives_a_bearer_pair_and_me_shows_the_user,
    unknown_email_and_wrong_password_look_the_same,
    bad_access_tokens_are_all_401,
    refreshing_rotates_the_token_and_reuse_revokes_the_family,
    logout_with_a_token_ends_that_session_and_without_one_ends_all,
    the_profile_is_versioned_and_patchable,
    changing_the_password_revokes_sessions_and_retires_the_old_password,
    an_address_is_locked_after_twenty_failures_across_accounts,
    the_audit_trail_records_the_changes_and_no_secret,
    a_replay_rebuilds_the_same_users_table,
    the_openapi_document_describes_auth_and_users,
);

const SECRET: &str = "test-secret-not-for-production";

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Claims like the server's own, for `sub`, valid for the next 15 minutes.
fn claims(sub: &str) -> Value {
    let now = unix_now();
    json!({"sub": sub, "iss": "joan", "aud": "joan-api", "iat": now, "nbf": now, "exp": now + 900, "jti": "t"})
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.code(), code, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"));
}

async fn me(app: &TestApp, access: &str) -> Reply {
    app.get("/api/v1/auth/me").token(access).send().await
}

/// Every event's type, payload and metadata, in log order (but the ceremony catalog Joan
/// defines at startup).
async fn events(app: &TestApp) -> Vec<(String, String, String)> {
    app.state
        .core
        .store
        .db()
        .fetch_all(
            "select event_type, payload, metadata from events \
             where aggregate_type not in ('ceremony_template', 'ceremony_component') order by position",
            &[],
        )
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Register
// ---------------------------------------------------------------------------------------------

async fn registering_answers_201_with_the_user_and_a_normalised_email(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let reply = app.register("  Ada@Example.COM ", PASSWORD, " Ada Lovelace ").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body["email"], "ada@example.com");
    assert_eq!(reply.body["name"], "Ada Lovelace");
    assert!(uuid::Uuid::parse_str(reply.body["id"].as_str().unwrap()).is_ok());
    assert_eq!(reply.body.as_object().unwrap().len(), 3, "{}", reply.text);
    assert_eq!(reply.header("location"), Some("/api/v1/users/profile"));
    assert_eq!(reply.header("etag"), Some("\"1\""));
}

async fn registering_a_taken_email_is_409_whatever_its_case(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.register_and_login("grace@example.com").await;
    let again = app.register("GRACE@example.com ", "another password", "Grace II").await;
    assert_problem(&again, StatusCode::CONFLICT, "email_taken");
}

async fn concurrent_registrations_of_one_email_make_one_account(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let names: Vec<String> = (0..4).map(|n| format!("Racer {n}")).collect();
    let attempts = names
        .iter()
        .map(|name| app.register("race@example.com", PASSWORD, name));
    let replies = futures::future::join_all(attempts).await;
    let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    for r in replies.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_problem(r, StatusCode::CONFLICT, "email_taken");
    }
    let registered = events(&app).await.iter().filter(|e| e.0 == "UserRegistered").count();
    assert_eq!(registered, 1);
}

async fn invalid_registrations_are_422_field_by_field(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let reply = app.register("not-an-email", "short", "   ").await;
    assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "name"]);

    let too_long = app.register("long@example.com", &"p".repeat(129), "Long").await;
    assert_problem(&too_long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(too_long.body["errors"][0]["field"], "password");
    let longest = app.register("long@example.com", &"é".repeat(128), "Long").await;
    assert_eq!(longest.status, StatusCode::CREATED, "{}", longest.text);

    let long_name = app.register("name@example.com", PASSWORD, &"n".repeat(201)).await;
    assert_eq!(long_name.body["errors"][0]["field"], "name");
}

async fn bad_bodies_are_400_415_or_422(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let malformed = app
        .post("/api/v1/auth/register")
        .raw("application/json", "{\"email\": ")
        .send()
        .await;
    assert_problem(&malformed, StatusCode::BAD_REQUEST, "malformed_body");

    let wrong_type = app
        .post("/api/v1/auth/login")
        .json(&json!({"email": 42, "password": PASSWORD}))
        .send()
        .await;
    assert_problem(&wrong_type, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(wrong_type.body["errors"][0]["field"], "email");

    let unknown = app
        .post("/api/v1/auth/register")
        .json(&json!({"email": "a@example.com", "password": PASSWORD, "name": "A", "role": "admin"}))
        .send()
        .await;
    assert_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(unknown.body["errors"][0]["field"], "role");

    let missing = app.post("/api/v1/auth/refresh").json(&json!({})).send().await;
    assert_eq!(missing.body["errors"][0]["field"], "refresh_token");

    let text = app
        .post("/api/v1/auth/login")
        .raw("text/plain", "email=a&password=b")
        .send()
        .await;
    assert_problem(&text, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

// ---------------------------------------------------------------------------------------------
// Login and tokens
// ---------------------------------------------------------------------------------------------

async fn logging_in_gives_a_bearer_pair_and_me_shows_the_user(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.register("Linus@Example.com", PASSWORD, "Linus").await;
    let tokens = app.login(" LINUS@example.com", PASSWORD).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    assert_eq!(tokens.body["token_type"], "bearer");
    assert_eq!(tokens.body["expires_in"], 900);
    let refresh = tokens.body["refresh_token"].as_str().unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(refresh).unwrap().len(), 32);

    let user = me(&app, tokens.body["access_token"].as_str().unwrap()).await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.text);
    let fields: Vec<&String> = user.body.as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["created_at", "email", "id", "is_active", "name", "role", "updated_at"]
    );
    assert_eq!(user.body["email"], "linus@example.com");
    assert_eq!(user.body["is_active"], true);
    assert_eq!(user.body["role"], "user");
}

async fn unknown_email_and_wrong_password_look_the_same(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.register("known@example.com", PASSWORD, "Known").await;
    let timed = |email: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            let reply = app.login(email, "not the password").await;
            (reply, started.elapsed())
        }
    };
    // Warm both paths once, then compare the slower halves of a few tries.
    let (wrong, _) = timed("known@example.com").await;
    let (unknown, _) = timed("nobody@example.com").await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    let headers = |r: &Reply| {
        let mut h: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(name, _)| name.as_str() != "x-request-id")
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        h.sort();
        h
    };
    assert_eq!(headers(&wrong), headers(&unknown));

    let mut wrong_times = Vec::new();
    let mut unknown_times = Vec::new();
    for _ in 0..3 {
        wrong_times.push(timed("known@example.com").await.1);
        unknown_times.push(timed("nobody@example.com").await.1);
    }
    let median = |mut t: Vec<Duration>| {
        t.sort();
        t[1]
    };
    let (wrong_time, unknown_time) = (median(wrong_times), median(unknown_times));
    // Both verify one argon2 hash; an unknown email that skipped it would be many times faster.
    assert!(
        unknown_time * 3 > wrong_time && wrong_time * 3 > unknown_time,
        "wrong password {wrong_time:?}, unknown email {unknown_time:?}"
    );
}

async fn bad_access_tokens_are_all_401(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let session = app.register_and_login("tokens@example.com").await;
    assert_eq!(me(&app, &session.access).await.status, StatusCode::OK);

    let missing = app.get("/api/v1/auth/me").send().await;
    assert_problem(&missing, StatusCode::UNAUTHORIZED, "unauthenticated");

    let user = session.user_id.as_str();
    let now = unix_now();
    let mut expired = claims(user);
    expired["iat"] = json!(now - 3600);
    expired["nbf"] = json!(now - 3600);
    expired["exp"] = json!(now - 1800);
    let mut wrong_audience = claims(user);
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = claims(user);
    wrong_issuer["iss"] = json!("evil");
    let mut not_yet = claims(user);
    not_yet["nbf"] = json!(now + 600);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims(user).to_string());
    let alg_none = format!("{header}.{body}.");
    let mut tampered = sign(&claims(user), SECRET);
    tampered.replace_range(tampered.rfind('.').unwrap() + 1.., &URL_SAFE_NO_PAD.encode([7u8; 32]));

    let cases = [
        ("garbage", "not-a-jwt".to_string()),
        ("expired", sign(&expired, SECRET)),
        ("forged", sign(&claims(user), "another-secret")),
        ("tampered signature", tampered),
        ("alg none", alg_none),
        ("wrong audience", sign(&wrong_audience, SECRET)),
        ("wrong issuer", sign(&wrong_issuer, SECRET)),
        ("not yet valid", sign(&not_yet, SECRET)),
        ("refresh token as access token", session.refresh.clone()),
    ];
    for (what, token) in cases {
        let reply = me(&app, &token).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}: {}", reply.text);
        assert_eq!(reply.code(), "unauthenticated", "{what}");
    }
    // A genuine token whose user does not exist opens nothing either.
    let stranger = me(&app, &app.token_for_new_user()).await;
    assert_problem(&stranger, StatusCode::UNAUTHORIZED, "unauthenticated");
}

// ---------------------------------------------------------------------------------------------
// Refresh and logout
// ---------------------------------------------------------------------------------------------

async fn refreshing_rotates_the_token_and_reuse_revokes_the_family(backend: Backend) {
    // No grace window: any reuse is a reuse after it (sessions.rs tests the window).
    let policy = AuthPolicy {
        refresh_grace: Duration::ZERO,
        ..AuthPolicy::default()
    };
    let Some(app) = TestApp::with_policy(backend, policy).await else {
        return;
    };
    let first = app.register_and_login("rotate@example.com").await;
    let other_login = app.login("rotate@example.com", PASSWORD).await;
    let other_refresh = other_login.body["refresh_token"].as_str().unwrap().to_string();

    let second = app.refresh(&first.refresh).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.body["token_type"], "bearer");
    let second_refresh = second.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh);
    assert_eq!(
        me(&app, second.body["access_token"].as_str().unwrap()).await.status,
        StatusCode::OK
    );

    // The first token was spent: presenting it again is theft or a bug, and ends the family.
    let reused = app.refresh(&first.refresh).await;
    assert_problem(&reused, StatusCode::UNAUTHORIZED, "unauthenticated");
    let after = app.refresh(&second_refresh).await;
    assert_problem(&after, StatusCode::UNAUTHORIZED, "unauthenticated");

    // Another login's family is not touched.
    assert_eq!(app.refresh(&other_refresh).await.status, StatusCode::OK);

    let unknown = app.refresh("bm90IGEgdG9rZW4").await;
    assert_problem(&unknown, StatusCode::UNAUTHORIZED, "unauthenticated");
}

async fn logout_with_a_token_ends_that_session_and_without_one_ends_all(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let laptop = app.register_and_login("logout@example.com").await;
    let phone = app.login("logout@example.com", PASSWORD).await;
    let phone_refresh = phone.body["refresh_token"].as_str().unwrap().to_string();
    let tablet = app.login("logout@example.com", PASSWORD).await;
    let tablet_refresh = tablet.body["refresh_token"].as_str().unwrap().to_string();

    let unauthenticated = app.post("/api/v1/auth/logout").send().await;
    assert_problem(&unauthenticated, StatusCode::UNAUTHORIZED, "unauthenticated");

    let one = app
        .post("/api/v1/auth/logout")
        .token(&laptop.access)
        .json(&json!({"refresh_token": laptop.refresh}))
        .send()
        .await;
    assert_eq!(one.status, StatusCode::NO_CONTENT, "{}", one.text);
    assert_eq!(app.refresh(&laptop.refresh).await.status, StatusCode::UNAUTHORIZED);
    let phone_next = app.refresh(&phone_refresh).await;
    assert_eq!(phone_next.status, StatusCode::OK);

    // Someone else's token in the body revokes nothing of theirs.
    let mallory = app.register_and_login("mallory@example.com").await;
    let theirs = app
        .post("/api/v1/auth/logout")
        .token(&mallory.access)
        .json(&json!({"refresh_token": tablet_refresh}))
        .send()
        .await;
    assert_eq!(theirs.status, StatusCode::NO_CONTENT);

    // The laptop's session has ended, its access token with it; the phone's still works.
    assert_problem(
        &me(&app, &laptop.access).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let phone_access = phone_next.body["access_token"].as_str().unwrap();
    let all = app.post("/api/v1/auth/logout").token(phone_access).send().await;
    assert_eq!(all.status, StatusCode::NO_CONTENT, "{}", all.text);
    let phone_refresh = phone_next.body["refresh_token"].as_str().unwrap();
    assert_eq!(app.refresh(phone_refresh).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&tablet_refresh).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&mallory.refresh).await.status, StatusCode::OK);

    let bad = app
        .post("/api/v1/auth/logout")
        .token(&mallory.access)
        .json(&json!({"refresh_token": 5}))
        .send()
        .await;
    assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

// ---------------------------------------------------------------------------------------------
// Profile and password
// ---------------------------------------------------------------------------------------------

async fn the_profile_is_versioned_and_patchable(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("profile@example.com").await;
    app.register_and_login("taken@example.com").await;

    let profile = app.get("/api/v1/users/profile").token(&s.access).send().await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.text);
    assert_eq!(profile.body["id"], s.user_id.as_str());
    let version: i64 = profile.header("etag").unwrap().trim_matches('"').parse().unwrap();

    let renamed = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .header("if-match", &format!("\"{version}\""))
        .json(&json!({"name": "  Renamed  "}))
        .send()
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "Renamed");
    assert_eq!(renamed.header("etag"), Some(format!("\"{}\"", version + 1).as_str()));

    let stale = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .header("if-match", &format!("\"{version}\""))
        .json(&json!({"name": "Lost update"}))
        .send()
        .await;
    assert_problem(&stale, StatusCode::PRECONDITION_FAILED, "stale_version");

    let unknown = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"name": "X", "role": "admin"}))
        .send()
        .await;
    assert_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(unknown.body["errors"][0]["field"], "role");

    let invalid = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"email": "nope", "name": ""}))
        .send()
        .await;
    assert_eq!(invalid.body["errors"].as_array().unwrap().len(), 2, "{}", invalid.text);

    let taken = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"email": "Taken@example.com"}))
        .send()
        .await;
    assert_problem(&taken, StatusCode::CONFLICT, "email_taken");

    let moved = app
        .patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"email": "New@Example.com"}))
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["email"], "new@example.com");
    assert_problem(
        &app.login("profile@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(app.login("new@example.com", PASSWORD).await.status, StatusCode::OK);
    // The old address is free again.
    assert_eq!(
        app.register("profile@example.com", PASSWORD, "Newcomer").await.status,
        StatusCode::CREATED
    );

    let me = me(&app, &s.access).await;
    assert_eq!(me.body["email"], "new@example.com");
    assert_eq!(me.body["name"], "Renamed");
}

async fn changing_the_password_revokes_sessions_and_retires_the_old_password(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("password@example.com").await;
    let change = |current: &str, new: &str| {
        let body = json!({"current_password": current, "new_password": new});
        app.post("/api/v1/users/password").token(&s.access).json(&body).send()
    };

    let wrong = change("not my password", "brand new password").await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let short = change(PASSWORD, "short").await;
    assert_problem(&short, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(short.body["errors"][0]["field"], "new_password");
    let unknown = app
        .post("/api/v1/users/password")
        .token(&s.access)
        .json(&json!({"current_password": PASSWORD, "new_password": "brand new password", "x": 1}))
        .send()
        .await;
    assert_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let done = change(PASSWORD, "brand new password").await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);

    assert_problem(
        &app.refresh(&s.refresh).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_problem(
        &app.login("password@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(
        app.login("password@example.com", "brand new password").await.status,
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------------------

async fn an_address_is_locked_after_twenty_failures_across_accounts(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.register("target@example.com", PASSWORD, "Target").await;
    let spray = (0..20).map(|n| {
        app.post("/api/v1/auth/login")
            .peer("203.0.113.9:1234")
            .json(&json!({"email": format!("guess{n}@example.com"), "password": "password1"}))
            .send()
    });
    for reply in futures::future::join_all(spray).await {
        assert_problem(&reply, StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let blocked = app
        .post("/api/v1/auth/login")
        .peer("203.0.113.9:4321")
        .json(&json!({"email": "target@example.com", "password": PASSWORD}))
        .send()
        .await;
    assert_problem(&blocked, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(blocked.header("retry-after").is_some());
    let elsewhere = app
        .post("/api/v1/auth/login")
        .peer("192.0.2.44:1234")
        .json(&json!({"email": "target@example.com", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text);
}

// ---------------------------------------------------------------------------------------------
// The event log
// ---------------------------------------------------------------------------------------------

async fn the_audit_trail_records_the_changes_and_no_secret(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("audit@example.com").await;
    let rotated = app.refresh(&s.refresh).await;
    let rotated_refresh = rotated.body["refresh_token"].as_str().unwrap().to_string();
    app.patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"name": "Audited", "email": "audited@example.com"}))
        .send()
        .await;
    let body = json!({"current_password": PASSWORD, "new_password": "second secret phrase"});
    let changed = app
        .post("/api/v1/users/password")
        .token(&s.access)
        .json(&body)
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    app.login("audited@example.com", "second secret phrase").await;

    let log = events(&app).await;
    let types: Vec<&str> = log.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        types,
        [
            "UserRegistered",
            "UserFirstLoggedIn",
            "UserEmailChanged",
            "UserNameChanged",
            "UserPasswordChanged",
        ]
    );
    assert!(log[2].1.contains("audit@example.com") && log[2].1.contains("audited@example.com"));

    let db = app.state.core.store.db();
    let hashes: Vec<(String,)> = db
        .fetch_all("select password_hash from credentials", &[])
        .await
        .unwrap();
    let token_hashes: Vec<(String,)> = db
        .fetch_all("select token_hash from refresh_tokens", &[])
        .await
        .unwrap();
    assert!(hashes[0].0.starts_with("$argon2id$"));
    let mut secrets = vec![
        PASSWORD.to_string(),
        "second secret phrase".to_string(),
        s.refresh.clone(),
        rotated_refresh,
        s.access.clone(),
        "$argon2".to_string(),
        hashes[0].0.clone(),
    ];
    secrets.extend(token_hashes.into_iter().map(|h| h.0));
    let everything: String = log.iter().map(|e| format!("{} {} {}\n", e.0, e.1, e.2)).collect();
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "the event log holds a secret: {secret}"
        );
    }
    assert!(!everything.to_lowercase().contains("password_hash"));
}

async fn a_replay_rebuilds_the_same_users_table(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("replay@example.com").await;
    app.register_and_login("second@example.com").await;
    app.patch("/api/v1/users/profile")
        .token(&s.access)
        .json(&json!({"name": "Replayed"}))
        .send()
        .await;
    let core = &app.state.core;
    let table = || {
        json_rows(
            core.store.db(),
            "id, email, name, is_active, is_superuser, role, onboarding_completed, onboarding_progress, \
             first_login_at, version, created_at, updated_at",
            "from users order by id",
        )
    };
    let live = table().await;
    assert_eq!(live.len(), 2);
    let users = core.projections.find("users").unwrap();
    joan_projections::rebuild::rebuild(&core.store, &[users], &())
        .await
        .unwrap();
    assert_eq!(table().await, live);
}

async fn the_openapi_document_describes_auth_and_users(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let spec = app.get("/api/openapi.json").send().await;
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/users/profile",
        "/api/v1/users/password",
    ] {
        assert!(spec.body["paths"][path].is_object(), "{path} is not documented");
    }
    assert!(spec.body["paths"]["/api/v1/auth/me"]["get"]["security"].is_array());
    assert!(spec.body["paths"]["/api/v1/auth/login"]["post"]["security"].is_null());
}
