//! The built web app served by `joan serve` at `/`, beside the API.
use axum::http::StatusCode;
use joan_api::http::{HttpOptions, router};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    the_app_is_served_at_the_root_with_its_own_csp_and_cache_rules,
    client_routes_fall_back_to_the_app_but_api_paths_stay_problem_json,
);

const INDEX: &str = "<!doctype html><title>Joan</title><script type=module src=/assets/index-abc123.js></script>";
const SCRIPT: &str = "console.log('joan')";

/// A `TestApp` serving a built app from a temporary directory.
async fn app_with_frontend(backend: Backend) -> Option<(TestApp, tempfile::TempDir)> {
    let mut app = TestApp::new(backend).await?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::write(dir.path().join("assets/index-abc123.js"), SCRIPT).unwrap();
    std::fs::write(dir.path().join("favicon.svg"), "<svg/>").unwrap();
    app.router = router(
        app.state.clone(),
        &HttpOptions {
            frontend_dir: Some(dir.path().to_path_buf()),
            ..HttpOptions::default()
        },
    );
    Some((app, dir))
}

async fn the_app_is_served_at_the_root_with_its_own_csp_and_cache_rules(backend: Backend) {
    let Some((app, _dir)) = app_with_frontend(backend).await else {
        return;
    };
    let index = app.get("/").send().await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.text, INDEX);
    assert!(index.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let csp = index.header("content-security-policy").unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains('*'), "{csp}");
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));

    let script = app.get("/assets/index-abc123.js").send().await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.text, SCRIPT);
    assert!(script.header("content-type").unwrap().contains("javascript"));
    assert_eq!(
        script.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    // A file that is not hashed may change with the next build.
    let icon = app.get("/favicon.svg").send().await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.header("cache-control"), Some("no-cache"));
    // A missing hashed asset is a 404, never index.html cached for a year.
    let missing = app.get("/assets/index-gone.js").send().await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    // The API keeps its own headers.
    let health = app.get("/healthz").send().await;
    assert_eq!(health.status, StatusCode::OK);
    let token = app.token_for_new_user();
    let tasks = app.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(tasks.status, StatusCode::OK);
    assert_eq!(tasks.header("cache-control"), Some("no-store"));
    assert!(
        tasks
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

async fn client_routes_fall_back_to_the_app_but_api_paths_stay_problem_json(backend: Backend) {
    let Some((app, _dir)) = app_with_frontend(backend).await else {
        return;
    };
    for route in [
        "/tasks",
        "/tasks/5b0c3f9e-0000-4000-8000-000000000000",
        "/board",
        "/settings/ai",
    ] {
        let page = app.get(route).send().await;
        assert_eq!(page.status, StatusCode::OK, "{route}");
        assert_eq!(page.text, INDEX, "{route}");
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{route}");
    }
    let api = app.get("/api/v1/nope").send().await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
    assert_eq!(api.code(), "route_not_found");
    // `/metrics` lives on its own listener unless a token is set: not an app page either.
    let metrics = app.get("/metrics").send().await;
    assert_eq!(metrics.status, StatusCode::NOT_FOUND);
    assert_eq!(metrics.code(), "route_not_found");
    // A path that only starts like the API's is the app's.
    assert_eq!(app.get("/apiary").send().await.text, INDEX);
    let posted = app.post("/tasks").send().await;
    assert_eq!(posted.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(posted.code(), "method_not_allowed");
}

/// `joan openapi` prints the served document, every `operationId` once (what the app's type
/// generator needs), without a data directory.
#[test]
fn joan_openapi_prints_the_document_with_unique_operation_ids() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(crate::support::JOAN)
        .arg("openapi")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/tasks/{id}"));
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let count = ids.len();
    assert!(count > 100, "{count}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "repeated operationIds");
    // Goals and activity goals both name their history handler `goal_history`: both ids
    // come from the paths.
    assert_eq!(
        paths["/api/v1/activities/goals/{id}/history"]["get"]["operationId"],
        "get_activities_goals_id_history"
    );
    assert_eq!(
        paths["/api/v1/goals/{id}/history"]["get"]["operationId"],
        "get_goals_id_history"
    );
    // A handler name used once stays.
    assert_eq!(paths["/api/v1/tasks/{id}"]["get"]["operationId"], "get_task");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}
