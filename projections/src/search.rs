//! Full-text search over a read table, ranked, on both backends: SQLite's FTS5 (an
//! external-content table kept in step with the table by triggers, see the migrations) and
//! PostgreSQL's `tsvector` (a GIN index on the expression). Never a `LIKE` scan.

/// A table's full-text index.
#[derive(Debug)]
pub struct FullText {
    /// SQLite: the FTS5 table whose rowids are the table's rowids ...
    pub fts5: &'static str,
    /// ... and its `bm25` weights, one per indexed column in the index's order.
    pub weights: &'static str,
    /// PostgreSQL: the expression the GIN index is built on (written exactly as there).
    pub tsvector: &'static str,
}

/// The text search configuration of the PostgreSQL indexes (stemmed, as SQLite's `porter`).
pub const PG_CONFIG: &str = "english";

/// A user's search as an FTS5 query that cannot be a syntax error: every word becomes a
/// quoted string (its `"` doubled), so `AND`, `NEAR(`, `*`, `-` and quotes are only text; the
/// words must all occur. `None` when no word has a letter or digit (nothing can match).
pub fn fts5_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn every_word_is_quoted_and_punctuation_alone_is_nothing() {
        assert_eq!(fts5_query("budget  plan").as_deref(), Some("\"budget\" \"plan\""));
        assert_eq!(fts5_query("say \"hi\"").as_deref(), Some("\"say\" \"\"\"hi\"\"\""));
        assert_eq!(fts5_query("NEAR(a b"), Some("\"NEAR(a\" \"b\"".into()));
        for nothing in ["", "  ", "*", "\"", "-", "'", "( )"] {
            assert_eq!(fts5_query(nothing), None, "{nothing:?}");
        }
    }
}
