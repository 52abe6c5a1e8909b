//! Full-text search over a read table, ranked, on both backends: SQLite's FTS5 (a
//! contentless table kept in step with the table by triggers, its rowids grouped by owner:
//! [`key`]; ranked by [`ranking`]) and PostgreSQL's `tsvector` (a stored generated column
//! with a GIN index, ranked by `ts_rank`). Never a `LIKE` scan.
pub mod key;
mod ranking;

pub use ranking::{Ranking, SAMPLE, WINDOW, plan};

/// A table's full-text index.
#[derive(Debug)]
pub struct FullText {
    /// The read table it indexes.
    pub table: &'static str,
    /// SQLite: the FTS5 table, whose rowids are the table's rowids plus their owner's key
    /// ([`key`]) ...
    pub fts5: &'static str,
    /// ... its columns after the rowid, and what each holds of a row of `table` (as the
    /// migration's insert trigger writes them): a rebuild fills the index in one statement.
    pub fts5_columns: &'static str,
    pub fts5_values: &'static str,
    /// ... and its weights for `joan_rank`, one per column in the index order (`owner` first, 0).
    pub weights: &'static str,
    /// PostgreSQL: the stored `tsvector` column the GIN index is built on (migration 0023
    /// generates it from the row's text).
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
    pub(crate) words: Vec<String>,
    /// `owner : "<token>"`, the query's first phrase, when the search is one user's.
    pub(crate) owner: Option<String>,
    /// The stretch of index rowids the owner's rows lie in (every rowid without an owner).
    rowids: (i64, i64),
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
        let rowids = owner.map_or((i64::MIN, i64::MAX), key::rowids);
        let owner = owner.map(|user| format!("owner : \"{}\"", owner_token(user)));
        let text = limited(owner.as_deref(), &words.join(" "));
        Some(Self {
            words,
            owner,
            rowids,
            text,
        })
    }

    /// The whole query: the owner's phrase and every word.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// `words` limited to the owner's rows, when the query has an owner.
    pub(crate) fn with(&self, words: &str) -> String {
        limited(self.owner.as_deref(), words)
    }

    /// The first and last index rowid the query's rows can have.
    pub fn rowids(&self) -> (i64, i64) {
        self.rowids
    }

    /// How many phrases FTS5 sees, in its order: the owner's, then one per word.
    pub(crate) fn phrases(&self) -> usize {
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
