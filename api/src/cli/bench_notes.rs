//! `joan bench notes`: note search latency, full text beside a `LIKE` scan, over a table of
//! `--notes` notes of which `--mine` are one user's. Not a test: it measures and prints.
//!
//! The rows are written straight into the `notes` read table (the FTS triggers or GIN index
//! keep step as with any write), not through the command path: the query's cost depends on
//! the table, not on how the rows got there, and a million commands would take an hour here.
use std::time::Instant;

use async_trait::async_trait;
use clap::Args;
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use joan_commands::{Arg, Conn, Database, ExclusiveJob, StoreError};
use joan_projections::markdown::to_safe_html;
use joan_projections::notes::{self, NoteFilter, NoteRow};
use joan_projections::table::{self, Flag, JsonText, Listing, escape_like};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::core::Core;
use crate::error::AppError;

#[derive(Debug, Args)]
pub struct NotesBenchArgs {
    /// Notes in the table in all (added until there are this many).
    #[arg(long, default_value_t = 1_000_000)]
    pub notes: usize,
    /// Of which the searching user's.
    #[arg(long, default_value_t = 100_000)]
    pub mine: usize,
    /// Full-text searches per query.
    #[arg(long, default_value_t = 200)]
    pub searches: usize,
    /// `LIKE` scans per query (each reads every note of the user).
    #[arg(long, default_value_t = 10)]
    pub scans: usize,
}

/// Distinct words; drawn log-uniformly, so a few are everywhere and most are rare.
const VOCABULARY: usize = 30_000;
const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "fa", "go", "hu", "pe", "zo", "bri", "stan",
];
/// The searching user's id (fixed, so a second run finds the rows of the first).
const ME: Uuid = Uuid::from_u128(0x6e07_e5be_0000_0000_0000_0000_0000_0001);
const OTHERS: u128 = 99;
const CHUNK: usize = 2_000;

fn word(rank: usize) -> String {
    let (mut n, mut out) = (rank + SYLLABLES.len(), String::new());
    while n > 0 {
        out.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
    }
    out
}

fn draw(rng: &mut StdRng) -> String {
    let rank = (VOCABULARY as f64).powf(rng.random::<f64>()) as usize - 1;
    word(rank.min(VOCABULARY - 1))
}

fn words(rng: &mut StdRng, n: usize) -> String {
    (0..n).map(|_| draw(rng)).collect::<Vec<_>>().join(" ")
}

/// Note `n`: the first `mine` are the searching user's, the others spread over 99 users.
fn note(rng: &mut StdRng, n: usize, mine: usize) -> NoteRow {
    let user = if n < mine {
        ME
    } else {
        Uuid::from_u128(ME.as_u128() + 1 + (n as u128 % OTHERS))
    };
    let (title_len, body_len, tail_len) = (
        rng.random_range(2..7),
        rng.random_range(20..80),
        rng.random_range(10..40),
    );
    let title = words(rng, title_len);
    let content = format!(
        "## {}\n\n{}\n\n- {}\n- {}\n\n{}",
        words(rng, 3),
        words(rng, body_len),
        words(rng, 4),
        words(rng, 4),
        words(rng, tail_len)
    );
    let at = format!("2026-01-01T00:00:00.{:06}Z", n % 1_000_000);
    NoteRow {
        id: Uuid::now_v7().to_string(),
        user_id: user.to_string(),
        folder_id: None,
        title,
        content_html: to_safe_html(&content),
        content,
        tags: JsonText::of(&[word(n % 50)]),
        is_pinned: Flag(n % 10 == 0),
        is_archived: Flag(false),
        version: 1,
        created_at: at.clone(),
        updated_at: at,
    }
}

/// One chunk of rows, in one transaction on the store's writer.
struct Insert(Vec<NoteRow>);

#[async_trait]
impl ExclusiveJob for Insert {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        conn.begin().await?;
        let rows: Vec<&NoteRow> = self.0.iter().collect();
        let written = table::upsert(conn, &rows).await;
        match written {
            Ok(()) => Ok(conn.commit().await?),
            Err(e) => {
                conn.rollback().await?;
                Err(StoreError::hook(e))
            }
        }
    }
}

fn fail(e: impl std::fmt::Display) -> AppError {
    AppError::Config(e.to_string())
}

async fn fill(core: &Core, args: &NotesBenchArgs) -> Result<(), AppError> {
    let db = core.store.db();
    let have = usize::try_from(
        db.fetch_scalar_i64("select count(*) from notes", &[])
            .await
            .map_err(fail)?,
    )
    .unwrap_or(0);
    if have >= args.notes {
        return Ok(());
    }
    let bar = ProgressBar::new((args.notes - have) as u64).with_style(
        ProgressStyle::with_template("writing notes {wide_bar} {pos}/{len} ({per_sec}, eta {eta})").map_err(fail)?,
    );
    let mut rng = StdRng::seed_from_u64(have as u64);
    for start in (have..args.notes).step_by(CHUNK) {
        let rows = (start..(start + CHUNK).min(args.notes))
            .map(|n| note(&mut rng, n, args.mine))
            .collect::<Vec<_>>();
        let count = rows.len() as u64;
        core.store.exclusive(Box::new(Insert(rows))).await?;
        bar.inc(count);
    }
    bar.finish_and_clear();
    if db.is_postgres() {
        core.store.exclusive(Box::new(Analyze)).await?;
    }
    Ok(())
}

/// Fresh planner statistics and visibility map after a bulk load, as autovacuum would leave
/// them (PostgreSQL): a count can then skip the table's pages.
struct Analyze;

#[async_trait]
impl ExclusiveJob for Analyze {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        Ok(conn.raw("vacuum (analyze) notes").await?)
    }
}

/// The same page through a scan: `LIKE '%word%'` over title and content, for comparison.
async fn like_page(db: &Database, user: &str, q: &str) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<NoteRow>::owned_by(user);
    let patterns: Vec<String> = q
        .split_whitespace()
        .map(|w| format!("%{}%", escape_like(&w.to_lowercase())))
        .collect();
    for pattern in &patterns {
        page.and(
            "(lower(title) like ? escape '\\' or lower(content) like ? escape '\\')",
            Arg::from(pattern),
        );
    }
    page.page_json(db, 50, 0).await
}

struct Timing {
    latency: Histogram<u64>,
    matches: i64,
}

impl Timing {
    fn line(&self, method: &str, query: &str) -> String {
        let ms = |q: f64| self.latency.value_at_quantile(q) as f64 / 1000.0;
        format!(
            "notes search: {method:<9} q={query:<24} matches={:<7} runs={:<4} p50={:.2}ms p99={:.2}ms max={:.2}ms",
            self.matches,
            self.latency.len(),
            ms(0.5),
            ms(0.99),
            self.latency.max() as f64 / 1000.0
        )
    }
}

async fn time<F, Fut>(runs: usize, mut search: F) -> Result<Timing, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<u8>, i64), sqlx::Error>>,
{
    let mut latency = Histogram::<u64>::new(3).map_err(fail)?;
    let mut matches = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let (_, total) = search().await.map_err(fail)?;
        let _ = latency.record(started.elapsed().as_micros() as u64);
        matches = total;
    }
    Ok(Timing { latency, matches })
}

pub async fn run(core: &Core, args: NotesBenchArgs) -> Result<(), AppError> {
    let started = Instant::now();
    fill(core, &args).await?;
    let db = core.store.db();
    let total = db
        .fetch_scalar_i64("select count(*) from notes", &[])
        .await
        .map_err(fail)?;
    let mine = db
        .fetch_scalar_i64(
            "select count(*) from notes where user_id = $1",
            &[Arg::from(ME.to_string().as_str())],
        )
        .await
        .map_err(fail)?;
    println!(
        "notes search: {total} notes, {mine} of the searching user's (ready in {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    let user = ME.to_string();
    // The most common word, a middling one, a rare one, two words together.
    let queries = [word(0), word(60), word(8_000), format!("{} {}", word(1), word(40))];
    for q in &queries {
        let filter = NoteFilter {
            q: Some(q.clone()),
            ..NoteFilter::default()
        };
        let fts = time(args.searches, || notes::list_json(db, &user, &filter, 50, 0)).await?;
        println!("{}", fts.line("fulltext", q));
        let scan = time(args.scans, || like_page(db, &user, q)).await?;
        println!("{}", scan.line("like", q));
    }
    Ok(())
}
