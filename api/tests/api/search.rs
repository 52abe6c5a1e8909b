//! Full-text search over many matches, on both backends: a user's newest matches are ranked,
//! older ones follow newest first, the count stays exact, and paging never loses or repeats a
//! row.
use axum::http::StatusCode;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(many_matches_rank_the_newest_window_and_page_through_every_one_once);

/// Past `joan_projections::search::WINDOW` (2,000): the oldest 100 fall outside the window.
const MINE: i64 = 2_100;

/// How often note `i` says "alpha": 1 to 5 times.
fn repeats(i: i64) -> i64 {
    1 + (i * 7) % 5
}

/// Note `i`'s title (and id): sorted as `i` is.
fn title(i: i64) -> String {
    format!("t{i:04}")
}

/// Writes `MINE` notes of `user` (titles `t0000`.. in the order written, each a second newer
/// than the one before) and 20 of `other`, straight into the table (the index follows through
/// its triggers or its generated column).
async fn fill(app: &TestApp, user: &str, other: &str) {
    let notes = |owner: &str, prefix: &str, count: i64| {
        let rows: Vec<String> = (0..count)
            .map(|i| {
                let id = if prefix == "t" {
                    title(i)
                } else {
                    format!("{prefix}{i}")
                };
                let content = format!("{} beta gamma", vec!["alpha"; repeats(i) as usize].join(" "));
                let at = format!("2026-01-01T{:02}:{:02}:{:02}Z", i / 3600, i / 60 % 60, i % 60);
                format!("('{id}', '{owner}', '{id}', '{content}', 1, '{at}', '{at}')")
            })
            .collect();
        format!(
            "insert into notes (id, user_id, title, content, version, created_at, updated_at) values {}",
            rows.join(", ")
        )
    };
    app.db.execute_outside(&notes(user, "t", MINE)).await;
    app.db.execute_outside(&notes(other, "b", 20)).await;
}

async fn page(app: &TestApp, token: &str, q: &str, limit: i64, offset: i64) -> Vec<String> {
    let reply = app
        .get(&format!("/api/v1/notes?q={q}&limit={limit}&offset={offset}"))
        .token(token)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.header("x-total-count"), Some(MINE.to_string().as_str()));
    let notes = reply.body.as_array().unwrap();
    notes.iter().map(|n| n["title"].as_str().unwrap().to_string()).collect()
}

async fn many_matches_rank_the_newest_window_and_page_through_every_one_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (user, token) = app.new_user();
    let (other, _) = app.new_user();
    fill(&app, &user, &other).await;

    // Expected: the newest 2,000 by relevance (more "alpha" first, all else equal, then the
    // newer), then the oldest 100 newest first.
    let mut window: Vec<i64> = (MINE - 2_000..MINE).collect();
    window.sort_by_key(|&i| (std::cmp::Reverse(repeats(i)), std::cmp::Reverse(i)));
    let expected: Vec<String> = window.into_iter().chain((0..MINE - 2_000).rev()).map(title).collect();

    let mut seen = Vec::new();
    for offset in (0..MINE).step_by(100) {
        seen.extend(page(&app, &token, "alpha", 100, offset).await);
    }
    assert_eq!(seen.len(), expected.len());
    let first_wrong = seen.iter().zip(&expected).position(|(a, b)| a != b);
    assert_eq!(first_wrong, None, "order differs at {first_wrong:?}");

    // A page across the window's edge, and one past the end.
    assert_eq!(page(&app, &token, "alpha", 20, 1_990).await, expected[1_990..2_010]);
    assert!(page(&app, &token, "alpha", 50, MINE).await.is_empty());
    // Two words: every note has both, so the same rows and count.
    assert_eq!(page(&app, &token, "alpha%20gamma", 100, 2_000).await, expected[2_000..]);
}
