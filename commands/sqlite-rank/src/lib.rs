//! `joan_rank(fts, weight.., idf)`: an FTS5 ranking function, BM25 as FTS5's own `bm25`
//! computes it, except that the caller gives each phrase's inverse document frequency.
//!
//! `bm25` works out the IDFs itself, on the first row of every query, by walking the whole
//! doclist of each phrase in the index: every user's rows. For a word in most notes that is a
//! million entries, about 20 ms, however few rows the query then ranks. The search knows a
//! better figure cheaply (the share of the user's own recent rows holding the word, see
//! `projections::search`), so it passes the IDFs in: `idf` is a blob of one little-endian
//! `f64` per phrase of the query, in the query's order. The weights are one per column, as
//! for `bm25`. The score is negative, better matches lower, so `order by` it ascending.
//!
//! `joan-commands` registers it on every SQLite connection it opens ([`register`]). The FTS5
//! extension API has no safe binding in rusqlite, hence this crate: the workspace's only
//! `unsafe` code, kept to this file.
use std::ffi::{c_int, c_void};
use std::ptr;

use rusqlite::Connection;
use rusqlite::ffi;

/// BM25's term-frequency saturation and length normalisation, FTS5's values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The function's name in SQL.
pub const RANK: &str = "joan_rank";

/// Makes `joan_rank` callable on `conn`.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is live for the call; the statement is finalised before returning;
    // `api` is written by FTS5 during the step and stays valid while the connection lives.
    unsafe {
        let db = conn.handle();
        let api = fts5_api(db)?;
        let create = (*api)
            .xCreateFunction
            .ok_or_else(|| failure("FTS5 has no xCreateFunction"))?;
        let rc = create(api, c"joan_rank".as_ptr(), ptr::null_mut(), Some(rank), None);
        if rc != ffi::SQLITE_OK {
            return Err(rusqlite::Error::SqliteFailure(
                ffi::Error::new(rc),
                Some("registering joan_rank".into()),
            ));
        }
    }
    Ok(())
}

fn failure(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some(message.to_string()))
}

/// The FTS5 API of `db`, the documented way: `select fts5(?1)` with a pointer bound to ?1.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut statement = ptr::null_mut();
    // SAFETY: the caller's live handle; the statement is finalised on every path.
    unsafe {
        let rc = ffi::sqlite3_prepare_v2(db, c"select fts5(?1)".as_ptr(), -1, &mut statement, ptr::null_mut());
        if rc != ffi::SQLITE_OK {
            return Err(failure("FTS5 is not compiled in"));
        }
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        ffi::sqlite3_bind_pointer(
            statement,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
        if api.is_null() {
            return Err(failure("FTS5 gave no API pointer"));
        }
        Ok(api)
    }
}

/// The FTS5 callback: `nval` arguments after the table, the column weights then the IDF blob.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    nval: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes a valid API, context and `nval` values for this call.
    unsafe {
        let values = if nval > 0 {
            std::slice::from_raw_parts(values, nval as usize)
        } else {
            &[]
        };
        match score(&*api, fts, values) {
            Ok(score) => ffi::sqlite3_result_double(ctx, score),
            Err(Fault::Message(message)) => {
                ffi::sqlite3_result_error(ctx, message.as_ptr().cast(), message.len() as c_int)
            }
            Err(Fault::Code(rc)) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

enum Fault {
    Message(&'static str),
    Code(c_int),
}

fn check(rc: c_int) -> Result<(), Fault> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(Fault::Code(rc))
    }
}

/// Phrases counted on the stack; a longer query (rare) counts in a vector.
const STACK_PHRASES: usize = 16;

unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    values: &[*mut ffi::sqlite3_value],
) -> Result<f64, Fault> {
    let missing = Fault::Message("joan_rank: FTS5 API call missing");
    let (Some(column_count), Some(phrase_count), Some(row_count), Some(total_size), Some(column_size)) = (
        api.xColumnCount,
        api.xPhraseCount,
        api.xRowCount,
        api.xColumnTotalSize,
        api.xColumnSize,
    ) else {
        return Err(missing);
    };
    let (Some(inst_count), Some(inst)) = (api.xInstCount, api.xInst) else {
        return Err(missing);
    };
    // SAFETY: every call gets the context FTS5 gave this invocation; the blob is read within
    // its reported length.
    unsafe {
        let columns = column_count(fts).max(0) as usize;
        let phrases = phrase_count(fts).max(0) as usize;
        if values.len() != columns + 1 {
            return Err(Fault::Message(
                "joan_rank: give one weight per column, then the IDF blob",
            ));
        }
        let weight = |column: c_int| -> f64 {
            usize::try_from(column)
                .ok()
                .and_then(|c| values.get(c))
                .map_or(0.0, |v| ffi::sqlite3_value_double(*v))
        };
        let blob = values[columns];
        let bytes = ffi::sqlite3_value_bytes(blob).max(0) as usize;
        if bytes != phrases * 8 {
            return Err(Fault::Message("joan_rank: the IDF blob needs one f64 per phrase"));
        }
        let idf_bytes: &[u8] = if bytes == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ffi::sqlite3_value_blob(blob).cast::<u8>(), bytes)
        };

        let (mut rows, mut tokens, mut length) = (0i64, 0i64, 0 as c_int);
        check(row_count(fts, &mut rows))?;
        check(total_size(fts, -1, &mut tokens))?;
        check(column_size(fts, -1, &mut length))?;
        let average = if rows > 0 {
            (tokens as f64 / rows as f64).max(1.0)
        } else {
            1.0
        };

        let mut on_stack = [0f64; STACK_PHRASES];
        let mut on_heap = Vec::new();
        let frequency: &mut [f64] = if phrases <= STACK_PHRASES {
            &mut on_stack[..phrases]
        } else {
            on_heap.resize(phrases, 0.0);
            &mut on_heap
        };
        let mut instances = 0 as c_int;
        check(inst_count(fts, &mut instances))?;
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0 as c_int, 0 as c_int, 0 as c_int);
            check(inst(fts, i, &mut phrase, &mut column, &mut offset))?;
            if let Some(f) = usize::try_from(phrase).ok().and_then(|p| frequency.get_mut(p)) {
                *f += weight(column);
            }
        }
        let norm = K1 * (1.0 - B + B * f64::from(length) / average);
        let score: f64 = frequency
            .iter()
            .zip(idf_bytes.chunks_exact(8))
            .map(|(f, idf)| {
                let idf = f64::from_le_bytes(idf.try_into().unwrap_or([0; 8]));
                idf * f * (K1 + 1.0) / (f + norm)
            })
            .sum();
        Ok(-score)
    }
}

/// The IDF blob `joan_rank` reads: one little-endian `f64` per phrase.
pub fn idf_blob(idf: &[f64]) -> Vec<u8> {
    idf.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(
            "create virtual table t using fts5 (owner, title, body);
             insert into t (rowid, owner, title, body) values
                 (1, 'me', 'lunch', 'plan the budget'),
                 (2, 'me', 'budget', 'budget budget review'),
                 (3, 'me', 'misc', 'a long note about many other things and the budget at last'),
                 (4, 'me', 'misc', 'review');",
        )
        .unwrap();
        conn
    }

    fn ranked(conn: &Connection, query: &str, weights: &str, idf: &[f64]) -> Vec<(i64, f64)> {
        let sql = format!("select rowid, joan_rank(t, {weights}, ?2) as s from t where t match ?1 order by s, rowid");
        let mut statement = conn.prepare(&sql).unwrap();
        statement
            .query_map(rusqlite::params![query, idf_blob(idf)], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn more_occurrences_and_the_heavier_column_rank_first() {
        let conn = index();
        let order: Vec<i64> = ranked(&conn, "budget", "0, 4, 1", &[1.0])
            .into_iter()
            .map(|r| r.0)
            .collect();
        // Row 2 has it in the title and twice in the body; row 1 once in a short body; row 3
        // once in a long body.
        assert_eq!(order, [2, 1, 3]);
    }

    #[test]
    fn it_agrees_with_bm25_given_the_same_idf() {
        let conn = index();
        // FTS5's bm25 for one phrase over 4 rows, 3 holding it: idf = ln((4-3+0.5)/(3+0.5)) < 0,
        // which FTS5 raises to 1e-6; give the same and the scores must be the same.
        let ours = ranked(&conn, "budget", "0, 4, 1", &[1e-6]);
        let mut statement = conn
            .prepare("select rowid, bm25(t, 0, 4, 1) from t where t match 'budget' order by 2, rowid")
            .unwrap();
        let theirs: Vec<(i64, f64)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ours.len(), theirs.len());
        for ((a, x), (b, y)) in ours.iter().zip(&theirs) {
            assert_eq!(a, b);
            assert!((x - y).abs() < 1e-12, "{x} against {y}");
        }
    }

    #[test]
    fn a_rarer_phrase_weighs_more_through_its_idf() {
        let conn = index();
        // Row 2 has "budget" 3 times and "review" once; row 4 has only "review". With "review"
        // made precious, a row's share of it decides.
        let query = "budget OR review";
        let even = ranked(&conn, query, "0, 1, 1", &[1.0, 1.0]);
        let review_rare = ranked(&conn, query, "0, 1, 1", &[0.01, 10.0]);
        assert_eq!(even[0].0, 2);
        assert_eq!(review_rare[0].0, 4);
    }

    #[test]
    fn a_wrong_blob_is_an_error_not_a_crash() {
        let conn = index();
        let sql = "select joan_rank(t, 0, 4, 1, x'00') from t where t match 'budget'";
        let err = conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get::<_, f64>(0))
            .unwrap()
            .next()
            .unwrap();
        assert!(err.is_err());
    }
}
