//! An SQLite file the engine owns (the path form: `database: "./auth.db"`), kept safe when the
//! application opens the same file through another copy of SQLite in the same process
//! (better-sqlite3, `node:sqlite`, ...).
//!
//! Two SQLite libraries in one process cannot see each other: POSIX locks are per process, so
//! neither library's locks exclude the other's connections, one library's `close()` drops every
//! lock the process holds on the file, and its last connection — believing it is the last user —
//! checkpoints and *deletes* the WAL and shared-memory files the other library is still writing
//! to (<https://sqlite.org/howtocorrupt.html> §2.2–2.3). Writes made after that land in an
//! unlinked file and vanish. So, around every write:
//!
//! - **another library's handle is open** on the file (a descriptor on it that none of our
//!   connections accounts for): the write is refused with 503 `DATABASE_UNAVAILABLE` and one log
//!   line saying what to do (pass the `Database` object instead of the path) — before the write,
//!   and again after it, in which case the answer is 503 instead of 200 (never a 200 for a write
//!   that may be lost);
//! - **our WAL or shared memory was deleted** under us (the other library closed its last
//!   handle): every connection of ours is closed — the last close checkpoints the WAL we still
//!   hold into the database file, so writes acknowledged meanwhile are kept — and fresh
//!   connections are opened, before the write goes on (or, after it, before it is acknowledged).
//!
//! One `SqliteFile` per file per process (instances on the same file share it), so "our
//! connections" are all of them. The descriptor scan reads `/proc/self/fd` (Linux; a few
//! microseconds per descriptor) and runs for writes only; elsewhere the checks are skipped.
use super::sqlite_fast::FastReader;
use crate::error::AuthError;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

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
    pub async fn open(path: &str, opts: SqliteConnectOptions, max_connections: u32) -> Result<Arc<Self>, sqlx::Error> {
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

    /// Before a write: refuses while another library holds the file, re-opens our connections
    /// when our WAL was deleted under them. Call without holding [`Self::enter`].
    pub async fn before_write(&self) -> Result<(), AuthError> {
        let Some(scan) = self.scan() else { return Ok(()) };
        if scan.db_fds > self.ours() {
            return Err(self.shared_error());
        }
        if scan.orphaned {
            self.reset().await?;
        }
        Ok(())
    }

    /// After a write, before it is acknowledged: `Err` when it may not be durable. Call without
    /// holding [`Self::enter`].
    pub async fn after_write(&self) -> Result<(), AuthError> {
        let Some(scan) = self.scan() else { return Ok(()) };
        if scan.db_fds > self.ours() {
            return Err(self.shared_error());
        }
        if scan.orphaned {
            // the write went to a WAL that was deleted: closing our connections checkpoints it
            // into the database file (no other library holds the file now)
            self.reset().await?;
        }
        Ok(())
    }

    /// Closes every connection of ours (the last close checkpoints our WAL into the database
    /// file and removes it) and opens a fresh pool.
    async fn reset(&self) -> Result<(), AuthError> {
        let _exclusive = self.gate.write().await;
        // someone else may have reset meanwhile, or the app may have opened the file again
        let Some(scan) = self.scan() else { return Ok(()) };
        if !scan.orphaned {
            return Ok(());
        }
        if scan.db_fds > self.ours() {
            return Err(self.shared_error());
        }
        let old = self.pool();
        // a checkpoint that reports it copied every frame: the writes in the deleted WAL are in
        // the database file now
        let checkpointed: Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("pragma wal_checkpoint(TRUNCATE)").fetch_one(&old).await;
        if let Some(fast) = &self.fast {
            fast.clear();
        }
        old.close().await;
        match checkpointed {
            Ok((0, log, done)) if log == done || log < 0 => {}
            other => {
                eprintln!("[better-auth-rs] SQLite {}: the WAL deleted by another SQLite library could not be checkpointed ({other:?}); recent writes may be lost", self.path);
                self.reopen().await?;
                return Err(AuthError::unavailable());
            }
        }
        self.reopen().await?;
        eprintln!(
            "[better-auth-rs] SQLite {}: another SQLite library in this process closed the file and deleted its WAL; connections re-opened, nothing lost. Pass your Database object as `database` to share the file safely",
            self.path
        );
        Ok(())
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
