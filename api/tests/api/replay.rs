//! A replay of the log rebuilds exactly the tables the live projections built, on SQLite
//! and on PostgreSQL.
use joan_projections::rebuild::{Paging, rebuild, rebuild_paged};

use crate::backend::{Backend, TestDb, on_both_backends};
use crate::support::{assert_same_dump, dump, joan, mixed_workload, open_core_at, rows, settle};

on_both_backends!(
    joan_replay_rebuilds_identical_tables,
    replaying_one_projection_repairs_it_and_leaves_the_others_alone,
    a_rebuild_keeps_up_with_commands_running_beside_it,
    daily_statistics_count_every_creation_and_completion_by_owner_and_utc_day,
    every_projection_rebuilds_identical_after_a_mix_of_every_domain,
);

async fn joan_replay_rebuilds_identical_tables(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let core = open_core_at(&db.location).await;
    mixed_workload(&core, 3_000, 7).await;
    settle(&core).await;
    let live = dump(core.store.db()).await;
    assert!(
        rows(&live, "tasks").len() > 100 && rows(&live, "task_activities").len() > 2_000,
        "workload too small: {:?}",
        live.iter().map(|t| t.1.len()).collect::<Vec<_>>()
    );
    core.close().await;

    let out = joan(&db).arg("replay").output().unwrap();
    assert!(
        out.status.success(),
        "replay failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("replayed tasks, task_activities, task_daily_stats") && summary.contains("events/s"),
        "{summary}"
    );

    let core = open_core_at(&db.location).await;
    // Events a rebuild found unsettled (PostgreSQL) are the catch-up projectors' to apply.
    settle(&core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after joan replay");
    core.close().await;
}

async fn replaying_one_projection_repairs_it_and_leaves_the_others_alone(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let core = open_core_at(&db.location).await;
    mixed_workload(&core, 500, 11).await;
    settle(&core).await;
    let live = dump(core.store.db()).await;
    core.close().await;

    // Damage the tables behind Joan's back.
    db.execute_outside("update tasks set title = 'vandalised'").await;
    db.execute_outside("delete from task_activities where action = 'created'")
        .await;

    let out = joan(&db).args(["replay", "--projection", "tasks"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let core = open_core_at(&db.location).await;
    let after = dump(core.store.db()).await;
    assert_eq!(rows(&after, "tasks"), rows(&live, "tasks"), "tasks were not rebuilt");
    assert_ne!(
        rows(&after, "task_activities"),
        rows(&live, "task_activities"),
        "task_activities should not have been touched"
    );
    core.close().await;

    let bad = joan(&db).args(["replay", "--projection", "nope"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no projection named"));
}

async fn a_rebuild_keeps_up_with_commands_running_beside_it(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let core = open_core_at(&db.location).await;
    mixed_workload(&core, 1_500, 3).await;
    let projections = core.projections.all().to_vec();
    let (report, ()) = tokio::join!(rebuild(&core.store, &projections, &()), mixed_workload(&core, 300, 4));
    report.unwrap();
    settle(&core).await;
    let live = dump(core.store.db()).await;
    // A second rebuild with nothing running beside it must agree with what the first left.
    rebuild(&core.store, &projections, &()).await.unwrap();
    settle(&core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a second rebuild");
    core.close().await;
}

/// `task_daily_stats` against counts made here from the whole log, every event decoded as
/// the domain's `TaskEvent` (the projector reads only the kind and instant it counts).
async fn daily_statistics_count_every_creation_and_completion_by_owner_and_utc_day(backend: Backend) {
    use std::collections::BTreeMap;

    use joan_commands::{Cursor, Horizon};
    use joan_domain::task::TaskEvent;

    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let core = open_core_at(&db.location).await;
    mixed_workload(&core, 1_000, 5).await;
    settle(&core).await;

    let mut expected: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    let mut cursor = Cursor::START;
    loop {
        let page = core.store.read_after(cursor, Horizon::Settled, 500).await.unwrap();
        if page.events.is_empty() {
            break;
        }
        for event in page.events.iter().filter(|e| e.aggregate_type == "task") {
            let decoded: TaskEvent = event.decode().unwrap();
            let (created, completed) = match decoded {
                TaskEvent::TaskCreated { .. } => (1, 0),
                TaskEvent::TaskCompleted { .. } => (0, 1),
                _ => continue,
            };
            let owner = event.owner_id.clone().unwrap();
            let counts = expected.entry((owner, decoded.at().day())).or_default();
            counts.0 += created;
            counts.1 += completed;
        }
        cursor = page.end;
    }
    let stats: Vec<(String, String, i64, i64)> = core
        .store
        .db()
        .fetch_all(
            "select user_id, day, created, completed from task_daily_stats order by user_id, day",
            &[],
        )
        .await
        .unwrap();
    let projected: BTreeMap<(String, String), (i64, i64)> = stats
        .into_iter()
        .map(|(user, day, c, d)| ((user, day), (c, d)))
        .collect();
    // Three users over five days, with completions among them: the comparison is not vacuous.
    assert!(
        projected.len() > 5 && projected.values().any(|c| c.1 > 0),
        "{projected:?}"
    );
    assert_eq!(projected, expected);
    core.close().await;
}

/// Every registered projection, built live from thousands of requests over every domain,
/// then rebuilt from the log: row for row the same.
async fn every_projection_rebuilds_identical_after_a_mix_of_every_domain(backend: Backend) {
    use joan_api::workload::Workload;

    use crate::app::TestApp;

    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let mut workload = Workload::start(app.router.clone(), &app.state, 4, 21).await.unwrap();
    let tally = workload.run(3_000).await.unwrap();
    assert!(tally.accepted > 2_000, "{tally:?}");
    let core = &app.state.core;
    settle(core).await;
    let live = dump(core.store.db()).await;
    for table in [
        "tasks",
        "task_activities",
        "kanban_boards",
        "goals",
        "task_goal_links",
        "folders",
        "notes",
        "clients",
        "projects",
        "project_memberships",
        "pomodoro_sessions",
        "daily_schedules",
        "schedule_templates",
        "personal_activities",
        "activity_goals",
        "user_settings",
        "analytics_task_facts",
        "analytics_task_goals",
        "analytics_goal_progress",
        "analytics_pomodoro_sessions",
        "analytics_activities",
    ] {
        assert!(rows(&live, table).len() > 3, "the mix made too few {table}: {tally:?}");
    }
    let searches = full_text_counts(core.store.db()).await;
    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after rebuilding every projection");
    // SQLite's full-text indexes are filled in one pass by the swap, not row by row.
    assert_eq!(
        full_text_counts(core.store.db()).await,
        searches,
        "searches after the rebuild"
    );
    // Small pages, and rows held back across many of them then written when a hundred are
    // held (and read back when a later page changes them): the log spans dozens of pages,
    // and the same tables come out.
    let paging = Paging { page: 50, hold: 100 };
    let report = rebuild_paged(&core.store, core.projections.all(), &(), paging)
        .await
        .unwrap();
    assert!(report.events > 40 * 50, "{} events", report.events);
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a rebuild in small pages");
}

/// How many tasks and notes match each of a few words of their titles, through the full-text
/// indexes (SQLite; PostgreSQL's search vectors are generated columns of the rows, which the
/// dumps compare already).
async fn full_text_counts(db: &joan_commands::Database) -> Vec<(String, i64)> {
    if db.is_postgres() {
        return Vec::new();
    }
    let mut counts = Vec::new();
    for (table, index) in [("tasks", "tasks_fts"), ("notes", "notes_fts")] {
        let titles: Vec<(String,)> = db
            .fetch_all(&format!("select title from {table} order by id limit 5"), &[])
            .await
            .unwrap();
        assert!(!titles.is_empty(), "no {table} to search");
        let before = counts.len();
        for (title,) in titles {
            let Some(word) = title.split_whitespace().find(|w| w.chars().all(char::is_alphanumeric)) else {
                continue;
            };
            let query = format!("\"{word}\"");
            let n = db
                .fetch_scalar_i64(
                    &format!("select count(*) from {index} where {index} match $1"),
                    &joan_commands::args![query.as_str()],
                )
                .await
                .unwrap();
            assert!(n > 0, "{word:?} of a title of {table} is not found");
            counts.push((format!("{table}: {word}"), n));
        }
        assert!(counts.len() > before, "no title of {table} has a plain word");
    }
    counts
}
