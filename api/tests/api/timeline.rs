//! The caller's timeline: `GET /audit` (who did what, readable, paged, filtered) and the
//! live feed `GET /events/stream` (Server-Sent Events, resumable, and only what the user may
//! see: their own doings and their projects' while they are members).
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde_json::{Value, json};

use crate::app::{Session, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    the_audit_lists_my_doings_and_my_projects_newest_first_with_each_change,
    the_audit_pages_by_position_and_filters,
    the_live_feed_shows_each_user_their_own_and_their_projects_changes,
    a_resumed_feed_loses_and_repeats_nothing,
    as_of_shows_each_step_of_a_task_and_a_revert_restores_it_as_a_new_step,
    a_note_reverts_to_an_earlier_content_and_as_of_shows_each_version,
);

const TASKS: &str = "/api/v1/tasks";
const PROJECTS: &str = "/api/v1/projects";

async fn task(app: &TestApp, who: &Session, body: Value) -> String {
    let created = app.post(TASKS).token(&who.access).json(&body).send().await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.body["id"].as_str().unwrap().to_string()
}

async fn rename(app: &TestApp, who: &Session, id: &str, title: &str) {
    let renamed = app
        .patch(&format!("{TASKS}/{id}"))
        .token(&who.access)
        .json(&json!({"title": title}))
        .send()
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
}

/// A project of `owner` with `member` in it.
async fn shared_project(app: &TestApp, owner: &Session, member: &Session) -> String {
    let created = app
        .post(PROJECTS)
        .token(&owner.access)
        .json(&json!({"name": "Garden"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let project = created.body["id"].as_str().unwrap().to_string();
    let added = app
        .post(&format!("{PROJECTS}/{project}/members"))
        .token(&owner.access)
        .json(&json!({"user_id": member.user_id, "role": "member"}))
        .send()
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    project
}

async fn remove(app: &TestApp, owner: &Session, project: &str, member: &Session) {
    let removed = app
        .delete(&format!("{PROJECTS}/{project}/members/{}", member.user_id))
        .token(&owner.access)
        .send()
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
}

async fn audit(app: &TestApp, who: &Session, query: &str) -> Value {
    let page = app
        .get(&format!("/api/v1/audit{query}"))
        .token(&who.access)
        .send()
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    page.body
}

fn summary(page: &Value) -> Vec<(String, String)> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["entity_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn the_audit_lists_my_doings_and_my_projects_newest_first_with_each_change(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let bob = app.register_and_login("bob@example.com").await;
    let mine = task(&app, &ann, json!({"title": "Water the roses"})).await;
    rename(&app, &ann, &mine, "Water the tulips").await;
    let bobs = task(&app, &bob, json!({"title": "Bob's own"})).await;

    let page = audit(&app, &ann, "?entity_type=task").await;
    assert_eq!(
        summary(&page),
        [
            ("TaskTitleChanged".into(), mine.clone()),
            ("TaskCreated".into(), mine.clone())
        ]
    );
    let change = &page["events"][0];
    assert_eq!(change["action"], "title changed");
    assert_eq!(change["actor"], ann.user_id.as_str());
    assert_eq!(change["version"], 2);
    assert_eq!(
        change["changes"],
        json!([{"field": "title", "from": "Water the roses", "to": "Water the tulips"}])
    );
    let created = &page["events"][1]["changes"];
    assert!(
        created
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "title" && c["to"] == "Water the roses" && c["from"].is_null()),
        "{created}"
    );

    // Bob sees his own task, none of Ann's; then Ann's project's tasks while a member.
    assert_eq!(
        summary(&audit(&app, &bob, "?entity_type=task").await),
        [("TaskCreated".into(), bobs.clone())]
    );
    let project = shared_project(&app, &ann, &bob).await;
    let shared = task(&app, &ann, json!({"title": "Dig", "project_id": project})).await;
    let bobs_view = audit(&app, &bob, "").await;
    let seen = summary(&bobs_view);
    assert_eq!(seen[0], ("TaskCreated".into(), shared.clone()), "{seen:?}");
    assert!(seen.iter().any(|(_, id)| *id == project), "{seen:?}");
    assert!(
        !seen.iter().any(|(_, id)| *id == mine),
        "Ann's own task leaked: {seen:?}"
    );

    // Removed, Bob sees only what he did himself.
    remove(&app, &ann, &project, &bob).await;
    let seen = summary(&audit(&app, &bob, "").await);
    assert!(!seen.iter().any(|(_, id)| *id == shared || *id == project), "{seen:?}");
    assert!(seen.iter().any(|(_, id)| *id == bobs), "{seen:?}");
}

async fn the_audit_pages_by_position_and_filters(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let id = task(&app, &ann, json!({"title": "v0"})).await;
    for n in 1..=5 {
        rename(&app, &ann, &id, &format!("v{n}")).await;
    }
    let query = format!("?entity_id={id}&limit=2");
    let mut titles = Vec::new();
    let mut before = String::new();
    loop {
        let page = audit(&app, &ann, &format!("{query}{before}")).await;
        for e in page["events"].as_array().unwrap() {
            titles.push(match e["changes"][0]["field"].as_str() {
                Some("title") if e["type"] == "TaskTitleChanged" => e["changes"][0]["to"].as_str().unwrap().to_string(),
                _ => "created".into(),
            });
        }
        match page["next_before"].as_i64() {
            Some(next) => before = format!("&before={next}"),
            None => break,
        }
    }
    assert_eq!(titles, ["v5", "v4", "v3", "v2", "v1", "created"]);

    let renames = audit(&app, &ann, &format!("?entity_id={id}&type=TaskTitleChanged")).await;
    assert_eq!(renames["events"].as_array().unwrap().len(), 5);
    let third = renames["events"][2]["at"].as_str().unwrap().to_string();
    let since = audit(&app, &ann, &format!("?entity_id={id}&since={}", urlencode(&third))).await;
    assert_eq!(since["events"].as_array().unwrap().len(), 3, "{since}");
    let until = audit(&app, &ann, &format!("?entity_id={id}&until={}", urlencode(&third))).await;
    assert_eq!(until["events"].as_array().unwrap().len(), 3, "{until}");

    for bad in [
        "?limit=0",
        "?limit=201",
        "?entity_id=nope",
        "?since=yesterday",
        "?type=Task-Created",
        "?before=0",
    ] {
        let refused = app.get(&format!("/api/v1/audit{bad}")).token(&ann.access).send().await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            refused.text
        );
    }
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('+', "%2B")
}

/// A client of `GET /events/stream`.
struct Feed {
    body: Body,
    buffer: String,
}

impl Feed {
    async fn open(app: &TestApp, who: &Session, last_event_id: Option<&str>) -> Self {
        let mut call = app.get("/api/v1/events/stream").token(&who.access);
        if let Some(id) = last_event_id {
            call = call.header("last-event-id", id);
        }
        let response = call.open().await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    /// The next event: its id and data; `None` when none comes within 10 seconds (on
    /// PostgreSQL an event is sent once settled, which any open transaction of the cluster,
    /// such as another test's, may hold back a while).
    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = Some(serde_json::from_str(v.trim()).unwrap());
                    }
                }
                match (id, data) {
                    (Some(id), Some(data)) => return Some((id, data)),
                    _ => continue, // a heartbeat comment
                }
            }
            let frame = tokio::time::timeout(Duration::from_secs(10), self.body.frame())
                .await
                .ok()??;
            if let Ok(bytes) = frame.unwrap().into_data() {
                self.buffer.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    async fn expect(&mut self, event_type: &str, entity: &str) -> String {
        let (id, data) = self
            .next()
            .await
            .unwrap_or_else(|| panic!("no {event_type} of {entity}"));
        assert_eq!(
            (data["type"].as_str().unwrap(), data["entity_id"].as_str().unwrap()),
            (event_type, entity)
        );
        assert_eq!(data["position"].to_string(), id);
        id
    }
}

async fn the_live_feed_shows_each_user_their_own_and_their_projects_changes(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let bob = app.register_and_login("bob@example.com").await;
    let project = shared_project(&app, &ann, &bob).await;
    let mut anns = Feed::open(&app, &ann, None).await;
    let mut bobs = Feed::open(&app, &bob, None).await;

    let private = task(&app, &ann, json!({"title": "Ann's own"})).await;
    let shared = task(&app, &ann, json!({"title": "Dig", "project_id": project})).await;
    rename(&app, &bob, &shared, "Dig deeper").await;
    anns.expect("TaskCreated", &private).await;
    anns.expect("TaskCreated", &shared).await;
    anns.expect("TaskTitleChanged", &shared).await;
    // Bob never sees Ann's private task: his first event is the project's.
    bobs.expect("TaskCreated", &shared).await;
    let (_, renamed) = bobs.next().await.unwrap();
    assert_eq!(renamed["actor"], bob.user_id.as_str());
    assert_eq!(renamed["changes"][0]["to"], "Dig deeper");

    // Removed from the project, Bob stops receiving its events at once.
    remove(&app, &ann, &project, &bob).await;
    anns.expect("ProjectMemberRemoved", &project).await;
    let later = task(&app, &ann, json!({"title": "Plant", "project_id": project})).await;
    let bobs_own = task(&app, &bob, json!({"title": "Bob's own"})).await;
    anns.expect("TaskCreated", &later).await;
    bobs.expect("TaskCreated", &bobs_own).await;
    // Ann's next event is her own, not Bob's private task before it.
    let sentinel = task(&app, &ann, json!({"title": "Ann again"})).await;
    anns.expect("TaskCreated", &sentinel).await;
}

async fn a_resumed_feed_loses_and_repeats_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let mut feed = Feed::open(&app, &ann, None).await;
    let first = task(&app, &ann, json!({"title": "one"})).await;
    let last_seen = feed.expect("TaskCreated", &first).await;
    drop(feed);

    // While disconnected: three changes. Then more while the resumed feed reads the gap.
    let second = task(&app, &ann, json!({"title": "two"})).await;
    rename(&app, &ann, &first, "one, renamed").await;
    let third = task(&app, &ann, json!({"title": "three"})).await;
    let mut resumed = Feed::open(&app, &ann, Some(&last_seen)).await;
    let fourth = task(&app, &ann, json!({"title": "four"})).await;
    let mut ids = vec![
        resumed.expect("TaskCreated", &second).await,
        resumed.expect("TaskTitleChanged", &first).await,
        resumed.expect("TaskCreated", &third).await,
        resumed.expect("TaskCreated", &fourth).await,
    ];
    let sentinel = task(&app, &ann, json!({"title": "five"})).await;
    ids.push(resumed.expect("TaskCreated", &sentinel).await);
    let sorted = {
        let mut s = ids.clone();
        s.sort_by_key(|i| i.parse::<i64>().unwrap());
        s
    };
    assert_eq!(ids, sorted);
    ids.dedup();
    assert_eq!(ids.len(), 5, "an event came twice");

    // A bad Last-Event-ID is refused, not ignored.
    let refused = app
        .get("/api/v1/events/stream")
        .token(&ann.access)
        .header("last-event-id", "yesterday")
        .send()
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
}

async fn history(app: &TestApp, who: &Session, path: &str) -> Vec<Value> {
    let reply = app.get(&format!("{path}/history")).token(&who.access).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body.as_array().unwrap().clone()
}

async fn as_of(app: &TestApp, who: &Session, path: &str, at: &str) -> Value {
    let reply = app
        .get(&format!("{path}?as_of={}", urlencode(at)))
        .token(&who.access)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn revert(app: &TestApp, who: &Session, path: &str, version: Value) -> crate::app::Reply {
    app.post(&format!("{path}/revert"))
        .token(&who.access)
        .json(&json!({"version": version}))
        .send()
        .await
}

async fn as_of_shows_each_step_of_a_task_and_a_revert_restores_it_as_a_new_step(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let id = task(&app, &ann, json!({"title": "Draft", "priority": 2, "tags": ["home"]})).await;
    let path = format!("{TASKS}/{id}");
    rename(&app, &ann, &id, "Final").await;
    let patched = app
        .patch(&path)
        .token(&ann.access)
        .json(&json!({"priority": 4, "tags": ["home", "urgent"], "description": "by Friday"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let done = app.post(&format!("{path}/complete")).token(&ann.access).send().await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);

    // Each step's instant shows exactly the task as it was then.
    let steps = history(&app, &ann, &path).await;
    let at = |sequence: i64| {
        steps
            .iter()
            .rfind(|e| e["sequence"].as_i64().unwrap() <= sequence)
            .unwrap()["at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = as_of(&app, &ann, &path, &at(1)).await;
    assert_eq!(
        (&first["title"], &first["priority"], &first["tags"]),
        (&json!("Draft"), &json!(2), &json!(["home"]))
    );
    assert_eq!(first["description"], Value::Null);
    let renamed = as_of(&app, &ann, &path, &at(2)).await;
    assert_eq!((&renamed["title"], &renamed["priority"]), (&json!("Final"), &json!(2)));
    let before_done = as_of(&app, &ann, &path, steps[steps.len() - 2]["at"].as_str().unwrap()).await;
    assert_eq!(
        (&before_done["priority"], &before_done["description"]),
        (&json!(4), &json!("by Friday"))
    );
    assert_ne!(before_done["status"], "completed");
    let now = app.get(&path).token(&ann.access).send().await.body;
    assert_eq!(now["status"], "completed");

    // Back to version 1: every field as it was, as new events on top of the history.
    let current = now["version"].as_i64().unwrap();
    let reverted = revert(&app, &ann, &path, json!(1)).await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.text);
    for field in ["title", "priority", "tags", "description", "status"] {
        assert_eq!(reverted.body[field], first[field], "{field}");
    }
    assert!(reverted.body["version"].as_i64().unwrap() > current);
    let after = history(&app, &ann, &path).await;
    assert_eq!(after.len() as i64, reverted.body["version"].as_i64().unwrap());
    let marker = &after[steps.len()];
    assert_eq!(
        (&marker["type"], &marker["data"]["version"]),
        (&json!("TaskReverted"), &json!(1))
    );
    assert!(
        after[steps.len() + 1..]
            .iter()
            .any(|e| e["type"] == "TaskTitleChanged" && e["data"]["to"] == "Draft")
    );
    // Nothing was rewritten: the old steps are still there, as they were.
    assert_eq!(&after[..steps.len()], &steps[..]);
    let activity = app.get(&format!("{path}/activity")).token(&ann.access).send().await;
    assert!(activity.text.contains("reverted"), "{}", activity.text);

    // Only earlier versions, only your own tasks.
    let latest = reverted.body["version"].as_i64().unwrap();
    for bad in [json!(0), json!(latest), json!(latest + 10), json!("one")] {
        let refused = revert(&app, &ann, &path, bad.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            refused.text
        );
    }
    let bob = app.register_and_login("bob@example.com").await;
    assert_eq!(revert(&app, &bob, &path, json!(1)).await.status, StatusCode::NOT_FOUND);
    let unchanged = app.get(&path).token(&ann.access).send().await.body;
    assert_eq!(unchanged["version"], json!(latest));
}

async fn a_note_reverts_to_an_earlier_content_and_as_of_shows_each_version(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    let created = app
        .post("/api/v1/notes")
        .token(&ann.access)
        .json(&json!({"title": "Plan", "content": "# One\n\nfirst"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let path = format!("/api/v1/notes/{}", created.body["id"].as_str().unwrap());
    for (n, content) in [(2, "# Two"), (3, "# Three")] {
        let edited = app
            .patch(&path)
            .token(&ann.access)
            .json(&json!({"content": content, "is_pinned": n == 3}))
            .send()
            .await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    }
    let steps = history(&app, &ann, &path).await;
    let mut seen = Vec::new();
    for step in &steps {
        let then = as_of(&app, &ann, &path, step["at"].as_str().unwrap()).await;
        seen.push(then["content"].as_str().unwrap().to_string());
    }
    seen.dedup();
    assert_eq!(seen, ["# One\n\nfirst", "# Two", "# Three"]);

    let reverted = revert(&app, &ann, &path, json!(1)).await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.text);
    assert_eq!(reverted.body["content"], "# One\n\nfirst");
    assert_eq!(reverted.body["is_pinned"], json!(false));
    assert!(
        reverted.body["content_html"].as_str().unwrap().contains("<h1>One</h1>"),
        "{}",
        reverted.text
    );
    let after = history(&app, &ann, &path).await;
    assert_eq!(after[steps.len()]["type"], "NoteReverted");
    // Reverting to where it already is changes nothing.
    let again = revert(&app, &ann, &path, json!(1)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["version"], reverted.body["version"]);
}
