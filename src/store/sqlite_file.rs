//! An SQLite file the engine owns (the path form: `database: "./auth.db"`), kept safe when the
//! application opens the same file through another copy of SQLite in the same process
//! (better-sqlite3, `node:sqlite`, ...).
//!
//! Two SQLite libraries in one process cannot see each other: POSIX locks are per process, so
//! neither library's locks exclude the other's connections, one library's `close()` drops every
//! lock the process holds on the file, and its last connection — believing it is the last user —
//! checkpoints and *deletes* the WAL and shared-memory files the other library is still writing
//! to (<https://sqlite.org/howtocorrupt.html> §2.2–2.3). Writes made after that land in an
//! unlinked file and vanish. (When the app has already loaded better-sqlite3 or `node:sqlite`
//! as the engine first opens the file, the store goes through that library instead and none of
//! this applies: see `js/sqlite-handle.js`.) Around every write here:
//!
//! - **another library's handle is open** on the file (a descriptor on it that none of our
//!   connections accounts for), or **our WAL was deleted** under us (that library closed its
//!   last handle): the engine moves to the app's library for good — it drains its own
//!   statements, checkpoints a deleted WAL's frames into the database file (only when no other
//!   handle is open, else that write answers 503), closes its connections, and asks the JS layer
//!   to open the file with the SQLite library the app has loaded; from then on every statement
//!   goes through that library, like the handle form. Our connections never checkpoint or delete
//!   the WAL when they close (`SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`), so closing them cannot pull
//!   the WAL from under the app.
//! - when the app's library cannot be found (another SQLite package), writes answer 503
//!   `DATABASE_UNAVAILABLE` while the foreign handle is open, with one log line saying what to do
//!   (pass the `Database` object instead of the path); never a 200 for a write that may be lost.
//!
//! One `SqliteFile` per file per process (instances on the same file share it), so "our
//! connections" are all of them. The descriptor scan reads `/proc/self/fd` (Linux; a few
//! microseconds per descriptor) and runs for writes only; elsewhere the checks are skipped.
use super::js_sqlite::{ATTACH, JsSqlite};
use super::sqlite_fast::FastReader;
use crate::callbacks::Callbacks;
use crate::error::AuthError;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// What the descriptor scan saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scan {
    /// Descriptors open on the database file, ours and others'.
    pub db_fds: usize,
    /// A descriptor on our `-wal` or `-shm` file that was deleted.
    pub orphaned: bool,
}

/// The shared state of one SQLite file.
pub struct SqliteFile {
    path: String,
    /// The resolved path the kernel reports for descriptors on the file (`None`: no scan).
    resolved: Option<String>,
    opts: SqliteConnectOptions,
    max_connections: u32,
    pool: Mutex<SqlitePool>,
    /// Statements hold it shared; a reset holds it exclusively (no connection may be in use
    /// while all of them are closed and re-opened).
    gate: tokio::sync::RwLock<()>,
    /// The session read without sqlx's worker thread (files only).
    pub fast: Option<FastReader>,
    memory: bool,
    /// Reaches the JS layer, to open the file with the app's SQLite library.
    callbacks: Option<Callbacks>,
    /// Set once the engine moved to the app's SQLite library: every statement goes there.
    delegate: OnceLock<Arc<JsSqlite>>,
}

/// Where a write goes.
#[derive(Debug)]
pub enum Route {
    /// Our own connections.
    Own,
    /// The app's SQLite library (the engine moved there).
    App(Arc<JsSqlite>),
}

impl std::fmt::Debug for SqliteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteFile").field("path", &self.path).finish_non_exhaustive()
    }
}

static FILES: Mutex<Option<HashMap<String, Weak<SqliteFile>>>> = Mutex::new(None);

fn pool_options(max: u32, memory: bool) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        // a local file does not drop connections: skip the per-acquire ping (a worker-thread
        // round trip on every query)
        .test_before_acquire(false)
        .max_connections(if memory { 1 } else { max })
        // an in-memory database lives as long as its one connection
        .min_connections(u32::from(memory))
        // connections stay open: the count of our descriptors must not move behind the scan's
        // back, and our last close would checkpoint and delete the WAL under an app's handle
        .idle_timeout(None)
        .max_lifetime(None)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                let mut handle = conn.lock_handle().await?;
                no_checkpoint_on_close(handle.as_raw_handle().as_ptr());
                Ok(())
            })
        })
}

/// Our connections never checkpoint or delete the WAL when they close: the app's SQLite
/// library may still be using it (the engine closes its connections when it moves there).
pub(crate) fn no_checkpoint_on_close(db: *mut rusqlite::ffi::sqlite3) {
    // SAFETY: `db` is an open connection handle owned by the caller for the whole call;
    // sqlite3_db_config with an int and a nullable int pointer is its documented signature.
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            db,
            rusqlite::ffi::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        );
    }
}

fn log_every_10s(last: &std::sync::atomic::AtomicU64, line: &str) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let prev = last.load(std::sync::atomic::Ordering::Relaxed);
    if now >= prev + 10 && last.compare_exchange(prev, now, std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed).is_ok() {
        eprintln!("{line}");
    }
}

static LAST_SHARED_LOG: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl SqliteFile {
    /// The shared file for `path` (opened on first use in this process); `:memory:` is never
    /// shared.
    pub async fn open(path: &str, opts: SqliteConnectOptions, max_connections: u32, callbacks: Option<Callbacks>) -> Result<Arc<Self>, sqlx::Error> {
        if path == ":memory:" {
            let pool = pool_options(1, true).connect_with(opts.clone()).await?;
            return Ok(Arc::new(SqliteFile {
                path: path.to_string(),
                resolved: None,
                opts,
                max_connections: 1,
                pool: Mutex::new(pool),
                gate: tokio::sync::RwLock::new(()),
                fast: None,
                memory: true,
                callbacks: None,
                delegate: OnceLock::new(),
            }));
        }
        let resolved = resolve(path);
        let key = resolved.clone().unwrap_or_else(|| path.to_string());
        if let Some(existing) = FILES.lock().ok().and_then(|m| m.as_ref().and_then(|m| m.get(&key)).and_then(Weak::upgrade)) {
            return Ok(existing);
        }
        let pool = pool_options(max_connections, false).connect_with(opts.clone()).await?;
        let file = Arc::new(SqliteFile {
            path: path.to_string(),
            // the file exists now: resolve it again (it may have just been created)
            resolved: resolve(path),
            opts,
            max_connections,
            pool: Mutex::new(pool),
            gate: tokio::sync::RwLock::new(()),
            fast: Some(FastReader::new(path)),
            memory: false,
            callbacks,
            delegate: OnceLock::new(),
        });
        if let Ok(mut m) = FILES.lock() {
            let m = m.get_or_insert_with(HashMap::new);
            m.retain(|_, w| w.strong_count() > 0);
            // a concurrent opener may have won: use theirs
            if let Some(existing) = m.get(&key).and_then(Weak::upgrade) {
                return Ok(existing);
            }
            m.insert(file.resolved.clone().unwrap_or(key), Arc::downgrade(&file));
        }
        Ok(file)
    }

    /// The current pool (a cheap handle).
    pub fn pool(&self) -> SqlitePool {
        self.pool.lock().map(|p| p.clone()).unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Shared access for one statement (a read, or a write after [`Self::before_write`]).
    pub async fn enter(&self) -> tokio::sync::RwLockReadGuard<'_, ()> {
        self.gate.read().await
    }

    /// [`Self::enter`] without waiting: `None` while a reset holds the gate.
    pub fn try_enter(&self) -> Option<tokio::sync::RwLockReadGuard<'_, ()>> {
        self.gate.try_read().ok()
    }

    /// Descriptors on the file that our connections account for.
    fn ours(&self) -> usize {
        self.pool().size() as usize + self.fast.as_ref().map_or(0, FastReader::open_connections)
    }

    fn scan(&self) -> Option<Scan> {
        self.resolved.as_deref().and_then(scan_fds)
    }

    fn shared_error(&self) -> AuthError {
        log_every_10s(
            &LAST_SHARED_LOG,
            &format!(
                "[better-auth-rs] another SQLite library in this process (better-sqlite3, node:sqlite, ...) has {} open; two copies of SQLite in one process corrupt a shared file, so writes answer 503 until that handle is closed. Pass your Database object as `database` instead of the path: betterAuth({{ database: db }})",
                self.path
            ),
        );
        AuthError::unavailable()
    }

    /// The app's SQLite library, once the engine moved there.
    pub fn delegate(&self) -> Option<Arc<JsSqlite>> {
        self.delegate.get().cloned()
    }

    /// Before a write: where it goes. Moves to the app's library when another library holds the
    /// file or deleted our WAL. Call without holding [`Self::enter`].
    pub async fn before_write(&self) -> Result<Route, AuthError> {
        if let Some(d) = self.delegate() {
            return Ok(Route::App(d));
        }
        let Some(scan) = self.scan() else { return Ok(Route::Own) };
        if scan.db_fds <= self.ours() && !scan.orphaned {
            return Ok(Route::Own);
        }
        Ok(match self.move_to_app().await? {
            Some(d) => Route::App(d),
            None => Route::Own,
        })
    }

    /// After a write on our own connections, before it is acknowledged: `Err` when it may not
    /// be durable. Call without holding [`Self::enter`].
    pub async fn after_write(&self) -> Result<(), AuthError> {
        let Some(scan) = self.scan() else { return Ok(()) };
        if scan.db_fds <= self.ours() && !scan.orphaned {
            return Ok(());
        }
        if self.delegate.get().is_some() && !scan.orphaned {
            // another request moved us meanwhile, after this write (it waited for it)
            return Ok(());
        }
        // a handle appeared during the write: the frames are in the WAL it shares (visible to it);
        // a deleted WAL: they are checkpointed into the file by the move, or the answer is 503
        self.move_to_app().await.map(|_| ())
    }

    /// Drains our statements, keeps what we wrote, closes our connections and goes through the
    /// app's SQLite library from now on. `Ok(None)`: no such library is loaded, our WAL had been
    /// deleted and no other handle is open: our own connections were re-opened instead.
    async fn move_to_app(&self) -> Result<Option<Arc<JsSqlite>>, AuthError> {
        let _exclusive = self.gate.write().await;
        if let Some(d) = self.delegate() {
            return Ok(Some(d));
        }
        let Some(scan) = self.scan() else { return Ok(None) };
        let foreign = scan.db_fds > self.ours();
        if !foreign && !scan.orphaned {
            return Ok(None);
        }
        if scan.orphaned && foreign {
            // the app re-opened the file after deleting our WAL: its new WAL and our deleted one
            // cannot both be right; what we wrote since that close is not in the file
            return Err(self.shared_error());
        }
        let old = self.pool();
        let mut kept = true;
        if scan.orphaned {
            // nobody else holds the file: copy the deleted WAL's frames into the database file
            let checkpointed: Result<(i64, i64, i64), sqlx::Error> =
                sqlx::query_as("pragma wal_checkpoint(TRUNCATE)").fetch_one(&old).await;
            kept = matches!(checkpointed, Ok((0, log, done)) if log == done || log < 0);
            if !kept {
                eprintln!("[better-auth-rs] SQLite {}: the WAL deleted by another SQLite library could not be checkpointed ({checkpointed:?}); recent writes may be lost", self.path);
            }
        }
        // our connections close without checkpointing or deleting the WAL (the app's library
        // uses it)
        if let Some(fast) = &self.fast {
            fast.clear();
        }
        old.close().await;
        let attached = match &self.callbacks {
            Some(cb) if cb.has(ATTACH) => cb.call(ATTACH, serde_json::json!([self.path])).await.ok().flatten(),
            _ => None,
        };
        if let (Some(kind), Some(cb)) = (attached.filter(|v| v.is_string() || v == &serde_json::Value::Bool(true)), &self.callbacks) {
            let d = Arc::new(JsSqlite::new(cb.clone(), self.path.clone()));
            let _ = self.delegate.set(d.clone());
            eprintln!(
                "[better-auth-rs] SQLite {}: the app opened this file with {} in the same process; the engine now goes through that library for it (two copies of SQLite must not share a file). Pass your Database object as `database` to start that way",
                self.path,
                kind.as_str().unwrap_or("its SQLite library")
            );
            return if kept { Ok(Some(d)) } else { Err(AuthError::unavailable()) };
        }
        // no library of the app's to go through: our own connections again
        self.reopen().await?;
        if foreign {
            return Err(self.shared_error());
        }
        if !kept {
            return Err(AuthError::unavailable());
        }
        eprintln!(
            "[better-auth-rs] SQLite {}: another SQLite library in this process closed the file and deleted its WAL; connections re-opened, nothing lost. Pass your Database object as `database` to share the file safely",
            self.path
        );
        Ok(None)
    }

    async fn reopen(&self) -> Result<(), AuthError> {
        let fresh = pool_options(self.max_connections, self.memory).connect_with(self.opts.clone()).await.map_err(|e| {
            crate::error::log_outage(&format!("SQLite {}: {e}", self.path));
            AuthError::unavailable()
        })?;
        if let Ok(mut p) = self.pool.lock() {
            *p = fresh;
        }
        Ok(())
    }
}

/// The path the kernel reports for descriptors on `path` (symlinks resolved), if it exists.
fn resolve(path: &str) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    std::fs::canonicalize(path).ok().map(|p| p.to_string_lossy().into_owned())
}

/// Counts descriptors of this process on `db` and looks for deleted `-wal`/`-shm` files of it.
fn scan_fds(db: &str) -> Option<Scan> {
    let wal_gone = format!("{db}-wal (deleted)");
    let shm_gone = format!("{db}-shm (deleted)");
    let mut scan = Scan::default();
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else { continue };
        let t = target.as_os_str().as_encoded_bytes();
        if t == db.as_bytes() {
            scan.db_fds += 1;
        } else if t == wal_gone.as_bytes() || t == shm_gone.as_bytes() {
            scan.orphaned = true;
        }
    }
    Some(scan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_descriptors_and_sees_deleted_wal() {
        let dir = std::env::temp_dir().join(format!("sqlite-file-{}", crate::crypto::random::generate_id(8)));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("a.db");
        std::fs::write(&db, b"").unwrap();
        let wal = dir.join("a.db-wal");
        std::fs::write(&wal, b"").unwrap();
        let resolved = resolve(&db.to_string_lossy()).unwrap();
        let before = scan_fds(&resolved).unwrap();
        let f1 = std::fs::File::open(&db).unwrap();
        let f2 = std::fs::File::open(&db).unwrap();
        let w = std::fs::File::open(&wal).unwrap();
        let s = scan_fds(&resolved).unwrap();
        assert_eq!(s.db_fds, before.db_fds + 2);
        assert!(!s.orphaned);
        std::fs::remove_file(&wal).unwrap();
        assert!(scan_fds(&resolved).unwrap().orphaned);
        drop((f1, f2, w));
        assert_eq!(scan_fds(&resolved).unwrap(), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
