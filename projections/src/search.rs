//! Full-text search over a read table, ranked, on both backends: SQLite's FTS5 (an
//! external-content table kept in step with the table by triggers, see the migrations) and
//! PostgreSQL's `tsvector` (a GIN index on the expression). Never a `LIKE` scan.
use joan_commands::{Arg, Database};

/// A table's full-text index.
#[derive(Debug)]
pub struct FullText {
    /// The read table it indexes.
    pub table: &'static str,
    /// SQLite: the FTS5 table whose rowids are the table's rowids ...
    pub fts5: &'static str,
    /// ... its columns after the rowid, and what each holds of a row of `table` (as the
    /// migration's insert trigger writes them): a rebuild fills the index in one statement.
    pub fts5_columns: &'static str,
    pub fts5_values: &'static str,
    /// ... and its `bm25` weights, one per column in the index's order (`owner` first, 0).
    pub weights: &'static str,
    /// PostgreSQL: the expression the GIN index is built on (written exactly as there).
    pub tsvector: &'static str,
}

/// The index over `table`, when it has one.
pub fn full_text_of(table: &str) -> Option<&'static FullText> {
    [&crate::notes::NOTES_TEXT, &crate::task_queries::TASKS_TEXT]
        .into_iter()
        .find(|index| index.table == table)
}

/// The text search configuration of the PostgreSQL indexes (stemmed, as SQLite's `porter`).
pub const PG_CONFIG: &str = "english";

/// A user's search as an FTS5 query that cannot be a syntax error: every word becomes a
/// quoted string (its `"` doubled), so `AND`, `NEAR(`, `*`, `-` and quotes are only text; the
/// words must all occur. With `owner`, only that user's rows match: the index holds each row's
/// owner as one token (the user id without dashes, in the `owner` column), so the index
/// narrows to the user's rows itself rather than matching every user's and dropping most.
#[derive(Debug, Clone)]
pub struct Fts5Query {
    /// The quoted words, one FTS5 phrase each.
    words: Vec<String>,
    /// `owner : "<token>"`, the query's first phrase, when the search is one user's.
    owner: Option<String>,
    /// The whole query: the owner's phrase and every word.
    text: String,
}

impl Fts5Query {
    /// `None` when no word has a letter or digit (nothing can match).
    pub fn parse(q: &str, owner: Option<&str>) -> Option<Self> {
        let words: Vec<String> = q
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
            .collect();
        if words.is_empty() {
            return None;
        }
        let owner = owner.map(|user| format!("owner : \"{}\"", owner_token(user)));
        let text = limited(owner.as_deref(), &words.join(" "));
        Some(Self { words, owner, text })
    }

    /// The whole query: the owner's phrase and every word.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `words` limited to the owner's rows, when the query has an owner.
    fn with(&self, words: &str) -> String {
        limited(self.owner.as_deref(), words)
    }

    /// How many phrases FTS5 sees, in its order: the owner's, then one per word.
    fn phrases(&self) -> usize {
        usize::from(self.owner.is_some()) + self.words.len()
    }
}

fn limited(owner: Option<&str>, words: &str) -> String {
    match owner {
        Some(owner) => format!("{owner} AND ({words})"),
        None => words.to_string(),
    }
}

/// A user id as the one token the `owner` column of the FTS5 indexes holds (the migrations
/// write `replace(user_id, '-', '')`).
fn owner_token(user: &str) -> String {
    user.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// How an SQLite search ranks (see [`plan`]).
#[derive(Debug)]
pub struct Ranking {
    /// `joan_rank`'s IDF blob: one weight per phrase of the query.
    pub idf: Vec<u8>,
    /// How many rows match, when the plan counted them (a search of the owner's rows only).
    pub total: Option<i64>,
    /// The rowid where the ranked window begins, when more than [`WINDOW`] rows match: older
    /// matches follow the window newest first.
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
    let count = format!("select count(*) from {fts} where {fts} match $1 and rowid >= $2");
    let nth = format!("select rowid from {fts} where {fts} match $1 order by rowid desc limit 1 offset $2");
    let nth = |text: String, n: i64| {
        let nth = nth.clone();
        async move {
            let row: Option<(i64,)> = db.fetch_optional(&nth, &[Arg::from(&text), Arg::from(n - 1)]).await?;
            Ok::<_, sqlx::Error>(row.map(|(rowid,)| rowid))
        }
    };
    let count = |text: String, since: i64| {
        let count = count.clone();
        async move { db.fetch_scalar_i64(&count, &[Arg::from(&text), Arg::from(since)]).await }
    };
    let all = query.text().to_string();
    let (total, floor) = if window {
        let total = count(all.clone(), i64::MIN).await?;
        let floor = if total > WINDOW { nth(all, WINDOW).await? } else { None };
        (Some(total), floor)
    } else {
        (None, None)
    };
    let mut idf = Vec::with_capacity(query.phrases());
    match &query.owner {
        Some(owner) if query.words.len() > 1 => {
            idf.push(0.0);
            let since = nth(owner.clone(), SAMPLE).await?.unwrap_or(i64::MIN);
            let rows = count(owner.clone(), since).await? as f64;
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

#[cfg(test)]
mod tests {
    use super::Fts5Query;

    fn fts5_query(q: &str, owner: Option<&str>) -> Option<String> {
        Fts5Query::parse(q, owner).map(|query| query.text().to_string())
    }

    #[test]
    fn every_word_is_quoted_and_punctuation_alone_is_nothing() {
        assert_eq!(fts5_query("budget  plan", None).as_deref(), Some("\"budget\" \"plan\""));
        assert_eq!(
            fts5_query("say \"hi\"", None).as_deref(),
            Some("\"say\" \"\"\"hi\"\"\"")
        );
        assert_eq!(fts5_query("NEAR(a b", None), Some("\"NEAR(a\" \"b\"".into()));
        for nothing in ["", "  ", "*", "\"", "-", "'", "( )"] {
            assert_eq!(fts5_query(nothing, Some("u")), None, "{nothing:?}");
        }
    }

    #[test]
    fn an_owner_narrows_the_match_to_their_token() {
        assert_eq!(
            fts5_query("x", Some("0196-ab")).as_deref(),
            Some("owner : \"0196ab\" AND (\"x\")")
        );
    }
}
