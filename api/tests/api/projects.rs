//! Projects over HTTP: exact money, dates, and the access matrix of owner, admin, member,
//! viewer and outsider over every project route.
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{Session, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    money_round_trips_exactly_and_dates_keep_their_order,
    every_role_gets_exactly_what_it_may_and_a_refusal_changes_nothing,
    a_removed_member_loses_access_on_the_next_request,
    the_last_owner_stays,
    members_work_on_the_projects_tasks_viewers_read_outsiders_see_nothing,
    a_project_names_only_your_clients_and_a_client_with_projects_stays,
);

const PROJECTS: &str = "/api/v1/projects";

struct Team {
    owner: Session,
    admin: Session,
    member: Session,
    viewer: Session,
    outsider: Session,
    project: String,
}

async fn team(app: &TestApp) -> Team {
    let [owner, admin, member, viewer, outsider] = [
        app.register_and_login("owner@example.com").await,
        app.register_and_login("admin@example.com").await,
        app.register_and_login("member@example.com").await,
        app.register_and_login("viewer@example.com").await,
        app.register_and_login("outsider@example.com").await,
    ];
    let created = app
        .post(PROJECTS)
        .token(&owner.access)
        .json(&json!({"name": "Website"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let project = created.body["id"].as_str().unwrap().to_string();
    for (who, role) in [(&admin, "admin"), (&member, "member"), (&viewer, "viewer")] {
        let added = app
            .post(&format!("{PROJECTS}/{project}/members"))
            .token(&owner.access)
            .json(&json!({"user_id": who.user_id, "role": role}))
            .send()
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    }
    Team {
        owner,
        admin,
        member,
        viewer,
        outsider,
        project,
    }
}

async fn money_round_trips_exactly_and_dates_keep_their_order(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let created = app
        .post(PROJECTS)
        .token(&token)
        .json(
            &json!({"name": "Audit", "budget": "0.10", "hourly_rate": "9999999999999.9999",
            "start_date": "2026-03-01", "end_date": "2026-03-31"}),
        )
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    // 0.1 + 0.2 style drift cannot happen: the text is the value.
    assert_eq!(created.body["budget"], "0.1");
    assert_eq!(created.body["hourly_rate"], "9999999999999.9999");
    let path = format!("{PROJECTS}/{}", created.body["id"].as_str().unwrap());
    let got = app.get(&path).token(&token).send().await;
    assert_eq!(got.body, created.body);

    let before_start = app
        .patch(&path)
        .token(&token)
        .json(&json!({"end_date": "2026-02-28"}))
        .send()
        .await;
    assert_eq!(
        before_start.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        before_start.text
    );
    assert_eq!(before_start.body["errors"][0]["field"], "end_date");
    let float = app
        .patch(&path)
        .token(&token)
        .json(&json!({"budget": 0.3}))
        .send()
        .await;
    assert_eq!(float.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", float.text);
    assert_eq!(app.get(&path).token(&token).send().await.body, created.body);
}

/// `(method, path suffix, body)` of every project route, and which roles it admits.
fn routes(team: &Team) -> Vec<(Method, String, Option<Value>, [bool; 4])> {
    let base = format!("{PROJECTS}/{}", team.project);
    let viewer = &team.viewer.user_id;
    let outsider = &team.outsider.user_id;
    //                                       owner  admin  member viewer
    vec![
        (Method::GET, base.clone(), None, [true, true, true, true]),
        (Method::GET, format!("{base}/history"), None, [true, true, true, true]),
        (
            Method::GET,
            format!("{base}?as_of=2999-01-01T00:00:00Z"),
            None,
            [true, true, true, true],
        ),
        (Method::GET, format!("{base}/members"), None, [true, true, true, true]),
        (
            Method::PATCH,
            base.clone(),
            Some(json!({"status": "on_hold"})),
            [true, true, false, false],
        ),
        (
            Method::POST,
            format!("{base}/members"),
            Some(json!({"user_id": outsider, "role": "viewer"})),
            [true, true, false, false],
        ),
        (
            Method::PATCH,
            format!("{base}/members/{viewer}"),
            Some(json!({"role": "member"})),
            [true, true, false, false],
        ),
        (Method::DELETE, base.clone(), None, [true, false, false, false]),
    ]
}

async fn every_role_gets_exactly_what_it_may_and_a_refusal_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let team = team(&app).await;
    let count = async || app.state.core.store.count_events().await.unwrap();
    let roles = [&team.owner, &team.admin, &team.member, &team.viewer];
    // Refusals first, on the team as it is; then each allowed write on a fresh project.
    for (method, path, body, allowed) in routes(&team) {
        for (i, who) in roles.iter().enumerate() {
            if allowed[i] && method != Method::GET {
                continue;
            }
            let before = count().await;
            let mut call = app.call(method.clone(), &path).token(&who.access);
            if let Some(body) = &body {
                call = call.json(body);
            }
            let reply = call.send().await;
            let expected = if allowed[i] {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(reply.status, expected, "role {i} {method} {path}: {}", reply.text);
            if !allowed[i] {
                assert_eq!(reply.code(), "role_forbids");
            }
            assert_eq!(count().await, before, "role {i} {method} {path} appended events");
        }
        // An outsider learns nothing: 404 on every route, with nothing changed.
        let before = count().await;
        let mut call = app.call(method.clone(), &path).token(&team.outsider.access);
        if let Some(body) = &body {
            call = call.json(body);
        }
        let reply = call.send().await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{method} {path}"
        );
        assert_eq!(count().await, before);
    }
    // Members and viewers see the project in their list; the outsider does not.
    for (who, total) in [(&team.viewer, "1"), (&team.member, "1"), (&team.outsider, "0")] {
        let list = app.get(PROJECTS).token(&who.access).send().await;
        assert_eq!(list.header("x-total-count"), Some(total));
    }
    for (method, path, body, allowed) in routes(&team) {
        if method == Method::GET {
            continue;
        }
        for (i, who) in roles.iter().enumerate().filter(|(i, _)| allowed[*i]) {
            // Each allowed write runs on a project where it has not happened yet.
            let fresh = team_with_project(&app, &team).await;
            let path = path.replace(&team.project, &fresh);
            let mut call = app.call(method.clone(), &path).token(&who.access);
            if let Some(body) = &body {
                call = call.json(body);
            }
            let reply = call.send().await;
            assert!(
                reply.status.is_success(),
                "role {i} {method} {path}: {} {}",
                reply.status,
                reply.text
            );
        }
    }
}

/// A second project with the same team, for the writes that are allowed.
async fn team_with_project(app: &TestApp, team: &Team) -> String {
    let created = app
        .post(PROJECTS)
        .token(&team.owner.access)
        .json(&json!({"name": "Another"}))
        .send()
        .await;
    let project = created.body["id"].as_str().unwrap().to_string();
    for (who, role) in [
        (&team.admin, "admin"),
        (&team.member, "member"),
        (&team.viewer, "viewer"),
    ] {
        app.post(&format!("{PROJECTS}/{project}/members"))
            .token(&team.owner.access)
            .json(&json!({"user_id": who.user_id, "role": role}))
            .send()
            .await;
    }
    project
}

async fn a_removed_member_loses_access_on_the_next_request(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let team = team(&app).await;
    let path = format!("{PROJECTS}/{}", team.project);
    assert_eq!(
        app.get(&path).token(&team.member.access).send().await.status,
        StatusCode::OK
    );
    let removed = app
        .delete(&format!("{path}/members/{}", team.member.user_id))
        .token(&team.admin.access)
        .send()
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let after = app.get(&path).token(&team.member.access).send().await;
    assert_eq!(after.status, StatusCode::NOT_FOUND);
    let members = app
        .get(&format!("{path}/members"))
        .token(&team.owner.access)
        .send()
        .await;
    let roles: Vec<&str> = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["owner", "admin", "viewer"]);
    assert_eq!(members.body[0]["email"], "owner@example.com");
    // A viewer may leave on their own.
    let left = app
        .delete(&format!("{path}/members/{}", team.viewer.user_id))
        .token(&team.viewer.access)
        .send()
        .await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&path).token(&team.viewer.access).send().await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_last_owner_stays(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let team = team(&app).await;
    let path = format!("{PROJECTS}/{}", team.project);
    let me = format!("{path}/members/{}", team.owner.user_id);
    let leave = app.delete(&me).token(&team.owner.access).send().await;
    assert_eq!((leave.status, leave.code()), (StatusCode::CONFLICT, "last_owner"));
    let demote = app
        .patch(&me)
        .token(&team.owner.access)
        .json(&json!({"role": "admin"}))
        .send()
        .await;
    assert_eq!((demote.status, demote.code()), (StatusCode::CONFLICT, "last_owner"));
    let by_admin = app.delete(&me).token(&team.admin.access).send().await;
    assert_eq!(by_admin.status, StatusCode::FORBIDDEN);
    let twice = app
        .post(&format!("{path}/members"))
        .token(&team.owner.access)
        .json(&json!({"user_id": team.viewer.user_id, "role": "member"}))
        .send()
        .await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "already_member"));
    let nobody = app
        .post(&format!("{path}/members"))
        .token(&team.owner.access)
        .json(&json!({"user_id": uuid::Uuid::new_v4(), "role": "member"}))
        .send()
        .await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn members_work_on_the_projects_tasks_viewers_read_outsiders_see_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let team = team(&app).await;
    let project = team.project.clone();
    let new_task = |title: &str| json!({"title": title, "project_id": project});
    let count = async || app.state.core.store.count_events().await.unwrap();

    // Members create tasks in the project; a viewer may not, an outsider's project is not theirs.
    let by_member = app
        .post("/api/v1/tasks")
        .token(&team.member.access)
        .json(&new_task("m"))
        .send()
        .await;
    assert_eq!(by_member.status, StatusCode::CREATED, "{}", by_member.text);
    let by_owner = app
        .post("/api/v1/tasks")
        .token(&team.owner.access)
        .json(&new_task("o"))
        .send()
        .await;
    assert_eq!(by_owner.status, StatusCode::CREATED);
    let before = count().await;
    let by_viewer = app
        .post("/api/v1/tasks")
        .token(&team.viewer.access)
        .json(&new_task("v"))
        .send()
        .await;
    assert_eq!(
        (by_viewer.status, by_viewer.code()),
        (StatusCode::FORBIDDEN, "role_forbids")
    );
    let by_outsider = app
        .post("/api/v1/tasks")
        .token(&team.outsider.access)
        .json(&new_task("x"))
        .send()
        .await;
    assert_eq!(
        by_outsider.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        by_outsider.text
    );
    assert_eq!(count().await, before);

    // Every member lists all of the project's tasks; the outsider lists none.
    let list = format!("/api/v1/tasks?project_id={project}");
    for who in [&team.owner, &team.admin, &team.member, &team.viewer] {
        let reply = app.get(&list).token(&who.access).send().await;
        assert_eq!(reply.header("x-total-count"), Some("2"), "{}", reply.text);
    }
    assert_eq!(
        app.get(&list)
            .token(&team.outsider.access)
            .send()
            .await
            .header("x-total-count"),
        Some("0")
    );

    // The owner's task: members edit and complete it, the viewer reads it, the outsider gets 404.
    let task = format!("/api/v1/tasks/{}", by_owner.body["id"].as_str().unwrap());
    let edited = app
        .patch(&task)
        .token(&team.member.access)
        .json(&json!({"priority": 4}))
        .send()
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    let done = app
        .post(&format!("{task}/complete"))
        .token(&team.admin.access)
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let read = app.get(&task).token(&team.viewer.access).send().await;
    assert_eq!(
        (read.status, read.body["status"].as_str()),
        (StatusCode::OK, Some("completed"))
    );
    let history = app
        .get(&format!("{task}/history"))
        .token(&team.viewer.access)
        .send()
        .await;
    assert_eq!(history.body.as_array().map(Vec::len), Some(3), "{}", history.text);
    let activity = app
        .get(&format!("{task}/activity"))
        .token(&team.viewer.access)
        .send()
        .await;
    assert_eq!(activity.status, StatusCode::OK);
    let before = count().await;
    let as_viewer = app
        .patch(&task)
        .token(&team.viewer.access)
        .json(&json!({"priority": 1}))
        .send()
        .await;
    assert_eq!(
        (as_viewer.status, as_viewer.code()),
        (StatusCode::FORBIDDEN, "role_forbids")
    );
    for (method, path) in [
        (Method::GET, task.clone()),
        (Method::GET, format!("{task}/history")),
        (Method::PATCH, task.clone()),
        (Method::POST, format!("{task}/reopen")),
        (Method::DELETE, task.clone()),
    ] {
        let reply = app
            .call(method.clone(), &path)
            .token(&team.outsider.access)
            .header("if-match", "\"3\"")
            .json(&json!({"priority": 1}))
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}: {}", reply.text);
    }
    assert_eq!(count().await, before);

    // Removed from the project, the member loses its tasks on the very next request.
    app.delete(&format!("{PROJECTS}/{project}/members/{}", team.member.user_id))
        .token(&team.owner.access)
        .send()
        .await;
    let after = app
        .patch(&task)
        .token(&team.member.access)
        .json(&json!({"priority": 2}))
        .send()
        .await;
    assert_eq!(after.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&list)
            .token(&team.member.access)
            .send()
            .await
            .header("x-total-count"),
        Some("1")
    );
}

async fn a_project_names_only_your_clients_and_a_client_with_projects_stays(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (mine, theirs) = (app.token_for_new_user(), app.token_for_new_user());
    let client = |token: &str| {
        let token = token.to_string();
        let app = &app;
        async move {
            let reply = app
                .post("/api/v1/clients")
                .token(&token)
                .json(&json!({"name": "Acme"}))
                .send()
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            reply.body["id"].as_str().unwrap().to_string()
        }
    };
    let (my_client, their_client) = (client(&mine).await, client(&theirs).await);
    let refused = app
        .post(PROJECTS)
        .token(&mine)
        .json(&json!({"name": "P", "client_id": their_client}))
        .send()
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["field"], "client_id");
    let project = app
        .post(PROJECTS)
        .token(&mine)
        .json(&json!({"name": "P", "client_id": my_client}))
        .send()
        .await;
    assert_eq!(project.status, StatusCode::CREATED, "{}", project.text);
    let listed = app
        .get(&format!("{PROJECTS}?client_id={my_client}"))
        .token(&mine)
        .send()
        .await;
    assert_eq!(listed.header("x-total-count"), Some("1"));

    let client_path = format!("/api/v1/clients/{my_client}");
    let kept = app.delete(&client_path).token(&mine).send().await;
    assert_eq!(
        (kept.status, kept.code()),
        (StatusCode::CONFLICT, "client_has_projects")
    );
    let stranger = app.delete(&client_path).token(&theirs).send().await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let project_path = format!("{PROJECTS}/{}", project.body["id"].as_str().unwrap());
    assert_eq!(
        app.delete(&project_path).token(&mine).send().await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&client_path).token(&mine).send().await.status,
        StatusCode::NO_CONTENT
    );
}
