//! Importing the fixture: every good row of every table reads back through the API with its
//! old values, every bad row is in the report.
use std::collections::{BTreeSet, HashMap};

use axum::http::StatusCode;
use joan_commands::args;
use serde_json::Value;

use super::{
    Imported, activities, activity_goals, activity_oldest_first, at, attachments, bad_rows, clients,
    dropped_references, goals, import_fixture, legacy, legacy_rows, notes, pomodoro, projects, schedules, settings,
    text, token,
};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(every_good_row_reads_back_through_the_api_and_every_bad_row_is_reported);

async fn every_good_row_reads_back_through_the_api_and_every_bad_row_is_reported(backend: Backend) {
    // The folder is kept to the end: the attachments' files are compared with their content.
    let Some(Imported {
        app,
        fixture,
        report,
        legacy,
        _dir,
    }) = import_fixture(backend).await
    else {
        return;
    };
    let expected_bad: BTreeSet<(String, String)> =
        fixture.bad.iter().map(|(t, id)| (t.to_string(), id.clone())).collect();
    assert_eq!(bad_rows(&report), expected_bad, "{report}");
    let counts = |t: &str| report.table(t).map(|t| (t.imported, t.already)).unwrap();
    assert_eq!(counts("users"), (fixture.good_users, 0));
    assert_eq!(counts("folders"), (fixture.good_folders, 0));
    assert_eq!(counts("tasks"), (fixture.good_tasks, 0));
    assert_eq!(counts("task_activities"), (fixture.good_activities, 0));
    for (table, good) in &fixture.good {
        assert_eq!(counts(table), (*good, 0), "{table}");
    }
    let expected_dropped: BTreeSet<(String, String, String)> = fixture
        .dropped
        .iter()
        .map(|(t, id, c)| (t.to_string(), id.clone(), c.to_string()))
        .collect();
    assert_eq!(dropped_references(&report), expected_dropped, "{report}");
    let summary = report.to_string();
    assert!(!summary.contains("not imported by this version"), "{summary}");
    // Every legacy table is in the report.
    for table in fixture.bad.iter().map(|(t, _)| *t).chain(fixture.good.keys().copied()) {
        assert!(report.table(table).is_some(), "{table}: {summary}");
    }
    assert!(summary.contains("its parents form a cycle"), "{summary}");

    // Users: their profile as the old rows had it.
    let tokens: HashMap<String, String> = fixture
        .users
        .iter()
        .map(|(id, ..)| (id.clone(), token(&app, id)))
        .collect();
    for row in legacy_rows(
        &legacy,
        "select id, email, name, is_active, created_at, updated_at from users",
    ) {
        let id = text(&row[0]).unwrap();
        let Some(token) = tokens.get(&id) else { continue };
        let me = app.get("/api/v1/users/profile").token(token).send().await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["email"], text(&row[1]).unwrap().as_str());
        assert_eq!(me.body["name"], text(&row[2]).unwrap_or_default().as_str());
        assert_eq!(me.body["created_at"], at(text(&row[4])), "{}", me.text);
    }

    // Folders: the sound ones, the child under its parent.
    for row in legacy_rows(&legacy, "select id, user_id, parent_id, name, created_at from folders") {
        let id = text(&row[0]).unwrap();
        let folder = app
            .get(&format!("/api/v1/folders/{id}"))
            .token(&tokens[&text(&row[1]).unwrap()])
            .send()
            .await;
        if expected_bad.contains(&("folders".into(), id.clone())) {
            assert_eq!(folder.status, StatusCode::NOT_FOUND);
            continue;
        }
        assert_eq!(folder.status, StatusCode::OK, "{}", folder.text);
        assert_eq!(folder.body["parent_id"], text(&row[2]).map_or(Value::Null, Value::from));
        assert_eq!(folder.body["name"], text(&row[3]).unwrap().as_str());
        assert_eq!(folder.body["created_at"], at(text(&row[4])));
    }

    // Tasks: every column the old system had, through the owner's eyes.
    let sql = "select id, user_id, title, description, status, priority, due_date, completed_at, folder_id, \
               created_at, updated_at, project_id from tasks";
    let mut checked = 0;
    for row in legacy_rows(&legacy, sql) {
        let id = text(&row[0]).unwrap();
        if expected_bad.contains(&("tasks".into(), id.clone())) {
            continue;
        }
        let owner = text(&row[1]).unwrap();
        let task = app
            .get(&format!("/api/v1/tasks/{id}"))
            .token(&tokens[&owner])
            .send()
            .await;
        assert_eq!(task.status, StatusCode::OK, "{id}: {}", task.text);
        let b = &task.body;
        assert_eq!(b["user_id"], owner.as_str());
        assert_eq!(b["title"], text(&row[2]).unwrap().as_str());
        assert_eq!(b["description"], text(&row[3]).map_or(Value::Null, Value::from));
        assert_eq!(b["status"], text(&row[4]).unwrap().as_str());
        let priority = match row[5] {
            rusqlite::types::Value::Integer(p) => p,
            _ => 0,
        };
        assert_eq!(b["priority"], priority);
        let due = text(&row[6]).map(|d| if d.len() == 10 { Value::from(d) } else { at(Some(d)) });
        assert_eq!(b["due_date"], due.unwrap_or(Value::Null));
        assert_eq!(b["completed_at"], at(text(&row[7])));
        let reference = |i: usize, column: &str| {
            if expected_dropped.contains(&("tasks".into(), id.clone(), column.into())) {
                Value::Null
            } else {
                text(&row[i]).map_or(Value::Null, Value::from)
            }
        };
        assert_eq!(b["folder_id"], reference(8, "folder_id"));
        assert_eq!(b["project_id"], reference(11, "project_id"), "{id}");
        assert_eq!(b["created_at"], at(text(&row[9])));
        assert_eq!(b["updated_at"], at(text(&row[10])));
        // Someone else's imported task is not theirs to see (unless it is in a project of
        // theirs).
        if b["project_id"].is_null() {
            let stranger = tokens.iter().find(|(u, _)| **u != owner).unwrap().1;
            let hidden = app.get(&format!("/api/v1/tasks/{id}")).token(stranger).send().await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        }
        checked += 1;
    }
    assert_eq!(checked, fixture.good_tasks);

    // The other tables, each through its own endpoints.
    let expect = legacy::Expect {
        tokens: &tokens,
        bad: &expected_bad,
        dropped: &expected_dropped,
    };
    let good = |table: &str| fixture.good[table];
    assert_eq!(
        settings::read_back_settings(&app, &legacy, &expect).await,
        good("user_settings")
    );
    settings::no_key_in_clear(&app, &fixture.secrets, &report.to_string()).await;
    assert_eq!(notes::read_back_notes(&app, &legacy, &expect).await, good("notes"));
    assert_eq!(goals::read_back_goals(&app, &legacy, &expect).await, good("goals"));
    assert_eq!(
        clients::read_back_clients(&app, &legacy, &expect).await,
        good("clients")
    );
    assert_eq!(
        activities::read_back_activities(&app, &legacy, &expect).await,
        good("personal_activities")
    );
    assert_eq!(
        projects::read_back_projects(&app, &legacy, &expect).await,
        good("projects")
    );
    assert_eq!(
        pomodoro::read_back_sessions(&app, &legacy, &expect).await,
        good("pomodoro_sessions")
    );
    assert_eq!(
        pomodoro::read_back_settings(&app, &legacy, &expect).await,
        good("pomodoro_settings")
    );
    assert_eq!(
        activity_goals::read_back_activity_goals(&app, &legacy, &expect).await,
        good("activity_goals")
    );
    assert_eq!(
        schedules::read_back_days(&app, &legacy, &expect).await,
        good("daily_schedules")
    );
    assert_eq!(
        schedules::read_back_templates(&app, &legacy, &expect).await,
        good("schedule_templates")
    );
    assert_eq!(
        attachments::read_back_attachments(&app, &legacy, &expect, &fixture.attachments_dir).await,
        good("attachments")
    );
    let db = app.state.core.store.db();
    assert_eq!(goals::links_kept(db, &legacy, &expect).await, good("task_goal_links"));
    assert_eq!(
        projects::memberships_kept(db, &legacy, &expect).await,
        good("project_memberships")
    );

    // The long history: the import first, then every old activity in order, ids kept.
    let task = &fixture.long_history_task;
    let owner: String = legacy
        .query_row("select user_id from tasks where id = ?1", [task], |r| r.get(0))
        .unwrap();
    let old = legacy_rows(
        &legacy,
        &format!(
            "select id, action, details, created_at from task_activities where task_id = '{task}' order by created_at, rowid"
        ),
    );
    assert!(old.len() > 200, "{}", old.len());
    let shown = activity_oldest_first(&app, &tokens[&owner], task).await;
    assert_eq!(shown.len(), old.len() + 1);
    assert_eq!(shown[0]["action"], "imported");
    for (row, activity) in old.iter().zip(&shown[1..]) {
        assert_eq!(activity["id"], text(&row[0]).unwrap().as_str());
        assert_eq!(activity["action"], text(&row[1]).unwrap().as_str());
        let details: Value = text(&row[2]).map_or(Value::Null, |d| serde_json::from_str(&d).unwrap());
        assert_eq!(activity["details"], details, "{activity}");
        assert_eq!(activity["created_at"], at(text(&row[3])));
    }
    let history = app
        .get(&format!("/api/v1/tasks/{task}/history"))
        .token(&tokens[&owner])
        .send()
        .await;
    let types: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.first(), Some(&"TaskImported"));
    assert!(types[1..].iter().all(|t| *t == "TaskActivityImported"), "{types:?}");
    assert_eq!(history.body[0]["actor"], owner.as_str(), "{}", history.text);

    // Every imported event names its owner as actor and the run in its metadata.
    let metadata: Vec<(String, Option<String>)> = app
        .state
        .core
        .store
        .db()
        .fetch_all(
            "select metadata, owner_id from events where aggregate_id = $1",
            &args![task.as_str()],
        )
        .await
        .unwrap();
    for (meta, owner_id) in metadata {
        let meta: Value = serde_json::from_str(&meta).unwrap();
        assert_eq!(meta["import_run"], report.run_id.as_str());
        assert_eq!(meta["actor"], owner.as_str());
        assert_eq!(owner_id.as_deref(), Some(owner.as_str()));
    }

    // A change after the import continues the history.
    let patched = app
        .patch(&format!("/api/v1/tasks/{task}"))
        .token(&tokens[&owner])
        .json(&serde_json::json!({"title": "Renamed after the move"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let shown = activity_oldest_first(&app, &tokens[&owner], task).await;
    assert_eq!(shown.last().unwrap()["action"], "title_changed");
}
