//! A replay of the log rebuilds exactly the tables the live projections built, on SQLite
//! and on PostgreSQL.
use joan_projections::rebuild::rebuild;

use crate::backend::{Backend, TestDb, on_both_backends};
use crate::support::{assert_same_dump, dump, joan, mixed_workload, open_core_at, rows, settle};

on_both_backends!(
    joan_replay_rebuilds_identical_tables,
    replaying_one_projection_repairs_it_and_leaves_the_others_alone,
    a_rebuild_keeps_up_with_commands_running_beside_it,
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
