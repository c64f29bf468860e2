"use strict";
/**
 * The application's own SQLite object as the engine's database: a better-sqlite3 `Database` or a
 * `node:sqlite` `DatabaseSync`. Every statement the engine runs goes through that object, so the
 * process holds one SQLite library for the file and the app may read, write, open and close its
 * own handles freely (two SQLite libraries in one process drop each other's POSIX locks and
 * delete each other's WAL: SQLite's "How To Corrupt An SQLite Database File", §2.2–2.3).
 *
 * The engine (Rust) builds the SQL and decodes the rows; this side only prepares, binds and
 * steps, synchronously on the JS thread (as Better Auth's own SQLite adapter does), one batch per
 * call: a transaction is one call, so no other JS code can run inside it.
 */

/** True for a better-sqlite3 `Database`. */
function isBetterSqlite3(db) {
  return !!db && typeof db === "object" && typeof db.prepare === "function" && typeof db.name === "string"
    && typeof db.transaction === "function" && typeof db.pragma === "function";
}

/** True for a `node:sqlite` `DatabaseSync`. */
function isNodeSqlite(db) {
  return !!db && typeof db === "object" && typeof db.prepare === "function" && typeof db.exec === "function"
    && db.constructor != null && db.constructor.name === "DatabaseSync";
}

/** The object's file name (`:memory:` for an in-memory database). */
function handleName(db) {
  if (isBetterSqlite3(db)) return db.memory ? ":memory:" : db.name;
  try {
    // node:sqlite ≥ 22.16 / 23.x: db.location() → the path, or null in memory
    const loc = typeof db.location === "function" ? db.location() : undefined;
    return loc == null || loc === "" ? ":memory:" : String(loc);
  } catch {
    return ":memory:";
  }
}

const CACHE_LIMIT = 256;

/**
 * `({ tx, stmts }) => { results } | { error }` over `db`. `stmts`: `{ sql, params, rows }`; a
 * param `{ ref: i }` is the first column of the first row statement `i` returned. Never throws:
 * SQLite errors come back as `{ error: { code, errcode, message } }` (the engine maps a UNIQUE
 * violation to its answer and BUSY/IOERR to 503 DATABASE_UNAVAILABLE).
 */
function sqliteRunner(db) {
  const node = !isBetterSqlite3(db);
  const cache = new Map();
  const prepare = (sql) => {
    let st = cache.get(sql);
    if (st === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      st = db.prepare(sql);
      // the app may have turned on BigInt integers for its own statements
      if (!node && typeof st.safeIntegers === "function") st.safeIntegers(false);
      if (node) {
        // rows as arrays (a join has two `id` columns); Node ≥ 24 has setReturnArrays
        if (typeof st.setReturnArrays === "function") st.setReturnArrays(true);
        st.__arrays = typeof st.setReturnArrays === "function";
      }
      cache.set(sql, st);
    }
    return st;
  };
  const step = (s, results) => {
    const params = s.params.map((p) => {
      if (p !== null && typeof p === "object" && typeof p.ref === "number") {
        const r = results[p.ref];
        const row = r && r.rows && r.rows[0];
        return row ? row[0] : null;
      }
      return p;
    });
    const st = prepare(s.sql);
    if (!node) {
      if (s.rows && st.reader) return { rows: st.raw(true).all(...params) };
      if (s.rows) { st.run(...params); return { rows: [] }; }
      return { changes: st.run(...params).changes };
    }
    if (s.rows) {
      const rows = st.all(...params);
      return { rows: st.__arrays ? rows : rows.map((r) => Object.values(r)) };
    }
    return { changes: Number(st.run(...params).changes) };
  };
  const runAll = (stmts) => {
    const results = [];
    for (const s of stmts) results.push(step(s, results));
    return results;
  };
  const inTransaction = (stmts) => {
    if (!node) return db.transaction(runAll)(stmts);
    db.exec("BEGIN IMMEDIATE");
    try {
      const r = runAll(stmts);
      db.exec("COMMIT");
      return r;
    } catch (e) {
      try { db.exec("ROLLBACK"); } catch { /* already rolled back */ }
      throw e;
    }
  };
  return (batch) => {
    try {
      if (node ? db.isOpen === false : db.open === false) {
        return { error: { code: "SQLITE_MISUSE", closed: true, message: "the database object passed as `database` is closed" } };
      }
      return { results: batch.tx ? inTransaction(batch.stmts) : runAll(batch.stmts) };
    } catch (e) {
      return {
        error: {
          code: e && typeof e.code === "string" ? e.code : undefined,
          errcode: e && typeof e.errcode === "number" ? e.errcode : undefined,
          message: String((e && e.message) ?? e),
        },
      };
    }
  };
}

/**
 * The SQLite library the application has loaded in this process, if any: better-sqlite3 (found
 * in the CommonJS module cache, where ESM imports of it land too) or `node:sqlite` (Node ≥ 22.5,
 * once required). `{ kind, open(path) }`, or null.
 */
function loadedSqliteLibrary() {
  for (const key of Object.keys(require.cache)) {
    if (/[\\/]better-sqlite3[\\/]lib[\\/]index\.js$/.test(key)) {
      const Database = require.cache[key]?.exports;
      if (typeof Database === "function") {
        return {
          kind: "better-sqlite3",
          open: (file) => {
            const db = new Database(file, { timeout: 10000 });
            db.pragma("journal_mode = WAL");
            db.pragma("synchronous = NORMAL");
            db.pragma("foreign_keys = ON");
            return db;
          },
        };
      }
    }
  }
  const loaded = Array.isArray(process.moduleLoadList) && process.moduleLoadList.includes("NativeModule sqlite");
  if (loaded) {
    try {
      const { DatabaseSync } = require("node:sqlite");
      return {
        kind: "node:sqlite",
        open: (file) => {
          const db = new DatabaseSync(file, { timeout: 10000 });
          db.exec("pragma journal_mode = WAL; pragma synchronous = NORMAL; pragma foreign_keys = ON");
          return db;
        },
      };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * For an SQLite *path* (`database: "./auth.db"`): `sqlite.attach(path)` is called by the engine
 * when it first opens the file. When the application has loaded an SQLite library of its own
 * (better-sqlite3, node:sqlite), the engine's statements go through a handle of that library on
 * the same file (`sqlite.run`), so the process keeps one SQLite library for it; otherwise the
 * engine opens the file itself (the faster path, off the JS thread).
 */
function attachCallbacks(fns) {
  let runner = null;
  fns.set("sqlite.attach", (file) => {
    if (runner) return true;
    const lib = loadedSqliteLibrary();
    if (!lib) return false;
    runner = sqliteRunner(lib.open(file));
    return lib.kind;
  });
  fns.set("sqlite.run", (batch) => (runner ? runner(batch) : { error: { code: "SQLITE_MISUSE", message: "no SQLite handle attached" } }));
}

module.exports = { isBetterSqlite3, isNodeSqlite, handleName, sqliteRunner, attachCallbacks, loadedSqliteLibrary };
