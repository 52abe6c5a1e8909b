//! Rows the legacy database gained after a first run: a goal link of a task, a membership of
//! a project that the first run took in go onto the end of their streams on the next run.
use std::collections::BTreeSet;

use joan_api::import::import_legacy;
use joan_projections::rebuild::rebuild;

use super::legacy::get_ok;
use super::{Imported, import_fixture, legacy_rows, options, text, token};
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

on_both_backends!(a_later_run_adds_the_goal_links_and_members_of_tasks_and_projects_taken_in_before);

/// The first row of `sql` (two text columns) whose ids are all good rows.
fn first_good(legacy: &rusqlite::Connection, sql: &str, good: impl Fn(&str) -> bool) -> (String, String) {
    legacy_rows(legacy, sql)
        .iter()
        .map(|r| (text(&r[0]).unwrap(), text(&r[1]).unwrap()))
        .find(|(a, b)| good(a) && good(b))
        .unwrap()
}

async fn a_later_run_adds_the_goal_links_and_members_of_tasks_and_projects_taken_in_before(backend: Backend) {
    let Some(Imported {
        app,
        fixture,
        legacy,
        _dir,
        ..
    }) = import_fixture(backend).await
    else {
        return;
    };
    let bad: BTreeSet<String> = fixture.bad.iter().map(|(_, id)| id.clone()).collect();
    let good = |id: &str| !bad.contains(id);
    let (me, newcomer) = (fixture.users[0].0.clone(), fixture.users[5].0.clone());
    let (task, goal) = first_good(
        &legacy,
        &format!(
            "select t.id, g.id from tasks t join goals g on g.user_id = t.user_id where t.user_id = '{me}' \
             and not exists (select 1 from task_goal_links l where l.task_id = t.id and l.goal_id = g.id) \
             order by t.created_at, g.created_at"
        ),
        good,
    );
    let (project, _) = first_good(
        &legacy,
        &format!(
            "select p.id, p.user_id from projects p where p.user_id = '{me}' and not exists \
             (select 1 from project_memberships m where m.project_id = p.id and m.user_id = '{newcomer}')"
        ),
        good,
    );
    let (link, membership) = (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string());
    let path = _dir.path().join("legacy.db");
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer
        .execute(
            "insert into task_goal_links (id, task_id, goal_id, created_at) values (?1, ?2, ?3, '2024-06-01 10:00:00')",
            [&link, &task, &goal],
        )
        .unwrap();
    writer
        .execute(
            "insert into project_memberships (id, project_id, user_id, role, created_at) \
             values (?1, ?2, ?3, 'viewer', '2024-06-01 10:00:00')",
            [&membership, &project, &newcomer],
        )
        .unwrap();

    let files = Some(fixture.attachments_dir.as_path());
    let again = import_legacy(&app.state.core.store, &path, &options(&app, false, files), &())
        .await
        .unwrap();
    assert_eq!(again.imported(), 2, "{again}");
    let table = |t: &str| again.table(t).map(|t| (t.imported, t.already)).unwrap();
    assert_eq!(table("task_goal_links"), (1, fixture.good["task_goal_links"]));
    assert_eq!(table("project_memberships"), (1, fixture.good["project_memberships"]));
    assert_eq!(table("tasks"), (0, fixture.good_tasks));

    let (mine, theirs) = (token(&app, &me), token(&app, &newcomer));
    let linked = get_ok(&app, &mine, &format!("/api/v1/tasks?goal_id={goal}")).await;
    let ids: Vec<&str> = linked
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&task.as_str()), "{linked}");
    let members = get_ok(&app, &mine, &format!("/api/v1/projects/{project}/members")).await;
    let joined = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == newcomer.as_str())
        .unwrap_or_else(|| panic!("{members}"));
    assert_eq!(joined["role"], "viewer");
    // The newcomer sees the project now.
    get_ok(&app, &theirs, &format!("/api/v1/projects/{project}")).await;

    // A third run adds nothing; a replay gives the same tables.
    let third = import_legacy(&app.state.core.store, &path, &options(&app, false, files), &())
        .await
        .unwrap();
    assert_eq!(third.imported(), 0, "{third}");
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a replay of the additions");
}
