//! migrations/postgres mirrors migrations/sqlite: the same tables with the same columns, so
//! projector and query SQL is written once. PostgreSQL adds only `events.tx`; SQLite only its
//! full-text search tables (FTS5 virtual tables and their shadow tables), which PostgreSQL
//! has as generated `search_vector` columns with GIN indexes (left out here).
use std::collections::BTreeSet;

use joan_commands::Database;

use crate::backend::Backend;
use crate::support::open;

async fn columns(db: &Database) -> BTreeSet<(String, String)> {
    let sql = if db.is_postgres() {
        "select table_name::text, column_name::text from information_schema.columns \
         where table_schema = current_schema() and table_name <> '_sqlx_migrations' \
         and is_generated = 'NEVER'"
    } else {
        "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p \
         where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations' \
         and not exists (select 1 from sqlite_master v where v.type = 'table' \
           and lower(v.sql) like 'create virtual table%' \
           and (m.name = v.name or m.name like v.name || '\\_%' escape '\\'))"
    };
    let rows: Vec<(String, String)> = db.fetch_all(sql, &[]).await.unwrap();
    rows.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_have_the_same_tables_and_columns() {
    let Some(sqlite) = open(Backend::Sqlite).await else {
        return;
    };
    let Some(postgres) = open(Backend::Postgres).await else {
        return;
    };
    let mut expected = columns(sqlite.store.db()).await;
    expected.insert(("events".into(), "tx".into()));
    let actual = columns(postgres.store.db()).await;
    assert!(
        expected.contains(&("tasks".into(), "updated_at".into())),
        "{expected:?}"
    );
    assert_eq!(
        actual.difference(&expected).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "only on PostgreSQL"
    );
    assert_eq!(
        expected.difference(&actual).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "only on SQLite"
    );
}
