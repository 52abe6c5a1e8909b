//! Multi-row statements: one round trip for many rows. Each statement crosses to the
//! database's thread and back, so on SQLite the number of statements, not the rows, sets the
//! cost of a write.
use super::arg::Arg;
use super::conn::Conn;
use super::row::Row;

/// Row counts per statement. A few fixed sizes keep the prepared-statement cache small.
const CHUNKS: [usize; 5] = [256, 64, 16, 4, 1];

/// `<head> values ($1, ..), (..) <tail>` for `rows` rows of `width` columns. SQLite gets
/// anonymous `?` placeholders: it looks each named one up by a linear scan, which makes
/// binding thousands of `$N` quadratic.
fn statement(head: &str, width: usize, rows: usize, tail: &str, numbered: bool) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * width * 5);
    sql.push_str(head);
    sql.push_str(" values ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(r * width + c + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

/// Inserts `args.len() / width` rows with as few statements as possible.
pub async fn insert_many(conn: &mut Conn<'_>, head: &str, width: usize, args: &[Arg<'_>]) -> Result<(), sqlx::Error> {
    insert_many_then(conn, head, width, args, "").await
}

/// Like [`insert_many`], with `tail` after the values (an `on conflict ...` clause).
pub async fn insert_many_then(
    conn: &mut Conn<'_>,
    head: &str,
    width: usize,
    args: &[Arg<'_>],
    tail: &str,
) -> Result<(), sqlx::Error> {
    let mut rest = args;
    while !rest.is_empty() {
        let rows = rest.len() / width;
        let chunk = CHUNKS.into_iter().find(|c| *c <= rows).unwrap_or(1);
        let (now, later) = rest.split_at(chunk * width);
        conn.execute(&statement(head, width, chunk, tail, conn.is_postgres()), now)
            .await?;
        rest = later;
    }
    Ok(())
}

/// Like [`insert_many`], returning what `tail` (a `returning ...` clause) yields per row.
pub async fn insert_many_returning<T: Row>(
    conn: &mut Conn<'_>,
    head: &str,
    width: usize,
    args: &[Arg<'_>],
    tail: &str,
) -> Result<Vec<T>, sqlx::Error> {
    let mut out = Vec::with_capacity(args.len() / width.max(1));
    let mut rest = args;
    while !rest.is_empty() {
        let rows = rest.len() / width;
        let chunk = CHUNKS.into_iter().find(|c| *c <= rows).unwrap_or(1);
        let (now, later) = rest.split_at(chunk * width);
        out.extend(
            conn.fetch_all::<T>(&statement(head, width, chunk, tail, conn.is_postgres()), now)
                .await?,
        );
        rest = later;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn statements_number_placeholders_row_by_row() {
        assert_eq!(
            super::statement("insert into t (a, b)", 2, 2, "returning id", true),
            "insert into t (a, b) values ($1, $2), ($3, $4) returning id"
        );
        assert_eq!(
            super::statement("insert into t (a)", 1, 2, "", false),
            "insert into t (a) values (?), (?) "
        );
    }
}
