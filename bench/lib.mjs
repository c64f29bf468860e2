// Shared by bench/server.mjs and bench/inprocess.mjs: building one auth instance per IMPL with the
// same options on both sides. Only the selected implementation is loaded, so memory and start-up
// figures are not polluted by the other one.
import { createRequire } from "node:module";
import { readFileSync, existsSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const SECRET = process.env.BENCH_SECRET || "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
export const BASE_URL = process.env.BENCH_BASE_URL || "http://localhost:3000";
export const COOKIE_NAME = "better-auth.session_token";

// "sqlite / A (core)" section of shared/spec/schema-ddl.sql (better-auth@1.7.25 getMigrations()).
// Embedded so the bench runs where shared/ is absent; checked against the file when it is present.
export const SQLITE_CORE_DDL = `
create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null);
create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade);
create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null);
create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null);
create index "session_userId_idx" on "session" ("userId");
create index "account_userId_idx" on "account" ("userId");
create index "verification_identifier_idx" on "verification" ("identifier");
`.trim();

/** The DDL from shared/spec if it can be found (and differs only in whitespace), else the embedded copy. */
export function coreDDL() {
  const candidates = [
    process.env.BENCH_SCHEMA_DDL,
    path.resolve(ROOT, "../shared/spec/schema-ddl.sql"),
    "/work/shared/spec/schema-ddl.sql",
  ].filter(Boolean);
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const m = text.match(/-- ===== sqlite \/ A \(core\) =====\n([\s\S]*?)\n(?:\n|-- =====)/);
    if (!m) continue;
    const section = m[1].trim();
    const norm = (s) => s.replace(/\s+/g, " ").trim();
    if (norm(section) !== norm(SQLITE_CORE_DDL)) {
      process.emitWarning(`bench: the sqlite/A DDL in ${file} differs from the embedded copy; using the file`);
    }
    return section;
  }
  return SQLITE_CORE_DDL;
}

// "postgres / A (core)" of shared/spec/schema-ddl.sql, for the PostgreSQL floor.
export const PG_CORE_DDL = `
create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);
create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade);
`.trim();

/**
 * BENCH_DB=postgres: every DB_FILE is then a PostgreSQL URL naming a fresh schema
 * (`postgres://…?options=-c search_path=<schema>`), created on first use and dropped by the
 * harness at the end. The base URL comes from BENCH_PG_URL (default: the local server).
 */
export const PG_BASE_URL = process.env.BENCH_PG_URL || "postgres://postgres@127.0.0.1:5432/test";
export const isPgUrl = (s) => /^postgres(ql)?:\/\//.test(s);
export function pgSchemaOf(url) {
  const m = decodeURIComponent(new URL(url).searchParams.get("options") || "").match(/search_path=(\w+)/);
  return m ? m[1] : null;
}
/** Creates the URL's schema if missing; returns { base, schema }. */
export async function ensurePgSchema(url) {
  const schema = pgSchemaOf(url);
  const base = url.split("?")[0];
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try { await c.query(`create schema if not exists ${schema}`); } finally { await c.end(); }
  return { base, schema };
}

export const HASHING = {
  "better-auth": "scrypt N=16384, r=16, p=1, 64-byte key (node:crypto, libuv thread pool)",
  ours: "argon2id m=19456 KiB, t=2, p=1 (advanced.hashConcurrency dedicated threads, default = cores)",
};

/** Every IMPL createAuth knows (`floor` and `bare` are not auth implementations). */
export const IMPLS = ["better-auth", "ours", "ours-handle"];

/** Descriptors this process holds on `file` (its -wal/-shm included), from /proc/self/fd; null without /proc. */
export function descriptorsOn(file) {
  const out = [];
  let fds;
  try { fds = readdirSync("/proc/self/fd"); } catch { return null; }
  for (const fd of fds) {
    let target;
    try { target = readlinkSync(`/proc/self/fd/${fd}`); } catch { continue; }
    if (target === file || target.startsWith(file + "-")) out.push(target);
  }
  return out;
}

/**
 * `ours` (path form) must measure the engine's own SQLite connections. The engine goes through a
 * handle of the app's SQLite library instead when one is loaded in the process at the time it
 * first opens the file (js/sqlite-handle.js `loadedSqliteLibrary`), so nothing in an `ours`
 * process may load better-sqlite3 or node:sqlite before `auth.$context` resolves. Called before
 * construction and once `$context` has resolved: then no SQLite library may be loaded and the
 * file must be held open by this process (by the engine, as nothing else here opens it).
 */
function assertPathFormOwnsFile(dbFile, when) {
  const { loadedSqliteLibrary } = require(path.join(ROOT, "js/sqlite-handle.js"));
  const lib = loadedSqliteLibrary();
  const bs3 = Object.keys(require.cache).filter((k) => /[\\/]better-sqlite3[\\/]/.test(k));
  if (lib || bs3.length) {
    throw new Error(`bench: IMPL=ours ${when}: an SQLite library is loaded in this process (${lib ? lib.kind : bs3[0]}), ` +
      "so the engine would run its statements through it (the handle path) instead of its own connections; " +
      "the path form would not be what is measured. Load nothing SQLite-related before auth.$context in an ours process.");
  }
  if (when === "after $context" && descriptorsOn(realpathSync(dbFile))?.length === 0) {
    throw new Error(`bench: IMPL=ours: no descriptor on ${dbFile} after auth.$context (/proc/self/fd); the engine did not open the file itself`);
  }
}

/**
 * Builds `{ auth, toNodeHandler, fromNodeHeaders, close }` for IMPL "better-auth", "ours" or
 * "ours-handle"; `extra` adds top-level options on both sides (same options everywhere).
 * better-auth: better-sqlite3 `new Database(file)` with the core DDL applied first (no pragmas,
 * as in better-auth's docs; BENCH_BA_WAL=1 switches it to WAL for comparison).
 * ours: `database: file` (the path form: the engine opens the file itself and creates the
 * schema); asserted to be the engine's own connections (assertPathFormOwnsFile; `verify()`
 * repeats the check after a measurement).
 * ours-handle: `database: new Database(file)` (the handle form: better-sqlite3 in WAL mode, every
 * statement through that object on the JS thread; schema created by the engine through it);
 * asserted to go through the object (its `prepare` is counted: `handlePrepares()`).
 */
export async function createAuth(impl, dbFile, extra = {}) {
  const common = {
    secret: SECRET,
    baseURL: BASE_URL,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    ...extra, // top-level options added by a phase (the cookie-cache phase: session, secondaryStorage, advanced)
  };
  if (isPgUrl(dbFile)) {
    const { base, schema } = await ensurePgSchema(dbFile);
    if (impl === "better-auth") {
      const { default: pg } = await import("pg");
      const { betterAuth } = await import("better-auth");
      const { getMigrations } = await import("better-auth/db/migration");
      const { toNodeHandler, fromNodeHeaders } = await import("better-auth/node");
      const pool = new pg.Pool({ connectionString: base, options: `-c search_path=${schema}`, max: 10 });
      const options = { ...common, database: pool };
      await (await getMigrations(options)).runMigrations();
      const auth = betterAuth(options);
      await auth.$context;
      return { auth, toNodeHandler, fromNodeHeaders, close: () => pool.end() };
    }
    if (impl === "ours-handle") throw new Error("bench: IMPL=ours-handle is SQLite only (a better-sqlite3 Database)");
    if (impl === "ours") {
      const { betterAuth } = require(path.join(ROOT, "index.js"));
      const { toNodeHandler, fromNodeHeaders } = require(path.join(ROOT, "js/node.js"));
      const auth = betterAuth({ ...common, database: dbFile, autoMigrate: true });
      await auth.$context;
      return { auth, toNodeHandler, fromNodeHeaders, close: () => {} };
    }
  }
  if (impl === "better-auth") {
    const { default: Database } = await import("better-sqlite3");
    const { betterAuth } = await import("better-auth");
    const { toNodeHandler, fromNodeHeaders } = await import("better-auth/node");
    const db = new Database(dbFile);
    if (process.env.BENCH_BA_WAL === "1") db.pragma("journal_mode = WAL");
    db.exec(coreDDL());
    const auth = betterAuth({ ...common, database: db });
    await auth.$context;
    return { auth, toNodeHandler, fromNodeHeaders, close: () => db.close() };
  }
  if (impl === "ours") {
    assertPathFormOwnsFile(dbFile, "before construction");
    const { betterAuth } = require(path.join(ROOT, "index.js"));
    const { toNodeHandler, fromNodeHeaders } = require(path.join(ROOT, "js/node.js"));
    const auth = betterAuth({ ...common, database: dbFile });
    await auth.$context; // opens the database and creates the schema
    assertPathFormOwnsFile(dbFile, "after $context");
    // the engine also moves to the app's SQLite library when one later opens the file; with no
    // library loaded in the process at the end of a measurement, that cannot have happened
    return { auth, toNodeHandler, fromNodeHeaders, close: () => {}, verify: () => assertPathFormOwnsFile(dbFile, "after measuring") };
  }
  if (impl === "ours-handle") {
    const { default: Database } = await import("better-sqlite3");
    const { betterAuth } = require(path.join(ROOT, "index.js"));
    const { toNodeHandler, fromNodeHeaders } = require(path.join(ROOT, "js/node.js"));
    const db = new Database(dbFile);
    db.pragma("journal_mode = WAL");
    // counts the statements the engine prepares through the object (cached, so one per SQL text)
    let prepares = 0;
    const prepare = db.prepare;
    db.prepare = function countedPrepare(sql) { prepares++; return prepare.call(this, sql); };
    const auth = betterAuth({ ...common, database: db });
    await auth.$context; // creates the schema through `db`
    if (prepares === 0) throw new Error("bench: IMPL=ours-handle: the engine prepared nothing through the Database object during auth.$context");
    return { auth, toNodeHandler, fromNodeHeaders, close: () => db.close(), handlePrepares: () => prepares };
  }
  throw new Error(`bench: unknown IMPL ${JSON.stringify(impl)} (expected ${IMPLS.join(" | ")})`);
}

/** Runs `op` back to back for `seconds` (and at most `maxOps` times); returns ops/s. */
export async function sequential(op, seconds, maxOps = 50_000_000) {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (n < maxOps) {
    await op();
    n++;
    if ((n & 15) === 0 && performance.now() >= end) break;
  }
  const s = (performance.now() - t0) / 1000;
  return { ops: n, seconds: s, opsPerSec: n / s };
}

/** `concurrency` promise chains each running `op` until the deadline; returns ops/s. */
export async function concurrent(op, seconds, concurrency, maxOps = 50_000_000) {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (n < maxOps && performance.now() < end) {
      await op();
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const s = (performance.now() - t0) / 1000;
  return { ops: n, seconds: s, opsPerSec: n / s };
}

/** `name=value` of the session cookie from a list of Set-Cookie strings, or null. */
export function sessionCookieFrom(setCookies) {
  for (const sc of setCookies || []) {
    const first = sc.split(";")[0];
    const eq = first.indexOf("=");
    if (eq > 0 && first.slice(0, eq).trim() === COOKIE_NAME && first.slice(eq + 1) !== "") return first.trim();
  }
  return null;
}

/** Kills the process (sync, safe in an exit handler) after `ms` as a last-resort bound. */
export function lifetimeGuard(ms, label) {
  const t = setTimeout(() => {
    console.error(`bench: ${label} exceeded its ${Math.round(ms / 1000)} s lifetime bound; exiting`);
    process.exit(3);
  }, ms);
  t.unref();
  // The harness talks to us over IPC; if it goes away, so do we.
  if (process.send) process.on("disconnect", () => process.exit(0));
}
