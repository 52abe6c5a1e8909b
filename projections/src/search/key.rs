//! The owner's key in the rowids of the SQLite full-text indexes: 28 bits taken from the last
//! seven characters of the user id (each character's code point, low four bits), shifted 32
//! bits up. An index row's rowid is its owner's key plus the table row's rowid, so a user's
//! rows sit in one stretch, `key ..= key + 2^32 - 1`, and a search reads only that stretch of
//! each word's doclist. Users whose keys collide share a stretch; the `owner` token in the
//! index still tells their rows apart. The migration writes the same expression
//! ([`sql`]) into its triggers; a test keeps the three equal.

/// Bits of the table's rowid below the key.
const SHIFT: u32 = 32;
/// Characters of the user id the key is made of.
const CHARS: usize = 7;

/// The key of `user`.
pub fn of(user: &str) -> i64 {
    let chars: Vec<char> = user.chars().collect();
    let key = (1..=CHARS).fold(0i64, |key, k| {
        let c = chars.len().checked_sub(k).map_or(0, |i| i64::from(u32::from(chars[i])));
        key | ((c & 15) << (4 * (k - 1)))
    });
    key << SHIFT
}

/// The first and last index rowid of `user`'s rows.
pub fn rowids(user: &str) -> (i64, i64) {
    let key = of(user);
    (key, key + (1i64 << SHIFT) - 1)
}

/// The key as SQL over the user id column `column` (`user_id`, `new.user_id`...): add the
/// row's rowid to make the index rowid. SQLite gives `&`, `|` and `<<` one precedence, hence
/// the brackets.
pub fn sql(column: &str) -> String {
    let parts: Vec<String> = (1..=CHARS)
        .map(|k| {
            let bits = format!("(coalesce(unicode(substr({column}, -{k}, 1)), 0) & 15)");
            if k == 1 {
                bits
            } else {
                format!("({bits} << {})", 4 * (k - 1))
            }
        })
        .collect();
    format!("(({}) << {SHIFT})", parts.join("\n        | "))
}

/// The table rowid an index rowid stands for, as SQL over `rowid`.
pub fn table_rowid(rowid: &str) -> String {
    format!("({rowid} & {})", (1i64 << SHIFT) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: &[&str] = &[
        "0196f2c4-5b7a-7c3e-9d1f-2a4b6c8d0e1f",
        "00000000-0000-0000-0000-000000000042",
        "ABCDEF",
        "x",
        "",
        "é-ü-😀-z",
    ];

    #[test]
    fn rust_and_sqlite_agree_on_every_key() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for id in IDS {
            let sql = format!("select {}", sql("?1"));
            let theirs: i64 = conn.query_row(&sql, [id], |row| row.get(0)).unwrap();
            assert_eq!(of(id), theirs, "{id:?}");
            let (first, last) = rowids(id);
            assert!(first >= 0 && last > first && last < i64::MAX / 8, "{id:?}");
        }
    }

    #[test]
    fn the_migration_writes_the_same_expression() {
        let migration = include_str!("../../../migrations/sqlite/0022_search_by_owner.sql");
        for column in ["user_id", "new.user_id", "old.user_id"] {
            assert!(migration.contains(&sql(column)), "{column}");
        }
    }
}
