//! Throwaway databases for tests, shared by every crate's integration tests (behind the
//! `testkit` feature, which their dev-dependencies enable): a SQLite file in a temp dir, or a
//! fresh PostgreSQL database created on the server at `JOAN_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`) and dropped when the test ends. Without a
//! reachable PostgreSQL, PostgreSQL tests print `SKIP: ...` and pass, unless `CI=true`, where
//! they fail.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use crate::db::Location;
use sqlx::Connection;

/// The PostgreSQL server tests use when `JOAN_TEST_POSTGRES_URL` is unset.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own for one test.
pub struct TestDb {
    pub location: Location,
    dir: tempfile::TempDir,
    /// The admin URL and the database to drop at the end.
    postgres: Option<(String, String)>,
}

fn admin_url() -> String {
    std::env::var("JOAN_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string())
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn admin() -> Result<sqlx::PgConnection, String> {
    let url = admin_url();
    match tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect(&url)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out after 5 s".into()),
    }
}

/// Whether PostgreSQL tests must run rather than skip.
pub fn postgres_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

impl TestDb {
    /// A fresh, empty database (not migrated). `None` means: skip this test (PostgreSQL is
    /// not reachable and `CI` is not `true`; a `SKIP:` line has been printed).
    pub async fn create(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(TestDb {
                location: Location::Sqlite(dir.path().join("joan.db")),
                dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let mut conn = match admin().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        let url = admin_url();
                        assert!(
                            !postgres_required(),
                            "PostgreSQL is required when CI=true, but {url} is not reachable: {e}"
                        );
                        eprintln!("SKIP: PostgreSQL not reachable at {url} ({e}); set CI=true to make this a failure");
                        return None;
                    }
                };
                let name = format!("joan_test_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("create database {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                // A test database need not survive a crash of PostgreSQL itself: its commits
                // skip the wait for the WAL flush (still atomic and visible at once).
                sqlx::query(&format!("alter database {name} set synchronous_commit = off"))
                    .execute(&mut conn)
                    .await
                    .expect("set synchronous_commit on the test database");
                let _ = conn.close().await;
                let admin = admin_url();
                Some(TestDb {
                    location: Location::Postgres(with_database(&admin, &name)),
                    dir,
                    postgres: Some((admin, name)),
                })
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// A scratch directory of the test's own (`--data-dir`, SQLite's file).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The PostgreSQL URL of this database.
    pub fn url(&self) -> Option<&str> {
        match &self.location {
            Location::Postgres(url) => Some(url),
            Location::Sqlite(_) => None,
        }
    }

    /// Arguments that point `joan` at this database.
    pub fn cli_args(&self) -> Vec<OsString> {
        let mut args = vec![OsString::from("--data-dir"), self.dir().as_os_str().to_owned()];
        if let Some(url) = self.url() {
            args.push("--database-url".into());
            args.push(url.into());
        }
        args
    }

    /// Runs `sql` on a writable connection of its own, outside Joan (to damage tables).
    pub async fn execute_outside(&self, sql: &str) {
        match &self.location {
            Location::Sqlite(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("connect");
                sqlx::query(sql).execute(&mut conn).await.expect("execute");
                let _ = conn.close().await;
            }
            Location::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
                sqlx::query(sql).execute(&mut conn).await.expect("execute");
                let _ = conn.close().await;
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((_, name)) = self.postgres.take() else {
            return;
        };
        // Best effort, on a thread of its own: Drop cannot wait on the test's runtime.
        let dropper = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = admin().await {
                    let sql = format!("drop database if exists {name} with (force)");
                    if let Err(e) = sqlx::query(&sql).execute(&mut conn).await {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                    let _ = conn.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}

/// `on_both_backends!(a, b)` turns `async fn a(backend: Backend)` into the tests `a::sqlite`
/// and `a::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::testkit::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::testkit::Backend::Postgres).await
            }
        }
    )*};
}
pub use on_both_backends;

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced() {
        use super::with_database;
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
