//! [`Listing`]: one page of a read table's rows as the API's JSON array, filtered, ordered,
//! counted, and searched through the table's full-text index.
use joan_commands::{Arg, Database};

use joan_sqlite_rank::RANK;

use crate::search::{Fts5Query, FullText, PG_CONFIG, Ranking, WINDOW, key, plan};
use crate::table::TableRow;

/// One page of rows of a table as a JSON array, built from a filter whose conditions are
/// added with numbered placeholders (the SQL text never holds input).
pub struct Listing<'a, R: TableRow> {
    condition: String,
    args: Vec<Arg<'a>>,
    /// `order by` clause without the keywords: `created_at desc, id desc`.
    pub order: &'a str,
    /// A full-text search: matching rows only, best match first (then `order`).
    search: Option<Search>,
    /// The owner the rows are limited to, when they are (`owned_by`).
    owner: Option<&'a str>,
    _row: std::marker::PhantomData<fn() -> R>,
}

impl<'a, R: TableRow> Listing<'a, R> {
    /// Starts from a condition over the placeholders `$1..` bound to `args`.
    pub fn new(condition: &str, args: Vec<Arg<'a>>) -> Self {
        Self {
            condition: condition.to_string(),
            args,
            order: "created_at desc, id desc",
            search: None,
            owner: None,
            _row: std::marker::PhantomData,
        }
    }

    /// The caller's rows (`user_id = $1`).
    pub fn owned_by(user: &'a str) -> Self {
        let mut listing = Self::new("user_id = $1", vec![Arg::from(user)]);
        listing.owner = Some(user);
        listing
    }

    /// Adds ` and <condition>`, each `?` in it bound to `value` as the next placeholder.
    pub fn and(&mut self, condition: &str, value: Arg<'a>) -> &mut Self {
        self.args.push(value);
        let mark = format!("${}", self.args.len());
        self.condition.push_str(" and ");
        self.condition.push_str(&condition.replace('?', &mark));
        self
    }

    /// Adds the condition when `value` is given.
    pub fn and_some(&mut self, condition: &str, value: Option<Arg<'a>>) -> &mut Self {
        if let Some(value) = value {
            self.and(condition, value);
        }
        self
    }

    /// Keeps the rows whose indexed text matches the words of `q`, best match first. A `q`
    /// of blanks only filters nothing.
    pub fn search(&mut self, index: &'static FullText, q: &str) -> &mut Self {
        if !q.trim().is_empty() {
            self.search = Some(Search {
                index,
                q: q.to_string(),
                fts5: Fts5Query::parse(q, self.owner),
            });
        }
        self
    }

    /// Whether the only condition is the owner's, which the full-text index applies itself.
    fn owner_only(&self) -> bool {
        self.owner.is_some() && self.args.len() == 1
    }

    /// Where the rows come from, how they are counted and ordered (a search's rank first), and
    /// the arguments the numbered placeholders name. The page's `limit` and `offset` are bound
    /// after these arguments (as `Source::offset`: a windowed search pages itself).
    fn source<'s>(&'s self, pg: bool, ranking: Option<&'s Ranking>, limit: i64, offset: i64) -> Source<'s> {
        let table = R::sql().table;
        let mut args = self.args.clone();
        let plain = |condition: String, args| {
            let from = format!("from {table} where {condition}");
            Source {
                searched: false,
                count: Count::Rows(from.clone()),
                from,
                order: self.order.to_string(),
                args,
                offset,
            }
        };
        let Some(Search { index, q, fts5 }) = &self.search else {
            return plain(self.condition.clone(), args);
        };
        let then = if self.order.is_empty() {
            String::new()
        } else {
            format!(", {}", self.order)
        };
        let mark = args.len() + 1;
        if pg {
            args.push(Arg::from(q.as_str()));
            return self.pg_search(index, mark, ranking.and_then(|r| r.total), args, limit, offset);
        }
        let (Some(query), Some(ranking)) = (fts5, ranking) else {
            return plain(format!("0 = 1 and {}", self.condition), args);
        };
        let fts = index.fts5;
        let (first, last) = query.rowids();
        args.push(Arg::from(query.text()));
        args.push(Arg::from(ranking.idf.as_slice()));
        args.push(Arg::from(first));
        args.push(Arg::from(last));
        let rank = format!("{RANK}({fts}, {}, ${})", index.weights, mark + 1);
        let matching = format!(
            "from {fts} where {fts} match ${mark} and rowid between ${} and ${}",
            mark + 2,
            mark + 3
        );
        // `cross join` keeps the index first: driven from the table, SQLite would run the
        // match once per row of the user's.
        let joined = |hits: &str| {
            format!(
                "from ({hits}) hits cross join {table} where {table}.rowid = {} and {}",
                key::table_rowid("hits.hit"),
                self.condition
            )
        };
        let Some(total) = ranking.total.filter(|_| self.owner_only()) else {
            let from = joined(&format!("select rowid as hit, {rank} as score {matching}"));
            return Source {
                searched: true,
                count: Count::Rows(from.clone()),
                from,
                order: format!("hits.score{then}"),
                args,
                offset,
            };
        };
        // The owner's rows only: the index counts, ranks and pages alone, and only the page's
        // rows are read from the table. The window (the newest matches, or all of them) is
        // ranked; older matches follow newest first. Each part pages itself.
        let floor = ranking.floor.unwrap_or(first);
        let split = Split::of(total, limit, offset);
        let mut hits = bind_named(
            &mut args,
            &format!(
                "select 0 as tier, hit, score from (select rowid as hit, {rank} as score {matching} \
                 and rowid >= $floor order by score, rowid desc limit $take offset $skip)"
            ),
            [floor, split.window_take, split.window_skip],
        );
        if ranking.floor.is_some() {
            hits.push_str(" union all ");
            hits.push_str(&bind_named(
                &mut args,
                &format!(
                    "select 1, hit, 0.0 from (select rowid as hit {matching} and rowid < $floor \
                     order by rowid desc limit $take offset $skip)"
                ),
                [floor, split.tail_take, split.tail_skip],
            ));
        }
        Source {
            searched: true,
            from: joined(&hits),
            count: Count::Known(total),
            order: "hits.tier, hits.score, hits.hit desc".to_string(),
            args,
            offset: 0,
        }
    }

    /// `from` the rows of a PostgreSQL search (the words bound at `$mark`), with the parsed
    /// query as `query`.
    fn pg_matching(&self, index: &FullText, mark: usize) -> String {
        let table = R::sql().table;
        format!(
            "from {table} cross join plainto_tsquery('{PG_CONFIG}', ${mark}) as query where {} and {table}.{} @@ query",
            self.condition, index.tsvector
        )
    }

    /// A PostgreSQL search: every match ranked by `ts_rank` over its stored vector; for a
    /// search of the owner's rows only (`total` counted), as on SQLite, only the first
    /// [`WINDOW`] matches in the listing's order are ranked and the rest follow in that order.
    fn pg_search<'s>(
        &'s self,
        index: &FullText,
        mark: usize,
        total: Option<i64>,
        mut args: Vec<Arg<'s>>,
        limit: i64,
        offset: i64,
    ) -> Source<'s> {
        let table = R::sql().table;
        let matching = self.pg_matching(index, mark);
        let vector = index.tsvector;
        let order = if self.order.is_empty() { "id" } else { self.order };
        let Some(total) = total.filter(|_| self.owner_only()) else {
            return Source {
                searched: true,
                count: Count::Rows(matching.clone()),
                from: matching,
                order: format!("ts_rank({table}.{vector}, query) desc, {order}"),
                args,
                offset,
            };
        };
        let split = Split::of(total, limit, offset);
        // The window: its matches read in the listing's order (an index walk for a common
        // word, the GIN index for a rare one), then ranked. The tail skips the window itself.
        let mut hits = bind_named(
            &mut args,
            &format!(
                "(select 0 as tier, id as hit, ts_rank({vector}, query) as score \
                 from (select {table}.* {matching} order by {order} limit {WINDOW}) as window_rows \
                 cross join plainto_tsquery('{PG_CONFIG}', ${mark}) as query \
                 order by score desc, {order} limit $take offset $skip)"
            ),
            [split.window_take, split.window_skip],
        );
        if total > WINDOW {
            hits.push_str(" union all ");
            hits.push_str(&bind_named(
                &mut args,
                &format!("(select 1, {table}.id, 0::real {matching} order by {order} limit $take offset $skip)"),
                [split.tail_take, WINDOW + split.tail_skip],
            ));
        }
        Source {
            searched: true,
            from: format!("from ({hits}) as hits join {table} on {table}.id = hits.hit"),
            count: Count::Known(total),
            order: format!("hits.tier, hits.score desc, {order}"),
            args,
            offset: 0,
        }
    }

    /// The page as a JSON array, and how many rows match in all. One statement (two for a
    /// page past the end); on SQLite, a search first asks its index how to rank
    /// ([`crate::search::plan`]).
    pub async fn page_json(&self, db: &Database, limit: i64, offset: i64) -> Result<(Vec<u8>, i64), sqlx::Error> {
        let ranking = match &self.search {
            Some(Search {
                index,
                fts5: Some(query),
                ..
            }) if !db.is_postgres() => Some(plan(db, index, query, self.owner_only()).await?),
            // PostgreSQL ranks with `ts_rank`; a search of the owner's rows counts first.
            Some(Search { index, q, .. }) if db.is_postgres() && self.owner_only() => {
                let mut args = self.args.clone();
                args.push(Arg::from(q.as_str()));
                let count = format!("select count(*) {}", self.pg_matching(index, args.len()));
                let total = db.fetch_scalar_i64(&count, &args).await?;
                Some(Ranking {
                    idf: Vec::new(),
                    total: Some(total),
                    floor: None,
                })
            }
            _ => None,
        };
        let source = self.source(db.is_postgres(), ranking.as_ref(), limit, offset);
        let (json, total) = Self::render(db, &source, limit).await?;
        let total = match (total, &source.count) {
            (_, Count::Known(total)) => *total,
            (Some(total), _) => total,
            (None, _) if offset == 0 => 0,
            (None, Count::Rows(from)) => {
                let count = format!("select count(*) {from}");
                db.fetch_scalar_i64(&count, &source.args).await?
            }
        };
        Ok((json, total))
    }

    /// The JSON array and the total count (from the first row, when there is one).
    async fn render(db: &Database, source: &Source<'_>, limit: i64) -> Result<(Vec<u8>, Option<i64>), sqlx::Error> {
        let sql = R::sql();
        let mut args = source.args.clone();
        let lead = match &source.count {
            // A constant subquery: the database runs it once, not once per row.
            Count::Rows(from) => format!("(select count(*) {from})"),
            // Typed: PostgreSQL reads a bare literal as `int4`.
            Count::Known(total) => format!("cast({total} as bigint)"),
        };
        let n = args.len();
        let order = if source.order.is_empty() {
            String::new()
        } else {
            format!(" order by {}", source.order)
        };
        let rest = format!("{}{order} limit ${} offset ${}", source.from, n + 1, n + 2);
        args.push(Arg::from(limit));
        args.push(Arg::from(source.offset));
        match db {
            Database::Sqlite(readers) => {
                let statement = format!("select {lead}, {} {rest}", sql.sqlite_json);
                let page = readers.json_page(&statement, &args, &sql.raw)?;
                Ok((page.json, page.lead))
            }
            Database::Postgres(_) => {
                let statement = format!("select {lead}, {} {rest}", sql.pg_json);
                // A search's plan depends on how common its words are (see `fetch_all_planned`).
                let rows: Vec<(i64, String)> = if source.searched {
                    db.fetch_all_planned(&statement, &args).await?
                } else {
                    db.fetch_all(&statement, &args).await?
                };
                let mut page = Vec::with_capacity(2 + rows.iter().map(|(_, t)| t.len() + 1).sum::<usize>());
                page.push(b'[');
                for (i, (_, row)) in rows.iter().enumerate() {
                    if i > 0 {
                        page.push(b',');
                    }
                    page.extend_from_slice(row.as_bytes());
                }
                page.push(b']');
                Ok((page, rows.first().map(|(lead, _)| *lead)))
            }
        }
    }
}

/// How a page of a windowed search splits between the ranked window (its first
/// [`WINDOW`] matches) and the tail after it: how many rows each gives and how many of each
/// it skips first.
struct Split {
    window_take: i64,
    window_skip: i64,
    tail_take: i64,
    /// Counted from the tail's own start.
    tail_skip: i64,
}

impl Split {
    fn of(total: i64, limit: i64, offset: i64) -> Self {
        let in_window = total.min(WINDOW);
        let window_take = (in_window - offset).clamp(0, limit);
        Self {
            window_take,
            window_skip: offset.min(in_window),
            tail_take: limit - window_take,
            tail_skip: (offset - in_window).max(0),
        }
    }
}

/// `sql` with its named placeholders (`$floor`, `$take`, `$skip`, those of them it holds, in
/// that order) bound to `values`, numbered after the arguments already in `args`.
fn bind_named<const N: usize>(args: &mut Vec<Arg<'_>>, sql: &str, values: [i64; N]) -> String {
    let names = ["$floor", "$take", "$skip"];
    let mut sql = sql.to_string();
    for (name, value) in names[names.len() - N..].iter().zip(values) {
        args.push(Arg::from(value));
        sql = sql.replace(name, &format!("${}", args.len()));
    }
    sql
}

/// Where a [`Listing`]'s rows come from (`from ... where ...`), how to count them, their
/// order, the arguments, and the offset to page them with.
struct Source<'a> {
    /// Whether the rows are a full-text search's.
    searched: bool,
    from: String,
    count: Count,
    order: String,
    args: Vec<Arg<'a>>,
    offset: i64,
}

/// How many rows a [`Source`] holds: count the rows of `from ...`, or known already.
enum Count {
    Rows(String),
    Known(i64),
}

/// A search of a [`Listing`]: the index, the words as typed (PostgreSQL's `plainto_tsquery`
/// reads them) and as an FTS5 query that cannot fail to parse.
struct Search {
    index: &'static FullText,
    q: String,
    fts5: Option<Fts5Query>,
}
