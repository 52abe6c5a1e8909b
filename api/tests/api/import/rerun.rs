//! Running the import again, as a dry run, and without the attachments folder; replaying
//! what it wrote.
use std::collections::BTreeSet;

use joan_api::import::fixture;
use joan_api::import::import_legacy;
use joan_projections::rebuild::rebuild;

use super::{Imported, TASKS, bad_rows, events, import_fixture, legacy_rows, options, text};
use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::support::{assert_same_dump, dump, settle};

on_both_backends!(
    a_second_import_adds_nothing_and_a_replay_gives_identical_tables,
    a_dry_run_reports_and_writes_nothing,
    without_the_attachments_folder_every_attachment_is_reported_and_a_later_run_takes_them_in,
);

async fn a_second_import_adds_nothing_and_a_replay_gives_identical_tables(backend: Backend) {
    let Some(Imported {
        app, fixture, legacy, ..
    }) = import_fixture(backend).await
    else {
        return;
    };
    let core = &app.state.core;
    settle(core).await;

    // Imported tasks count in the daily statistics and analytics as created ones do, and
    // those that came in completed as completed on their old day.
    let bad: BTreeSet<String> = fixture
        .bad
        .iter()
        .filter(|(t, _)| *t == "tasks")
        .map(|(_, id)| id.clone())
        .collect();
    let completed = legacy_rows(&legacy, "select id from tasks where status = 'completed'")
        .iter()
        .filter(|r| !bad.contains(&text(&r[0]).unwrap()))
        .count() as i64;
    let db = core.store.db();
    let sum = |column: &'static str| async move {
        db.fetch_scalar_i64(
            &format!("select cast(coalesce(sum({column}), 0) as bigint) from task_daily_stats"),
            &[],
        )
        .await
        .unwrap()
    };
    assert_eq!(sum("created").await, fixture.good_tasks as i64);
    assert_eq!(sum("completed").await, completed);
    let facts = db
        .fetch_scalar_i64("select count(*) from analytics_task_facts where kind = 'created'", &[])
        .await
        .unwrap();
    assert_eq!(facts, fixture.good_tasks as i64);
    let done = db
        .fetch_scalar_i64(
            "select count(*) from analytics_task_state where done_at is not null",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(done, completed);
    let before = events(&app).await;
    let live = dump(core.store.db()).await;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    fixture::write(&path, TASKS).unwrap();
    let files = Some(fixture.attachments_dir.as_path());
    let again = import_legacy(&core.store, &path, &options(&app, false, files), &())
        .await
        .unwrap();
    assert_eq!(again.imported(), 0, "{again}");
    let already = |t: &str| again.table(t).unwrap().already;
    for (table, good) in &fixture.good {
        assert_eq!(already(table), *good, "{table}");
    }
    assert_eq!(
        (
            already("users"),
            already("folders"),
            already("tasks"),
            already("task_activities")
        ),
        (
            fixture.good_users,
            fixture.good_folders,
            fixture.good_tasks,
            fixture.good_activities
        )
    );
    assert!(again.to_string().contains("nothing new to import"), "{again}");
    assert_eq!(events(&app).await, before);
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a second import");

    rebuild(&core.store, core.projections.all(), &()).await.unwrap();
    settle(core).await;
    assert_same_dump(&dump(core.store.db()).await, &live, "after a replay of the import");
}

async fn a_dry_run_reports_and_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    let fixture = fixture::write(&path, TASKS).unwrap();
    let before = events(&app).await;
    let files = Some(fixture.attachments_dir.as_path());
    let report = import_legacy(&app.state.core.store, &path, &options(&app, true, files), &())
        .await
        .unwrap();
    assert_eq!(report.table("tasks").unwrap().imported, fixture.good_tasks);
    assert_eq!(bad_rows(&report).len(), fixture.bad.len());
    assert!(report.to_string().contains("dry run"), "{report}");
    assert_eq!(events(&app).await, before);
    // The real run afterwards takes everything in.
    let real = import_legacy(&app.state.core.store, &path, &options(&app, false, files), &())
        .await
        .unwrap();
    assert_eq!(real.imported(), report.imported());
}

async fn without_the_attachments_folder_every_attachment_is_reported_and_a_later_run_takes_them_in(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.db");
    let fixture = fixture::write(&path, TASKS).unwrap();
    let first = import_legacy(&app.state.core.store, &path, &options(&app, false, None), &())
        .await
        .unwrap();
    let attachments = first.table("attachments").unwrap();
    assert_eq!((attachments.imported, attachments.already), (0, 0));
    assert_eq!(attachments.bad.len() as u64, attachments.read, "{first}");
    assert!(
        attachments
            .bad
            .iter()
            .all(|b| b.reason.contains("no --attachments folder")),
        "{first}"
    );
    assert!(
        first.to_string().contains("no --attachments folder was given"),
        "{first}"
    );

    let files = Some(fixture.attachments_dir.as_path());
    let second = import_legacy(&app.state.core.store, &path, &options(&app, false, files), &())
        .await
        .unwrap();
    assert_eq!(second.imported(), fixture.good["attachments"], "{second}");
    assert_eq!(
        second.table("attachments").unwrap().imported,
        fixture.good["attachments"]
    );
    let expected: BTreeSet<(String, String)> = fixture
        .bad
        .iter()
        .filter(|(t, _)| *t == "attachments")
        .map(|(t, id)| (t.to_string(), id.clone()))
        .collect();
    let refused: BTreeSet<(String, String)> = bad_rows(&second)
        .into_iter()
        .filter(|(t, _)| t == "attachments")
        .collect();
    assert_eq!(refused, expected, "{second}");
}
