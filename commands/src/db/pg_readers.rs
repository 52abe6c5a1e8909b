//! PostgreSQL's read connections: lent for one query, given back as they are.
//!
//! sqlx's `Pool` pings a connection when it is taken (`test_before_acquire`) and again,
//! unconditionally, when it is given back: three round trips to the server for a one-statement
//! read. Here a query takes an idle connection (or opens one), runs, and puts it back. A
//! connection whose query was cancelled, or which failed for a reason other than the statement
//! itself, is dropped instead; a read that failed on a reused connection that had gone away (a
//! restarted PostgreSQL) is retried once on a fresh one, since reads can be repeated. (SQLite's
//! reads do not go through here: see [`crate::db::sqlite::readers`].)
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;
use sqlx::Connection;
use tokio::sync::Semaphore;

type Connect<C> = Box<dyn Fn() -> BoxFuture<'static, Result<C, sqlx::Error>> + Send + Sync>;

/// Read connections of one database.
pub struct Readers<C> {
    idle: Mutex<Vec<C>>,
    permits: Semaphore,
    connect: Connect<C>,
    closed: AtomicBool,
}

impl<C> std::fmt::Debug for Readers<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

/// Whether a connection that returned `error` can serve the next query. A server error is the
/// statement's, except SQLSTATE classes 08 (connection exception) and 57 (operator
/// intervention: the server was shut down or the session terminated).
fn still_usable(error: &sqlx::Error) -> bool {
    if let sqlx::Error::Database(e) = error {
        let code = e.code();
        let class = code.as_deref().map_or("", |c| c.get(..2).unwrap_or(""));
        return !matches!(class, "08" | "57");
    }
    matches!(
        error,
        sqlx::Error::RowNotFound
            | sqlx::Error::TypeNotFound { .. }
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::Encode(_)
    )
}

impl<C: Connection> Readers<C> {
    /// At most `size` connections, opened with `connect` when first needed; one is opened now,
    /// so a wrong location fails at start.
    pub async fn open(size: u32, connect: Connect<C>) -> Result<Self, sqlx::Error> {
        let first = connect().await?;
        Ok(Self {
            idle: Mutex::new(vec![first]),
            permits: Semaphore::new(size.max(1) as usize),
            connect,
            closed: AtomicBool::new(false),
        })
    }

    /// Lends a connection: an idle one, or a new one when none is idle.
    pub async fn lease(&self) -> Result<Lease<'_, C>, sqlx::Error> {
        let permit = self.permits.acquire().await.map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let reused = idle.is_some();
        let conn = match idle {
            Some(conn) => conn,
            None => (self.connect)().await?,
        };
        Ok(Lease {
            readers: self,
            conn: Some(conn),
            reused,
            clean: false,
            _permit: permit,
        })
    }

    /// Closes the idle connections; connections out on loan close when they come back.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.permits.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        for conn in idle {
            let _ = conn.close().await;
        }
    }
}

/// A connection on loan: back to the idle list when its query finished cleanly, dropped
/// otherwise (a cancelled query may have left it mid-statement).
pub struct Lease<'r, C> {
    readers: &'r Readers<C>,
    conn: Option<C>,
    reused: bool,
    clean: bool,
    _permit: tokio::sync::SemaphorePermit<'r>,
}

impl<C> Lease<'_, C> {
    pub fn conn(&mut self) -> &mut C {
        self.conn.as_mut().expect("a lease holds its connection until dropped")
    }

    /// Records how the query ended; `true` asks the caller to run it once more on a new
    /// connection (this one was idle and has gone away).
    pub fn finish<T>(mut self, result: &Result<T, sqlx::Error>, retried: bool) -> bool {
        match result {
            Ok(_) => {
                self.clean = true;
                false
            }
            Err(e) if still_usable(e) => {
                self.clean = true;
                false
            }
            Err(e) => {
                let retry = self.reused && !retried;
                if retry {
                    tracing::info!(error = %e, "an idle read connection had gone away; retrying on a new one");
                }
                retry
            }
        }
    }
}

impl<C> Drop for Lease<'_, C> {
    fn drop(&mut self) {
        if self.clean && !self.readers.closed.load(Ordering::SeqCst) {
            if let Some(conn) = self.conn.take() {
                self.readers.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            }
        }
    }
}
