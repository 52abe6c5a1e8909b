//! `/schedule`: days set whole, checked block by block, changed by index, deleted and set
//! again; templates with one default, applied to a day. The shared conventions of templates
//! are in conformance.rs; a day, addressed by its date, has its own checks here.
use axum::http::{Method, StatusCode};
use joan_projections::rebuild::rebuild;
use serde_json::{Value, json};

use crate::app::{Reply, TestApp};
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

on_both_backends!(
    a_day_is_set_replaced_deleted_and_set_again_with_its_history,
    overlapping_blocks_are_refused_naming_the_blocks_that_clash,
    a_block_is_patched_by_its_index,
    a_day_keeps_the_conventions,
    one_template_is_the_default_and_templates_apply_to_a_day,
);

const DAY: &str = "/api/v1/schedule/daily";

fn block(start: &str, end: &str, title: &str) -> Value {
    json!({"start": start, "end": end, "title": title, "kind": "focus"})
}

fn day_body(date: &str, blocks: Vec<Value>) -> Value {
    json!({"date": date, "blocks": blocks})
}

fn fields(reply: &Reply) -> Vec<&str> {
    reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn a_day_is_set_replaced_deleted_and_set_again_with_its_history(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let path = format!("{DAY}/2026-03-02");
    let morning = vec![block("09:00", "10:00", "Plan"), block("10:00", "12:00", "Write")];
    let created = app
        .post(DAY)
        .token(&token)
        .json(&day_body("2026-03-02", morning))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.header("location"), Some(path.as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["date"], "2026-03-02");
    assert_eq!(
        created.body["blocks"][1],
        json!({"start": "10:00", "end": "12:00", "title": "Write", "kind": "focus", "task_id": null})
    );

    let replaced = app
        .post(DAY)
        .token(&token)
        .json(&json!({"date": "2026-03-02", "blocks": [{"start": "14:00", "end": "24:00", "title": "Afternoon"}]}))
        .send()
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["id"], created.body["id"]);
    assert_eq!(replaced.body["blocks"][0]["kind"], "other");
    let read = app.get(&path).token(&token).send().await;
    assert_eq!((read.status, &read.body), (StatusCode::OK, &replaced.body));
    let past = app
        .get(&format!(
            "{path}?as_of={}",
            created.body["created_at"].as_str().unwrap()
        ))
        .token(&token)
        .send()
        .await;
    assert_eq!(past.body["blocks"], created.body["blocks"], "{}", past.text);

    let deleted = app.delete(&path).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(app.get(&path).token(&token).send().await.status, StatusCode::NOT_FOUND);
    let again = app
        .post(DAY)
        .token(&token)
        .json(&day_body("2026-03-02", vec![]))
        .send()
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body["version"], 4);
    let history = app.get(&format!("{path}/history")).token(&token).send().await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ScheduleCreated",
            "ScheduleBlocksReplaced",
            "ScheduleDeleted",
            "ScheduleCreated"
        ]
    );
    let other_day = app.get(&format!("{DAY}/2026-03-03")).token(&token).send().await;
    other_day.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let no_date = app.get(&format!("{DAY}/2026-02-30")).token(&token).send().await;
    no_date.assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn overlapping_blocks_are_refused_naming_the_blocks_that_clash(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let before = events(&app).await;
    let clash = day_body(
        "2026-03-02",
        vec![
            block("09:00", "10:00", "A"),
            block("13:00", "14:00", "B"),
            block("09:30", "11:00", "C"),
        ],
    );
    let refused = app.post(DAY).token(&token).json(&clash).send().await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&refused), ["blocks[0]", "blocks[2]"], "{}", refused.text);
    assert!(
        refused.text.contains("overlaps blocks[2] (09:30-11:00)"),
        "{}",
        refused.text
    );

    let bad = json!({"date": "2026-13-01", "blocks": [
        {"start": "9:00", "end": "10:00", "title": "A"},
        {"start": "11:00", "end": "24:01", "title": ""},
        {"start": "12:00", "end": "12:00", "title": "Empty"},
        {"start": "23:00", "end": "24:00", "title": "Late", "task_id": "00000000-0000-0000-0000-000000000001"}
    ]});
    let refused = app.post(DAY).token(&token).json(&bad).send().await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        fields(&refused),
        ["date", "blocks[0].start", "blocks[1].end", "blocks[1].title"],
        "{}",
        refused.text
    );
    let empty = json!({"date": "2026-03-02", "blocks": [{"start": "12:00", "end": "12:00", "title": "Empty"}]});
    let refused = app.post(DAY).token(&token).json(&empty).send().await;
    assert_eq!(fields(&refused), ["blocks[0].end"], "{}", refused.text);
    let no_task = json!({"date": "2026-03-02", "blocks": [
        {"start": "23:00", "end": "24:00", "title": "Late", "task_id": "00000000-0000-0000-0000-000000000001"}]});
    let refused = app.post(DAY).token(&token).json(&no_task).send().await;
    assert_eq!(fields(&refused), ["blocks[0].task_id"], "{}", refused.text);
    assert_eq!(events(&app).await, before, "refusals appended events");
}

async fn a_block_is_patched_by_its_index(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let task = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "Draft"}))
        .send()
        .await;
    let task_id = task.body["id"].as_str().unwrap();
    let blocks = vec![
        block("09:00", "10:00", "Plan"),
        block("10:00", "12:00", "Write"),
        block("13:00", "14:00", "Call"),
    ];
    app.post(DAY)
        .token(&token)
        .json(&day_body("2026-03-02", blocks))
        .send()
        .await;
    let at = |i: usize| format!("{DAY}/2026-03-02/blocks/{i}");

    let changed = app
        .patch(&at(1))
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Write the plan", "end": "12:30", "task_id": task_id}))
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some("\"2\""));
    assert_eq!(
        changed.body["blocks"][1],
        json!({"start": "10:00", "end": "12:30", "title": "Write the plan", "kind": "focus", "task_id": task_id})
    );
    assert_eq!(changed.body["blocks"][0]["title"], "Plan");

    let strangers_task = app.token_for_new_user();
    let theirs = app
        .post("/api/v1/tasks")
        .token(&strangers_task)
        .json(&json!({"title": "Theirs"}))
        .send()
        .await;
    let before = events(&app).await;
    let overlap = app
        .patch(&at(2))
        .token(&token)
        .json(&json!({"start": "12:00"}))
        .send()
        .await;
    overlap.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&overlap), ["blocks[1]", "blocks[2]"], "{}", overlap.text);
    let backwards = app
        .patch(&at(0))
        .token(&token)
        .json(&json!({"end": "08:00"}))
        .send()
        .await;
    assert_eq!(fields(&backwards), ["blocks[0].end"], "{}", backwards.text);
    let beyond = app
        .patch(&at(3))
        .token(&token)
        .json(&json!({"title": "Nope"}))
        .send()
        .await;
    beyond.assert_problem(StatusCode::NOT_FOUND, "not_found");
    let not_a_number = app
        .patch(&format!("{DAY}/2026-03-02/blocks/x"))
        .token(&token)
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(not_a_number.status, StatusCode::NOT_FOUND);
    let stale = app
        .patch(&at(0))
        .token(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Stale"}))
        .send()
        .await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");
    let foreign = app
        .patch(&at(0))
        .token(&token)
        .json(&json!({"task_id": theirs.body["id"]}))
        .send()
        .await;
    assert_eq!(fields(&foreign), ["task_id"], "{}", foreign.text);
    let unchanged = app
        .patch(&at(0))
        .token(&token)
        .json(&json!({"title": "Plan"}))
        .send()
        .await;
    assert_eq!(
        (unchanged.status, unchanged.header("etag")),
        (StatusCode::OK, Some("\"2\""))
    );
    assert_eq!(events(&app).await, before, "refusals appended events");
    let no_day = app
        .patch(&format!("{DAY}/2026-03-03/blocks/0"))
        .token(&token)
        .json(&json!({}))
        .send()
        .await;
    no_day.assert_problem(StatusCode::NOT_FOUND, "not_found");
}

async fn a_day_keeps_the_conventions(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let owner = app.token_for_new_user();
    let stranger = app.token_for_new_user();
    let path = format!("{DAY}/2026-03-02");
    let body = day_body("2026-03-02", vec![block("09:00", "10:00", "Plan")]);
    let send = || {
        app.post(DAY)
            .token(&owner)
            .header("idempotency-key", "day-1")
            .json(&body)
            .send()
    };
    let first = send().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let after = events(&app).await;
    let replay = send().await;
    assert_eq!((replay.status, &replay.body), (StatusCode::CREATED, &first.body));
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(events(&app).await, after);

    // The stranger's 2026-03-02 is their own, empty day: every route is a 404 and changes nothing.
    for (method, target, body) in [
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/history"), None),
        (Method::GET, format!("{path}?as_of=2030-01-01T00:00:00Z"), None),
        (Method::DELETE, path.clone(), None),
        (
            Method::PATCH,
            format!("{path}/blocks/0"),
            Some(json!({"title": "Mine"})),
        ),
    ] {
        for if_match in [None, Some("\"1\"")] {
            let mut call = app.call(method.clone(), &target).token(&stranger);
            if let Some(tag) = if_match {
                call = call.header("if-match", tag);
            }
            if let Some(body) = &body {
                call = call.json(body);
            }
            let reply = call.send().await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {target}: {}", reply.text);
        }
    }
    assert_eq!(events(&app).await, after, "a stranger changed something");
    let stale = app.delete(&path).token(&owner).header("if-match", "\"7\"").send().await;
    stale.assert_problem(StatusCode::PRECONDITION_FAILED, "stale_version");

    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, DAY);
}

async fn one_template_is_the_default_and_templates_apply_to_a_day(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let templates = "/api/v1/schedule/templates";
    let create = |name: &str, is_default: bool| {
        let body = json!({"name": name, "blocks": [block("09:00", "12:00", name)], "is_default": is_default});
        app.post(templates).token(&token).json(&body).send()
    };
    let work = create("Work", true).await;
    assert_eq!(
        (work.status, &work.body["is_default"]),
        (StatusCode::CREATED, &json!(true)),
        "{}",
        work.text
    );
    let rest = create("Rest", true).await;
    let plain = create("Plain", false).await;
    let defaults = |list: &Reply| -> Vec<(String, bool)> {
        list.body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["is_default"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let list = app.get(templates).token(&token).send().await;
    assert_eq!(
        defaults(&list),
        [("Rest".into(), true), ("Plain".into(), false), ("Work".into(), false)]
    );
    let work_path = format!("{templates}/{}", work.body["id"].as_str().unwrap());
    let made = app
        .patch(&work_path)
        .token(&token)
        .json(&json!({"is_default": true}))
        .send()
        .await;
    assert_eq!(made.body["is_default"], true, "{}", made.text);
    let list = app.get(templates).token(&token).send().await;
    assert_eq!(defaults(&list)[0], ("Work".into(), true));
    assert_eq!(defaults(&list).iter().filter(|(_, d)| *d).count(), 1);
    let cleared = app
        .patch(&work_path)
        .token(&token)
        .json(&json!({"is_default": false}))
        .send()
        .await;
    assert_eq!(cleared.body["is_default"], false);
    let list = app.get(templates).token(&token).send().await;
    assert!(defaults(&list).iter().all(|(_, d)| !d), "{}", list.text);
    let overlap = app
        .patch(&work_path)
        .token(&token)
        .json(&json!({"blocks": [block("09:00", "10:00", "A"), block("09:59", "11:00", "B")]}))
        .send()
        .await;
    assert_eq!(fields(&overlap), ["blocks[0]", "blocks[1]"], "{}", overlap.text);

    let apply = |id: &Value, body: Value| {
        app.post(&format!("{templates}/{}/apply", id.as_str().unwrap()))
            .token(&token)
            .json(&body)
            .send()
    };
    let applied = apply(&rest.body["id"], json!({"date": "2026-03-02"})).await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.text);
    assert_eq!(applied.header("location"), Some(format!("{DAY}/2026-03-02").as_str()));
    assert_eq!(applied.body["blocks"], rest.body["blocks"]);
    let exists = apply(&plain.body["id"], json!({"date": "2026-03-02"})).await;
    exists.assert_problem(StatusCode::CONFLICT, "schedule_exists");
    let replaced = apply(&plain.body["id"], json!({"date": "2026-03-02", "replace": true})).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["blocks"], plain.body["blocks"]);
    let history = app.get(&format!("{DAY}/2026-03-02/history")).token(&token).send().await;
    assert_eq!(
        history.body[1]["data"]["template_id"], plain.body["id"],
        "{}",
        history.text
    );
    let bad_date = apply(&plain.body["id"], json!({"date": "tomorrow"})).await;
    bad_date.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let stranger = app.token_for_new_user();
    let theirs = app
        .post(&format!("{templates}/{}/apply", plain.body["id"].as_str().unwrap()))
        .token(&stranger)
        .json(&json!({"date": "2026-03-04"}))
        .send()
        .await;
    theirs.assert_problem(StatusCode::NOT_FOUND, "not_found");
    assert!(
        app.get(templates)
            .token(&stranger)
            .send()
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Replayed in one batch, the last template made default is still the only one.
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, templates);
}
