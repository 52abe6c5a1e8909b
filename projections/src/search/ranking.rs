//! How an SQLite search ranks: the IDFs `joan_rank` weighs each word with, and for a search
//! of one user's rows, the count and the window of newest matches that is ranked.
use joan_commands::{Arg, Database};

use super::{Fts5Query, FullText};

/// How an SQLite search ranks (see [`plan`]).
#[derive(Debug)]
pub struct Ranking {
    /// `joan_rank`'s IDF blob: one weight per phrase of the query.
    pub idf: Vec<u8>,
    /// How many rows match, when the plan counted them (a search of the owner's rows only).
    pub total: Option<i64>,
    /// The index rowid where the ranked window begins, when more than [`WINDOW`] rows match:
    /// older matches follow the window newest first.
    pub floor: Option<i64>,
}

/// A search of one user's rows ranks their newest `WINDOW` matches by relevance, then lists
/// the older matches newest first. Ranking costs about a microsecond a row: a word in most of
/// a user's 100,000 notes would cost 100 ms to rank in full, the window 2 ms. The count stays
/// exact.
pub const WINDOW: i64 = 2_000;

/// The IDFs of a search of several words come from the user's newest `SAMPLE` rows: how many
/// of those hold each word. The whole index would cost a walk of every user's doclist of the
/// word per query (what FTS5's own `bm25` does, about 20 ms for a common word over 1,000,000
/// rows); the user's own recent rows are both cheaper and closer to what they write.
pub const SAMPLE: i64 = 10_000;

/// Works out how `query` ranks over `index` on SQLite: the phrases' IDFs and, with `window`
/// (the search filters by nothing but the owner), the count and the window's floor. A few
/// index-only statements, each bounded by the user's matches.
pub async fn plan(db: &Database, index: &FullText, query: &Fts5Query, window: bool) -> Result<Ranking, sqlx::Error> {
    let fts = index.fts5;
    // Every statement reads only the owner's stretch of the index (or all of it, without one).
    let (first, last) = query.rowids();
    let count = format!("select count(*) from {fts} where {fts} match $1 and rowid between $2 and $3");
    let nth = format!(
        "select rowid from {fts} where {fts} match $1 and rowid between $2 and $3 \
         order by rowid desc limit 1 offset $4"
    );
    let nth = |text: String, n: i64| {
        let nth = nth.clone();
        async move {
            let args = [Arg::from(&text), Arg::from(first), Arg::from(last), Arg::from(n - 1)];
            let row: Option<(i64,)> = db.fetch_optional(&nth, &args).await?;
            Ok::<_, sqlx::Error>(row.map(|(rowid,)| rowid))
        }
    };
    let count = |text: String, since: i64| {
        let count = count.clone();
        async move {
            let args = [Arg::from(&text), Arg::from(since.max(first)), Arg::from(last)];
            db.fetch_scalar_i64(&count, &args).await
        }
    };
    let all = query.text().to_string();
    let (total, floor) = if window {
        let total = count(all.clone(), first).await?;
        let floor = if total > WINDOW { nth(all, WINDOW).await? } else { None };
        (Some(total), floor)
    } else {
        (None, None)
    };
    let mut idf = Vec::with_capacity(query.phrases());
    match &query.owner {
        Some(owner) if query.words.len() > 1 => {
            idf.push(0.0);
            // From the user's `SAMPLE`-th newest row on (exactly `SAMPLE` rows), or all of them.
            let (since, rows) = match nth(owner.clone(), SAMPLE).await? {
                Some(since) => (since, SAMPLE),
                None => (first, count(owner.clone(), first).await?),
            };
            let rows = rows as f64;
            for word in &query.words {
                let holding = count(query.with(word), since).await? as f64;
                // FTS5's formula and floor: a word in over half the rows still counts a little.
                idf.push(((rows - holding + 0.5) / (holding + 0.5)).ln().max(1e-6));
            }
        }
        // One word (its weight orders nothing) or no owner to sample: every word weighs 1.
        _ => {
            idf.extend(query.owner.iter().map(|_| 0.0));
            idf.extend(query.words.iter().map(|_| 1.0));
        }
    }
    Ok(Ranking {
        idf: joan_sqlite_rank::idf_blob(&idf),
        total,
        floor,
    })
}
