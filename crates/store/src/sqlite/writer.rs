//! SQLite's writer thread: one plain (rusqlite) connection owned by one OS
//! thread, which runs whole jobs — a chat batch is one job, one transaction —
//! with its statements prepared once and cached. A job costs one handoff to
//! the thread and one back, not one per statement as a pooled async
//! connection does.
//!
//! The thread never writes on its own: the store holds its single sqlx write
//! connection while a job runs (see `append`), so every writer in the process
//! still takes turns, and readers (WAL, a separate read-only pool) never wait
//! for either.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use crate::{Result, StoreError};

/// Statements kept prepared; the chat batch uses about a dozen.
const STATEMENT_CACHE: usize = 64;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Where the writer connection opens: a file, or a named in-memory database
/// that the store's sqlx connection shares (shared cache).
pub(super) enum Target<'a> {
    File(&'a std::path::Path),
    SharedMemory(&'a std::path::Path),
}

pub(super) struct WriterThread {
    jobs: mpsc::Sender<Job>,
}

impl WriterThread {
    /// Opens the connection (the schema is already migrated) and starts the
    /// thread; it ends when the store, and with it the sender, goes away.
    pub(super) fn start(target: Target<'_>, full_sync: bool, busy: Duration) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match target {
            Target::File(path) => Connection::open_with_flags(path, flags)?,
            Target::SharedMemory(name) => Connection::open_with_flags(
                name,
                flags
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_MEMORY
                    | OpenFlags::SQLITE_OPEN_SHARED_CACHE,
            )?,
        };
        conn.busy_timeout(busy)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(
            None,
            "synchronous",
            if full_sync { "FULL" } else { "NORMAL" },
        )?;
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut conn = conn;
                while let Ok(job) = queue.recv() {
                    // A panicking job loses its answer (its caller gets an
                    // error; its open transaction rolls back as it unwinds),
                    // not the writer.
                    let _ = panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
                }
            })
            .map_err(|e| StoreError::Config(format!("cannot start the SQLite writer: {e}")))?;
        Ok(WriterThread { jobs })
    }

    /// Runs `job` on the writer's connection and returns what it returned.
    pub(super) async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                let _ = reply.send(job(conn));
            }))
            .map_err(|_| StoreError::Config("the SQLite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Config("the SQLite writer dropped a job".into()))?
    }
}
