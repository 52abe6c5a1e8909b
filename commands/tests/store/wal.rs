//! SQLite's write-ahead log stays small under a steady stream of appends and reads.
use joan_commands::db::{self, Location};
use joan_commands::{EventStore, StoreOptions};
use sqlx::Connection;

use crate::backend::{Backend, TestDb};
use crate::support::event;

/// Log frames past which this test's store starts the log over (about 1 MiB).
const RESTART_FRAMES: i64 = 256;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_ahead_log_starts_over_under_steady_appends_and_reads() {
    let db = TestDb::create(Backend::Sqlite).await.expect("sqlite");
    let Location::Sqlite(path) = db.location.clone() else {
        unreachable!()
    };
    db::migrate(&db.location).await.unwrap();
    let options = StoreOptions {
        wal_restart_frames: RESTART_FRAMES,
        ..StoreOptions::default()
    };
    let store = EventStore::open(&db.location, options, vec![]).await.unwrap();

    // Readers never stop, so some read is nearly always on the log: what kept it from ever
    // starting over. Eight writers append 40,000 events of ~300 bytes (12 MB and more
    // with the indexes, all of it in the log had it never started over).
    let reading = store.clone();
    let reader = tokio::spawn(async move {
        loop {
            let head = *reading.head().borrow();
            let page = reading.read_from((head - 50).max(0), 50).await.unwrap();
            assert!(page.len() <= 50);
            tokio::task::yield_now().await;
        }
    });
    let wal = path.with_extension("db-wal");
    let mut writers = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..500 {
                let stream = format!("w{w}-{n}");
                let mut events: Vec<_> = (1..=10).map(|s| event(&stream, s)).collect();
                for e in &mut events {
                    e.payload = format!(r#"{{"Happened":{{"note":"{}"}}}}"#, "x".repeat(200));
                }
                store.append(events, None).await.unwrap();
            }
        }));
    }
    // How many frames the log holds, looked at from outside while the appends go on (a
    // passive checkpoint of its own, which blocks no one). It only ever falls if the log
    // starts over.
    let mut outside = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let (mut highest, mut fell) = (0i64, false);
    while writers.iter().any(|w| !w.is_finished()) {
        let (_, log, _): (i64, i64, i64) = sqlx::query_as("pragma wal_checkpoint(passive)")
            .fetch_one(&mut outside)
            .await
            .unwrap();
        fell |= log < highest;
        highest = highest.max(log);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    for w in writers {
        w.await.unwrap();
    }
    reader.abort();
    let events = store
        .db()
        .fetch_scalar_i64("select count(*) from events", &[])
        .await
        .unwrap();
    assert_eq!(events, 40_000);
    assert!(
        highest > RESTART_FRAMES,
        "the load never filled the log ({highest} frames)"
    );
    assert!(
        fell,
        "the log never started over under load; it reached {highest} frames"
    );

    // Once it has started over, the next commit gives the file's excess back.
    let keep = (RESTART_FRAMES * 4096) as u64;
    let mut size = u64::MAX;
    for n in 0..40 {
        store.append(vec![event(&format!("after-{n}"), 1)], None).await.unwrap();
        size = std::fs::metadata(&wal).unwrap().len();
        if size <= keep {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(size <= keep, "the log file is still {size} bytes");
}
