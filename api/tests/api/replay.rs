//! A replay of the log rebuilds exactly the tables the live projections built.
use std::process::Command;

use joan_projections::rebuild::rebuild;

use crate::support::{JOAN, dump, mixed_workload, open_core};

#[tokio::test]
async fn joan_replay_rebuilds_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path()).await;
    mixed_workload(&core, 3_000, 7).await;
    let head = *core.store.head().borrow();
    core.wait_for(head).await;
    let live = dump(core.store.db()).await;
    assert!(
        live[0].1.len() > 100 && live[1].1.len() > 2_000,
        "workload too small: {:?}",
        live.iter().map(|t| t.1.len()).collect::<Vec<_>>()
    );
    core.close().await;

    let out = Command::new(JOAN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("replay")
        .output()
        .unwrap();
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

    let core = open_core(dir.path()).await;
    assert_eq!(dump(core.store.db()).await, live);
    core.close().await;
}

#[tokio::test]
async fn replaying_one_projection_repairs_it_and_leaves_the_others_alone() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path()).await;
    mixed_workload(&core, 500, 11).await;
    let live = dump(core.store.db()).await;
    core.close().await;

    // Damage the tasks table behind Joan's back.
    let path = dir.path().join("joan.db");
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("update tasks set title = 'vandalised'")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("delete from task_activities where action = 'created'")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);

    let out = Command::new(JOAN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["replay", "--projection", "tasks"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let core = open_core(dir.path()).await;
    let after = dump(core.store.db()).await;
    assert_eq!(after[0], live[0], "tasks were not rebuilt");
    assert_ne!(after[1], live[1], "task_activities should not have been touched");
    core.close().await;

    let bad = Command::new(JOAN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["replay", "--projection", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no projection named"));
}

#[tokio::test]
async fn a_rebuild_keeps_up_with_commands_running_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path()).await;
    mixed_workload(&core, 1_500, 3).await;
    let projections = core.projections.all().to_vec();
    let (report, ()) = tokio::join!(rebuild(&core.store, &projections, &()), mixed_workload(&core, 300, 4));
    report.unwrap();
    let head = *core.store.head().borrow();
    core.wait_for(head).await;
    let live = dump(core.store.db()).await;
    // A second rebuild with nothing running beside it must agree with what the first left.
    rebuild(&core.store, &projections, &()).await.unwrap();
    assert_eq!(dump(core.store.db()).await, live);
    core.close().await;
}
