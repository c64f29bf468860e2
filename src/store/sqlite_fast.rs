//! The hot read on an SQLite file (the session + user join of every `getSession`), run on the
//! calling tokio worker with a cached prepared statement instead of through sqlx-sqlite's
//! per-connection worker thread: a page-cache read takes microseconds, the thread hand-offs it
//! saves took most of a `getSession`. Never on the JS thread. Any SQLite error (busy, schema
//! being migrated, file moved) returns `None` so the caller falls back to the sqlx pool.
use super::schema::FieldType;
use super::value::Val;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Idle read connections kept for reuse.
const KEEP: usize = 8;

/// A small pool of read-only-by-pragma connections to one SQLite file.
pub struct FastReader {
    path: String,
    conns: Mutex<Vec<Connection>>,
    /// Idle connections for reads that must never wait ([`FastReader::first_row_now`]: busy
    /// timeout 0), kept apart so their setting never leaks into the tokio workers' reads.
    now_conns: Mutex<Vec<Connection>>,
    /// Connections open (idle or in use): each holds a descriptor on the file.
    open: AtomicUsize,
}

impl std::fmt::Debug for FastReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastReader").field("path", &self.path).finish_non_exhaustive()
    }
}

fn decode(v: ValueRef<'_>, ty: FieldType) -> Option<Val> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some(match (ty, v) {
        (_, ValueRef::Null) => Val::Null,
        (FieldType::Id, ValueRef::Text(t)) => Val::Id(text(t)),
        (FieldType::Id, ValueRef::Integer(i)) => Val::Id(i.to_string()),
        (FieldType::String, ValueRef::Text(t)) => Val::Text(text(t)),
        (FieldType::String, ValueRef::Integer(i)) => Val::Text(i.to_string()),
        (FieldType::String, ValueRef::Real(f)) => Val::Text(f.to_string()),
        (FieldType::Boolean, ValueRef::Integer(i)) => Val::Bool(i == 1),
        (FieldType::Number, ValueRef::Integer(i)) => Val::Int(i),
        (FieldType::Number, ValueRef::Real(f)) => Val::Float(f),
        (FieldType::Date, ValueRef::Text(t)) => Val::Date(crate::time::parse_date(&text(t))?),
        (FieldType::Date, ValueRef::Integer(i)) => Val::Date(i),
        (FieldType::Json | FieldType::StringArray | FieldType::NumberArray, ValueRef::Text(t)) => {
            let s = text(t);
            serde_json::from_str(&s).map(Val::Json).unwrap_or(Val::Text(s))
        }
        // anything unusual: let the sqlx path decide
        _ => return None,
    })
}

impl FastReader {
    /// A reader for the SQLite file at `path` (connections open lazily).
    pub fn new(path: &str) -> Self {
        FastReader { path: path.to_string(), conns: Mutex::new(Vec::new()), now_conns: Mutex::new(Vec::new()), open: AtomicUsize::new(0) }
    }

    /// Connections open now (counted from before they open until after they close).
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Closes every idle connection (the caller makes sure none is in use).
    pub fn clear(&self) {
        let mut drained: Vec<Connection> = self.conns.lock().map(|mut v| v.drain(..).collect()).unwrap_or_default();
        drained.extend(self.now_conns.lock().map(|mut v| v.drain(..).collect::<Vec<_>>()).unwrap_or_default());
        for c in drained {
            self.close(c);
        }
    }

    fn close(&self, c: Connection) {
        drop(c);
        self.open.fetch_sub(1, Ordering::SeqCst);
    }

    fn open(&self, busy: Duration) -> Option<Connection> {
        self.open.fetch_add(1, Ordering::SeqCst);
        let c = self.try_open(busy);
        if c.is_none() {
            self.open.fetch_sub(1, Ordering::SeqCst);
        }
        c
    }

    fn try_open(&self, busy: Duration) -> Option<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let c = Connection::open_with_flags(&self.path, flags).ok()?;
        c.busy_timeout(busy).ok()?;
        c.pragma_update(None, "query_only", true).ok()?;
        // never checkpoint or delete the WAL on close (see sqlite_file.rs)
        c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).ok()?;
        c.set_prepared_statement_cache_capacity(16);
        Some(c)
    }

    /// The first row of `sql` with one text parameter, decoded by `types`; `Some(None)` when
    /// there is no row; `None` when the fast path cannot answer (use the pool).
    pub fn first_row(&self, sql: &str, param: &str, types: &[FieldType]) -> Option<Option<Vec<Val>>> {
        self.first_row_in(&self.conns, Duration::from_millis(50), sql, param, types)
    }

    /// [`FastReader::first_row`] for the caller's own thread (the JS thread): a connection whose
    /// busy timeout is 0, so a locked database (a writer in rollback-journal mode, a WAL being
    /// recovered) answers `None` at once instead of waiting, and the caller takes the
    /// asynchronous path.
    pub fn first_row_now(&self, sql: &str, param: &str, types: &[FieldType]) -> Option<Option<Vec<Val>>> {
        self.first_row_in(&self.now_conns, Duration::ZERO, sql, param, types)
    }

    fn first_row_in(&self, idle: &Mutex<Vec<Connection>>, busy: Duration, sql: &str, param: &str, types: &[FieldType]) -> Option<Option<Vec<Val>>> {
        let conn = match idle.lock().ok().and_then(|mut v| v.pop()) {
            Some(c) => c,
            None => self.open(busy)?,
        };
        let result = (|| {
            let mut st = conn.prepare_cached(sql).ok()?;
            let mut rows = st.query([param]).ok()?;
            match rows.next().ok()? {
                None => Some(None),
                Some(row) => {
                    let mut out = Vec::with_capacity(types.len());
                    for (i, ty) in types.iter().enumerate() {
                        out.push(decode(row.get_ref(i).ok()?, *ty)?);
                    }
                    Some(Some(out))
                }
            }
        })();
        let keep = result.is_some() && idle.lock().map(|v| v.len() < KEEP).unwrap_or(false);
        if keep && let Ok(mut v) = idle.lock() {
            v.push(conn);
        } else {
            self.close(conn);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_falls_back_on_errors() {
        let path = std::env::temp_dir().join(format!("fast-{}.db", crate::crypto::random::generate_id(8)));
        let p = path.to_string_lossy().to_string();
        let c = Connection::open(&p).unwrap();
        c.execute_batch("create table t (id text, n integer, d date, b integer, j text); insert into t values ('a', 5, '2026-01-01T00:00:00.123Z', 1, '[1,2]');").unwrap();
        let r = FastReader::new(&p);
        let types = [FieldType::Id, FieldType::Number, FieldType::Date, FieldType::Boolean, FieldType::Json];
        let row = r.first_row("select id, n, d, b, j from t where id = ?", "a", &types).unwrap().unwrap();
        assert_eq!(row[0], Val::Id("a".into()));
        assert_eq!(row[1], Val::Int(5));
        assert_eq!(row[2], Val::Date(1_767_225_600_123));
        assert_eq!(row[3], Val::Bool(true));
        assert_eq!(row[4], Val::Json(serde_json::json!([1, 2])));
        assert_eq!(r.first_row("select id, n, d, b, j from t where id = ?", "zz", &types), Some(None));
        assert_eq!(r.first_row("select nope from t where id = ?", "a", &types), None);
        // query_only: the fast path never writes
        // the JS thread's connections answer the same
        assert_eq!(r.first_row_now("select id, n, d, b, j from t where id = ?", "a", &types).unwrap().unwrap()[1], Val::Int(5));
        // ...and never wait: a writer holding the lock (rollback journal) makes them give up at once
        c.execute_batch("begin exclusive; update t set n = 6;").unwrap();
        let t0 = std::time::Instant::now();
        assert_eq!(r.first_row_now("select id, n, d, b, j from t where id = ?", "a", &types), None);
        assert!(t0.elapsed() < Duration::from_millis(40), "{:?}", t0.elapsed());
        c.execute_batch("commit;").unwrap();
        let conn = r.open(Duration::ZERO).unwrap();
        assert!(conn.execute("insert into t (id) values ('x')", []).is_err());
        let _ = std::fs::remove_file(&path);
    }
}
