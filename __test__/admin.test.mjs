// Parity of the admin plugin (shared/spec/plugins.md §0.1, §1, §2, §7 Q3–Q9): the same request
// sequences go through `auth.handler(new Request(...))` and `auth.api.*` of the real better-auth
// 1.7.25 and of better-auth-rs, both given Better Auth's own plugin object
// (`admin(opts)` from "better-auth/plugins", roles from `createAccessControl`), each on a fresh
// database: an SQLite file, a fresh PostgreSQL schema and a fresh MariaDB/MySQL database
// (BA_RS_PG_URL / BA_RS_MYSQL_URL override the local servers; BA_RS_ADMIN_DBS=sqlite,... picks
// dialects). Every response is reduced as in parity.test.mjs (helpers/observe.mjs): status,
// headers, JSON with ids/dates by shape, Set-Cookie names/values/attributes with signatures
// checked, `auth.api` results and thrown APIErrors; after the steps that write, the admin columns
// (user.role/banned/banReason/banExpires, session.impersonatedBy, credential accounts) are read
// back with plain SQL and compared as stored (0/1 vs booleans, ISO text vs Date by shape).
// With IMPLS=better-auth the package is compared with a second instance of itself;
// BA_RS_PARITY_DUMP=<dir> writes each run's recorded steps there as JSON (debugging aid).
//
// Where better-auth 1.7.25 differs from shared/spec/plugins.md or says more than it (the tests
// follow the package):
//  - Body/query schema validation runs before the handler, so before the permission check: a plain
//    user posting `newPassword: ""` to /admin/set-user-password gets 400 VALIDATION_ERROR, not 403
//    (spec 2.5 lists the 403 first).
//  - `userId: z.coerce.string()` still requires the key: a missing userId is 400 VALIDATION_ERROR
//    "[body.userId] Invalid input: expected nonoptional, received undefined" on every endpoint that
//    takes one; null/true/0/{}/[] are coerced ("null", "true", "0", "[object Object]", "", an
//    array of one id to that id).
//  - The impersonation session is created for 1 h (impersonationSessionDuration), but the first
//    session read without the `dont_remember` cookie (a client that drops it, or a failed
//    stop-impersonating) refreshes it like any session (updateAge): expiresAt moves to now + 7 days
//    and a session_token cookie with Max-Age is set.
//  - The admin guard's 401 (empty body) clears the session cookies (session_token, session_data,
//    dont_remember with Max-Age=0) when the request carried an unknown session cookie.
//  - With session.cookieCache on, admin endpoints (authoritative session read) re-set session_data
//    on every answer, 403s included; impersonate-user then expires session_data twice before the
//    new cookies.
//  - Sign-up with `banReason` or `banExpires` is 400 FIELD_NOT_ALLOWED like `role` (only `banned`,
//    which has a default, is silently replaced); core /update-user with `banned: false` alone is
//    400 "No fields to update".
//  - create-user with `password: ""` creates the user without a credential account; set-role
//    accepts "" and [] (stored ""), which then falls back to defaultRole in permission checks.
//  - list-users: a repeated `filterValue` query key is an array (operator `in`); SQLite/MariaDB
//    LIKE is case-insensitive, PostgreSQL's is not (compared per dialect).
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe } from "node:test";
import strictAssert from "node:assert/strict";
import crypto from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { IMPLS, SECRET, BASE_URL, tempDbFile } from "./helpers/impls.mjs";
import { ISO, REFERENCE, Ctx, sign, norm } from "./helpers/observe.mjs";

const require = createRequire(import.meta.url);
const { admin } = require("better-auth/plugins");
const { createAccessControl } = require("better-auth/plugins/access");
const { defaultStatements, adminAc } = require("better-auth/plugins/admin/access");

const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const DIALECTS = (process.env.BA_RS_ADMIN_DBS || "sqlite,postgres,mysql").split(",").map((s) => s.trim()).filter(Boolean);
const PW = "correct-horse-battery";
const TRUSTED = { origin: BASE_URL };
const DEFAULT_BANNED_MESSAGE = "You have been banned from this application. Please contact support if you believe this is an error.";

// In-sequence checks are fatal for better-auth (they pin what the package does); for
// better-auth-rs they are collected and the sequence goes on, so that the step-by-step comparison
// with better-auth names every step that differs, not just the first failed check.
const soft = { on: false, failures: [] };
const assert = new Proxy(strictAssert, {
  get(target, key) {
    const v = target[key];
    if (typeof v !== "function") return v;
    return (...args) => {
      try {
        return v.apply(target, args);
      } catch (e) {
        if (soft.on && e instanceof strictAssert.AssertionError) {
          soft.failures.push(e);
          return undefined;
        }
        throw e;
      }
    };
  },
});

function expectError(r, status, code, message) {
  assert.equal(r.status, status, `status for ${code}: body ${r.text}`);
  assert.equal(r.json?.code, code);
  if (message !== undefined) assert.equal(r.json?.message, message);
  assert.equal(r.headers["content-type"], "application/json");
}
function expectOk(r) {
  assert.equal(r.status, 200, `expected 200, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.equal(r.headers["content-type"], "application/json");
}

// ---------------------------------------------------------------------------------------------
// Implementations

const loaded = new Map();
async function impl(kind) {
  if (!loaded.has(kind)) {
    if (kind === "better-auth") {
      const [ba, mig] = await Promise.all([import("better-auth"), import("better-auth/db/migration")]);
      loaded.set(kind, { betterAuth: ba.betterAuth, migrate: async (opts) => (await mig.getMigrations(opts)).runMigrations() });
    } else {
      const ours = require("../index.js"); // lazily: IMPLS=better-auth runs without the addon
      loaded.set(kind, { betterAuth: ours.betterAuth, migrate: async (opts, auth) => ours.getMigrations(auth).runMigrations() });
    }
  }
  return loaded.get(kind);
}

// ---------------------------------------------------------------------------------------------
// Databases: a fresh one per run, dropped afterwards

const nsName = () => "ba_adm_" + crypto.randomBytes(5).toString("hex");

async function openDatabase(dialect) {
  if (dialect === "sqlite") {
    const { file, cleanup } = tempDbFile("admin");
    let handle = null; // better-auth's connection (and the reader for both)
    const reader = () => (handle ??= new Database(file));
    return {
      dialect,
      ident: (n) => `"${n}"`,
      param: () => "?",
      forAuth: (kind) => (kind === REFERENCE ? reader() : file),
      query: async (sql, params = []) => {
        const st = reader().prepare(sql);
        if (st.reader) return st.all(...params);
        st.run(...params);
        return [];
      },
      // what better-auth writes for a date on SQLite (ISO text)
      dateParam: (d) => d.toISOString(),
      cleanup: async () => {
        try { handle?.close(); } catch {}
        cleanup();
      },
    };
  }
  if (dialect === "postgres") {
    const name = nsName();
    const root = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await root.query(`create schema ${name}`);
    const pools = [];
    const pool = (appName) => {
      // application_name tells this run's connections apart from anyone else's on the server
      const url = new URL(PG_URL);
      url.searchParams.set("application_name", appName);
      const p = new pg.Pool({ connectionString: url.toString(), options: `-c search_path=${name}`, max: 2 });
      pools.push(p);
      return p;
    };
    const reader = pool(name);
    return {
      dialect,
      ident: (n) => `"${n}"`,
      param: (i) => `$${i}`,
      // better-auth-rs reads the pool's settings and opens its own connections
      forAuth: (kind) => pool(kind === REFERENCE ? name : `${name}_rs`),
      query: async (sql, params = []) => (await reader.query(sql, params)).rows,
      dateParam: (d) => d,
      cleanup: async () => {
        for (const p of pools) await p.end().catch(() => {});
        // better-auth-rs keeps its own pool per instance and has no close(): end its idle
        // connections to this schema (only those: the JS pools' are closing by themselves)
        await root.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`${name}_rs`]).catch(() => {});
        await root.query(`drop schema ${name} cascade`);
        await root.end();
      },
    };
  }
  if (dialect === "mysql") {
    const name = nsName();
    const root = await mysql.createConnection(MY_URL);
    await root.query(`create database ${name}`);
    const u = new URL(MY_URL);
    const pools = [];
    const pool = () => {
      const p = mysql.createPool({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: name,
        timezone: "Z",
        connectionLimit: 2,
      });
      p.on("connection", (conn) => jsThreads.add(conn.threadId));
      pools.push(p);
      return p;
    };
    const jsThreads = new Set(); // connection ids of the JS pools (the others are better-auth-rs's)
    const reader = pool();
    return {
      dialect,
      ident: (n) => "`" + n + "`",
      param: () => "?",
      forAuth: () => pool(),
      query: async (sql, params = []) => {
        const [rows] = await reader.query(sql, params);
        return Array.isArray(rows) ? rows : [];
      },
      dateParam: (d) => d,
      cleanup: async () => {
        for (const p of pools) await p.end().catch(() => {});
        const [procs] = await root.query(`select id from information_schema.processlist where db = ? and id <> connection_id()`, [name]);
        // better-auth-rs keeps its own pool per instance and has no close(): end its idle connections
        for (const { id } of procs) if (!jsThreads.has(Number(id))) await root.query(`kill ${Number(id)}`).catch(() => {});
        await root.query(`drop database ${name}`);
        await root.end();
      },
    };
  }
  throw new Error(`unknown dialect ${dialect}`);
}

// ---------------------------------------------------------------------------------------------
// Per-implementation context

const toMs = (v) => (v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN);
const minutesFromNow = (v) => (v === null || v === undefined ? v : Math.round((toMs(v) - Date.now()) / 60000));

/** Applies Set-Cookie strings to a name → value map (Max-Age=0 deletes). */
function applySetCookies(jar, setCookies) {
  for (const c of setCookies) {
    const pair = c.split(";")[0];
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (/;\s*max-age=0\b/i.test(c)) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1));
  }
  return jar;
}
const jarHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
const cookieOf = (setCookies) => jarHeader(applySetCookies(new Map(), setCookies));

// Rows that list endpoints return in database order (no ORDER BY: MySQL walks the primary key,
// a random id; PostgreSQL moves updated rows), put in a fixed order before comparing.
const byKey = (f) => (a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
const usersByEmail = (json) => (json && Array.isArray(json.users) ? { ...json, users: [...json.users].sort(byKey((u) => u.email)) } : json);
const sessionsByCreation = (json) =>
  json && Array.isArray(json.sessions) ? { ...json, sessions: [...json.sessions].sort(byKey((s) => `${s.createdAt}|${s.impersonatedBy ?? ""}`)) } : json;

class AdminCtx extends Ctx {
  constructor(kind, db) {
    super(kind, null);
    this.db = db;
    this.migrated = false;
  }

  /** Builds (or rebuilds, on the same database) the auth instance with these options. */
  async configure({ admin: adminOptions = {}, ...options } = {}) {
    const m = await impl(this.kind);
    const opts = {
      secret: SECRET,
      baseURL: BASE_URL,
      logger: { disabled: true },
      ...options,
      emailAndPassword: { enabled: true, ...(options.emailAndPassword || {}) },
      database: this.db.forAuth(this.kind),
      plugins: [admin(adminOptions), ...(options.plugins || [])],
    };
    if (this.kind === REFERENCE && !this.migrated) await m.migrate(opts);
    this.auth = m.betterAuth(opts);
    if (this.kind !== REFERENCE && !this.migrated) await m.migrate(opts, this.auth);
    this.migrated = true;
    return this.auth;
  }

  post(label, path, json, cookie, { headers = {}, reorder } = {}) {
    return this.send(label, "POST", path, { json, headers: { ...TRUSTED, ...(cookie ? { cookie } : {}), ...headers }, reorder });
  }

  get(label, path, query, cookie, { reorder } = {}) {
    const qs = query ? "?" + (typeof query === "string" ? query : new URLSearchParams(query).toString()) : "";
    return this.send(label, "GET", path + qs, { headers: cookie ? { cookie } : {}, reorder });
  }

  /** POST /sign-up/email; returns the response with `.cookie`. */
  async signUp(email, extra = {}) {
    const r = await this.post(`sign-up ${email}`, "/sign-up/email", { name: `User ${email.split("@")[0]}`, email, password: PW, ...extra });
    r.cookie = cookieOf(r.setCookies);
    return r;
  }

  /** POST /sign-in/email; returns the response with `.cookie`. */
  async signIn(email, { password = PW, rememberMe, label } = {}) {
    const body = { email, password };
    if (rememberMe !== undefined) body.rememberMe = rememberMe;
    const r = await this.post(label ?? `sign-in ${email}`, "/sign-in/email", body);
    r.cookie = cookieOf(r.setCookies);
    return r;
  }

  /** auth.api.createUser without headers (no permission checks): the way an app seeds admins. */
  async seedUser(email, role, extra = {}) {
    const body = { email, password: PW, name: `User ${email.split("@")[0]}`, ...extra };
    if (role !== undefined) body.role = role;
    const r = await this.api(`seed ${email} (${JSON.stringify(role)})`, (api) => api.createUser({ body }));
    assert.ok(r && r.user, `[${this.kind}] seeding ${email} failed: ${r && r.message}`);
    return r.user;
  }

  /** An admin (role "admin" unless told) signed in: { id, cookie }. */
  async seedAdmin(email = "root@example.com", role = "admin", signIn = {}) {
    const user = await this.seedUser(email, role);
    const r = await this.signIn(email, signIn);
    expectOk(r);
    return { id: user.id, cookie: r.cookie, token: r.json.token };
  }

  sql(text) {
    return this.db.query(text);
  }

  /** Records the admin-relevant rows of user, session and (optionally) account, read with SQL. */
  async rows(label, { accounts = false } = {}) {
    const q = this.db.ident;
    const users = (await this.db.query(`select * from ${q("user")}`)).sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const emailOf = new Map(users.map((u) => [u.id, u.email]));
    const out = {
      users: users.map((u) => ({
        id: u.id,
        email: u.email,
        emailVerified: u.emailVerified,
        role: u.role,
        banned: u.banned,
        banReason: u.banReason,
        banExpires: u.banExpires,
        banExpiresInMinutes: minutesFromNow(u.banExpires),
      })),
    };
    const sessions = await this.db.query(`select * from ${q("session")}`);
    out.sessions = sessions
      .map((s) => ({
        user: emailOf.get(s.userId) ?? `<unknown user ${this.sh.string(s.userId)}>`,
        token: this.sh.ids.has(s.token) ? this.sh.id(s.token) : "<unseen token>",
        impersonatedBy: s.impersonatedBy == null ? s.impersonatedBy : emailOf.get(s.impersonatedBy) ?? `<id ${this.sh.string(s.impersonatedBy)}>`,
        expiresAt: s.expiresAt,
        lifetimeMinutes: Math.round((toMs(s.expiresAt) - toMs(s.createdAt)) / 60000),
        expired: toMs(s.expiresAt) < Date.now(),
      }))
      .map((s) => norm(s, this.sh))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    if (accounts) {
      const accs = await this.db.query(`select * from ${q("account")}`);
      out.accounts = accs
        .map((a) => ({
          user: emailOf.get(a.userId) ?? "<unknown user>",
          providerId: a.providerId,
          accountIdIsUserId: a.accountId === a.userId,
          hasPassword: typeof a.password === "string" && a.password.length > 0,
        }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
    this.record(`rows: ${label}`, out);
    return out;
  }
}

async function runOnce(kind, dialect, fn, options) {
  const db = await openDatabase(dialect);
  const ctx = new AdminCtx(kind, db);
  soft.on = kind !== REFERENCE;
  soft.failures = [];
  try {
    await ctx.configure(options);
    await fn(ctx);
  } catch (e) {
    if (soft.on) {
      // better-auth-rs: the steps recorded so far are compared, this marks where it stopped
      ctx.steps.push({ label: "<sequence aborted>", error: String((e && e.message) || e).split("\n")[0] });
    } else {
      if (e && typeof e.message === "string") e.message = `[${kind} on ${dialect}] ${e.message}`;
      throw e;
    }
  } finally {
    ctx.softFailures = soft.failures;
    soft.on = false;
    await db.cleanup();
  }
  return ctx;
}

/**
 * Compares every run's recorded steps with better-auth's. On a difference, fails showing the
 * first differing step and listing all of them; then fails on checks better-auth-rs missed.
 */
function compareAll(runs, compare) {
  const ref = runs.find((r) => r.kind === REFERENCE);
  for (const run of runs) {
    if (ref && run !== ref) {
      const n = Math.max(run[compare].length, ref[compare].length);
      const diffs = [];
      for (let i = 0; i < n; i++) if (!isDeepStrictEqual(run[compare][i], ref[compare][i])) diffs.push(i);
      if (diffs.length) {
        const name = (i) => `#${i + 1} "${(ref[compare][i] || run[compare][i]).label}"`;
        const i = diffs[0];
        strictAssert.deepStrictEqual(run[compare][i], ref[compare][i], `${run.kind} differs from better-auth at ${diffs.length} of ${n} steps: ${diffs.map(name).join(", ")}. First: step ${name(i)}`);
      }
    }
    if (run.softFailures?.length) {
      const e = run.softFailures[0];
      e.message = `[${run.kind}] ${run.softFailures.length} check(s) failed; first: ${e.message}`;
      throw e;
    }
  }
}

/**
 * Declares a parity test for one dialect: runs `fn(ctx)` against every selected implementation
 * (the reference twice when it is the only one), each on its own fresh database, and compares
 * the recorded steps one by one with better-auth's.
 */
function parityOn(dialect) {
  return (name, fn, options = {}, { compare = "steps" } = {}) =>
    test(name, async () => {
      const kinds = IMPLS.length === 1 && IMPLS[0] === REFERENCE ? [REFERENCE, REFERENCE] : IMPLS;
      const runs = [];
      for (const kind of kinds) runs.push(await runOnce(kind, dialect, fn, options));
      if (process.env.BA_RS_PARITY_DUMP) {
        // debugging aid: the recorded observations of each run, as JSON files
        const fs = await import("node:fs");
        fs.mkdirSync(process.env.BA_RS_PARITY_DUMP, { recursive: true });
        runs.forEach((r, i) => {
          const file = `${dialect}-${name.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 60)}-${i}-${r.kind}.json`;
          fs.writeFileSync(`${process.env.BA_RS_PARITY_DUMP}/${file}`, JSON.stringify(r[compare], null, 1));
        });
      }
      compareAll(runs, compare);
    });
}

// ---------------------------------------------------------------------------------------------
// Assertion helpers (run for every implementation)

/** Admin guard / handler 401: empty body (Q5). */
function expect401(r) {
  assert.equal(r.status, 401, `expected 401, got ${r.status}: ${r.text}`);
  assert.equal(r.text, "");
}
/** An error with a message and no code (`APIError.fromStatus(status, { message })`). */
function expectMessage(r, status, message) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.deepEqual(r.json, { message });
}
function expectThrown(e, statusCode, code) {
  assert.ok(e instanceof Error, `expected a thrown APIError, got ${JSON.stringify(e)}`);
  assert.equal(e.statusCode, statusCode);
  if (code !== undefined) assert.equal(e.body?.code, code);
}

// Custom access control used by several tests.
const ac = createAccessControl({ ...defaultStatements, project: ["create", "read", "update", "delete", "share"] });
const customRoles = {
  admin: ac.newRole({ ...adminAc.statements, project: ["create", "read", "update", "delete", "share"] }),
  user: ac.newRole({ project: ["read"] }),
  editor: ac.newRole({ project: ["create", "read", "update"] }),
  viewer: ac.newRole({ project: ["read"] }),
  support: ac.newRole({ user: ["list", "get", "impersonate"], session: ["list"] }),
  "super admin": ac.newRole({ user: [...defaultStatements.user], session: [...defaultStatements.session], project: ["share"] }),
  creator: ac.newRole({ user: ["create"] }),
  banner: ac.newRole({ user: ["ban", "list"], session: ["revoke"] }),
  nothing: ac.newRole({}),
};

// ---------------------------------------------------------------------------------------------

function defineSuite(dialect) {
  const parity = parityOn(dialect);

  describe("schema, sign-up and core endpoints", () => {
    parity("sign-up writes role \"user\" and banned false; role/ban fields are not input", async (ctx) => {
      const su = await ctx.signUp("ada@example.com");
      expectOk(su);
      assert.equal(su.json?.user?.role, "user");
      assert.equal(su.json?.user?.banned, false);
      assert.equal(su.json?.user?.banReason, null);
      assert.equal(su.json?.user?.banExpires, null);
      await ctx.rows("after sign-up");
      const withRole = await ctx.post("sign-up with role", "/sign-up/email", { name: "X", email: "x@example.com", password: PW, role: "admin" });
      expectError(withRole, 400, "FIELD_NOT_ALLOWED", "role is not allowed to be set");
      assert.equal(withRole.cookies.length, 0);
      await ctx.post("sign-up with banned: true", "/sign-up/email", { name: "B", email: "b@example.com", password: PW, banned: true });
      await ctx.post("sign-up with banReason", "/sign-up/email", { name: "C", email: "c@example.com", password: PW, banReason: "x" });
      await ctx.post("sign-up with banExpires", "/sign-up/email", { name: "D", email: "d@example.com", password: PW, banExpires: new Date().toISOString() });
      await ctx.rows("after the refused/filtered sign-ups");
      const gs = await ctx.get("get-session", "/get-session", null, su.cookie);
      expectOk(gs);
      assert.equal(gs.json?.user?.role, "user");
      assert.equal(gs.json?.session?.impersonatedBy, null);
      const ls = await ctx.get("list-sessions", "/list-sessions", null, su.cookie);
      expectOk(ls);
      assert.equal(ls.json.length, 1);
      expectError(await ctx.post("core update-user with role", "/update-user", { role: "admin" }, su.cookie), 400, "FIELD_NOT_ALLOWED");
      expectError(await ctx.post("core update-user with banned: true", "/update-user", { banned: true }, su.cookie), 400, "FIELD_NOT_ALLOWED");
      await ctx.post("core update-user with banned: false", "/update-user", { banned: false }, su.cookie);
      await ctx.post("core update-user with banReason", "/update-user", { banReason: "nope" }, su.cookie);
      expectOk(await ctx.post("core update-user name", "/update-user", { name: "Ada L." }, su.cookie));
      await ctx.rows("after core update-user");
      await ctx.api("signUpEmail with role (auth.api)", (api) => api.signUpEmail({ body: { name: "E", email: "e@example.com", password: PW, role: "admin" } }));
    });

    parity("a custom defaultRole is written at sign-up and used for permission checks", async (ctx) => {
      const su = await ctx.signUp("ada@example.com");
      assert.equal(su.json?.user?.role, "viewer");
      await ctx.rows("after sign-up");
      await ctx.get("viewer lists users", "/admin/list-users", null, su.cookie);
      await ctx.api("hasPermission for the viewer", (api) => api.userHasPermission({ body: { userId: su.json?.user?.id, permissions: { project: ["read"] } } }));
      await ctx.api("hasPermission role ''", (api) => api.userHasPermission({ body: { userId: su.json?.user?.id, role: "", permissions: { project: ["read"] } } }));
      const u = await ctx.seedUser("nobody@example.com");
      assert.equal(u.role, "viewer");
      await ctx.rows("after createUser without role");
    }, { admin: { defaultRole: "viewer", roles: customRoles } });
  });

  describe("guards: 401 without a session, 403 per permission, CSRF", () => {
    parity("every guarded endpoint answers 401 with an empty body without a session (HTTP and auth.api)", async (ctx) => {
      const user = await ctx.seedUser("target@example.com");
      const bogus = `better-auth.session_token=${"A".repeat(32)}.${sign("A".repeat(32))}`;
      const calls = [
        ["POST", "/admin/set-role", { userId: user.id, role: "admin" }],
        ["GET", "/admin/get-user", { id: user.id }],
        ["POST", "/admin/create-user", { email: "new@example.com", password: PW, name: "New" }],
        ["POST", "/admin/update-user", { userId: user.id, data: { name: "x" } }],
        ["GET", "/admin/list-users", {}],
        ["POST", "/admin/list-user-sessions", { userId: user.id }],
        ["POST", "/admin/ban-user", { userId: user.id }],
        ["POST", "/admin/unban-user", { userId: user.id }],
        ["POST", "/admin/impersonate-user", { userId: user.id }],
        ["POST", "/admin/stop-impersonating", {}],
        ["POST", "/admin/revoke-user-session", { sessionToken: "x" }],
        ["POST", "/admin/revoke-user-sessions", { userId: user.id }],
        ["POST", "/admin/remove-user", { userId: user.id }],
        ["POST", "/admin/set-user-password", { userId: user.id, newPassword: "another-password" }],
        ["POST", "/admin/has-permission", { permissions: { user: ["list"] } }],
        ["POST", "/admin/has-permission", { role: "admin", permissions: { user: ["list"] } }],
      ];
      for (const [method, path, body] of calls) {
        for (const [what, cookie] of [["no cookie", undefined], ["unknown session", bogus]]) {
          const r = method === "GET" ? await ctx.get(`${path} ${what}`, path, body, cookie) : await ctx.post(`${path} ${what}`, path, body, cookie);
          expect401(r);
        }
      }
      const h = () => new Headers();
      const apiCalls = {
        setRole: { body: { userId: user.id, role: "admin" }, headers: h() },
        getUser: { query: { id: user.id }, headers: h() },
        createUser: { body: { email: "new@example.com", password: PW, name: "New" }, headers: h() },
        adminUpdateUser: { body: { userId: user.id, data: { name: "x" } }, headers: h() },
        listUsers: { query: {}, headers: h() },
        listUserSessions: { body: { userId: user.id }, headers: h() },
        banUser: { body: { userId: user.id }, headers: h() },
        unbanUser: { body: { userId: user.id }, headers: h() },
        impersonateUser: { body: { userId: user.id }, headers: h() },
        stopImpersonating: { headers: h() },
        revokeUserSession: { body: { sessionToken: "x" }, headers: h() },
        revokeUserSessions: { body: { userId: user.id }, headers: h() },
        removeUser: { body: { userId: user.id }, headers: h() },
        setUserPassword: { body: { userId: user.id, newPassword: "another-password" }, headers: h() },
        userHasPermission: { body: { role: "admin", permissions: { user: ["list"] } }, headers: h() },
      };
      for (const [name, args] of Object.entries(apiCalls)) {
        const e = await ctx.api(`auth.api.${name} with empty headers`, (api) => api[name](args));
        expectThrown(e, 401);
      }
      // no headers at all: requireHeaders endpoints refuse, the others see no session
      for (const [name, args] of Object.entries(apiCalls)) {
        if (name === "createUser" || name === "userHasPermission") continue; // run without checks (tested below)
        const { headers, ...rest } = args;
        await ctx.api(`auth.api.${name} without headers`, (api) => api[name](rest));
      }
      await ctx.rows("nothing changed");
    });

    parity("a plain user gets the 403 code of each permission; has-permission answers false", async (ctx) => {
      const target = await ctx.seedUser("target@example.com");
      const su = await ctx.signUp("plain@example.com");
      const c = su.cookie;
      expectError(await ctx.post("set-role", "/admin/set-role", { userId: target.id, role: "admin" }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE", "You are not allowed to change users role");
      expectError(await ctx.get("get-user", "/admin/get-user", { id: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_GET_USER", "You are not allowed to get user");
      expectError(await ctx.post("create-user", "/admin/create-user", { email: "n@example.com", password: PW, name: "N" }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS", "You are not allowed to create users");
      expectError(await ctx.post("update-user", "/admin/update-user", { userId: target.id, data: { name: "x" } }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS", "You are not allowed to update users");
      expectError(await ctx.get("list-users", "/admin/list-users", null, c), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS", "You are not allowed to list users");
      expectError(await ctx.post("list-user-sessions", "/admin/list-user-sessions", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS", "You are not allowed to list users sessions");
      expectError(await ctx.post("ban-user", "/admin/ban-user", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS", "You are not allowed to ban users");
      expectError(await ctx.post("unban-user", "/admin/unban-user", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
      expectError(await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS", "You are not allowed to impersonate users");
      expectError(await ctx.post("revoke-user-session", "/admin/revoke-user-session", { sessionToken: "x" }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS", "You are not allowed to revoke users sessions");
      expectError(await ctx.post("revoke-user-sessions", "/admin/revoke-user-sessions", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS");
      expectError(await ctx.post("remove-user", "/admin/remove-user", { userId: target.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS", "You are not allowed to delete users");
      expectError(await ctx.post("set-user-password", "/admin/set-user-password", { userId: target.id, newPassword: "another-password" }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD", "You are not allowed to set users password");
      // the permission check comes before validation of the rest and before existence checks
      expectError(await ctx.post("remove-user self", "/admin/remove-user", { userId: su.json?.user?.id }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS");
      expectError(await ctx.post("ban-user unknown id", "/admin/ban-user", { userId: "nope" }, c), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
      await ctx.post("set-user-password empty password", "/admin/set-user-password", { userId: target.id, newPassword: "" }, c);
      const hp = await ctx.post("has-permission", "/admin/has-permission", { permissions: { user: ["list"] } }, c);
      expectOk(hp);
      assert.deepEqual(hp.json, { error: null, success: false });
      expectMessage(await ctx.post("stop-impersonating (not impersonating)", "/admin/stop-impersonating", {}, c), 400, "You are not impersonating anyone");
      const e = await ctx.api("auth.api.banUser as the plain user", (api) => api.banUser({ body: { userId: target.id }, headers: new Headers({ cookie: c }) }));
      expectThrown(e, 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
      await ctx.rows("nothing changed");
    });

    parity("admin POSTs with a cookie need a trusted Origin (CSRF), GETs do not", async (ctx) => {
      const a = await ctx.seedAdmin();
      const t = await ctx.seedUser("target@example.com");
      await ctx.send("ban-user without Origin", "POST", "/admin/ban-user", { json: { userId: t.id }, headers: { cookie: a.cookie } });
      await ctx.send("ban-user with untrusted Origin", "POST", "/admin/ban-user", { json: { userId: t.id }, headers: { cookie: a.cookie, origin: "https://evil.example" } });
      expectOk(await ctx.send("list-users without Origin", "GET", "/admin/list-users?sortBy=email", { headers: { cookie: a.cookie } }));
      await ctx.rows("target not banned");
    });
  });

  describe("set-role, get-user", () => {
    parity("set-role: string, array (comma-joined), any string without `roles`, 404, validation", async (ctx) => {
      const a = await ctx.seedAdmin();
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const r1 = await ctx.post("set-role admin", "/admin/set-role", { userId: id, role: "admin" }, a.cookie);
      expectOk(r1);
      assert.equal(r1.json?.user?.role, "admin");
      await ctx.rows("role admin");
      // the new role is read from the database at the next request (no cookie cache)
      expectOk(await ctx.get("ada lists users now", "/admin/list-users", { sortBy: "email" }, su.cookie));
      const r2 = await ctx.post("set-role array", "/admin/set-role", { userId: id, role: ["user", "admin"] }, a.cookie);
      assert.equal(r2.json?.user?.role, "user,admin");
      expectOk(await ctx.get("user,admin lists users", "/admin/list-users", { sortBy: "email" }, su.cookie));
      await ctx.post("set-role array with a space", "/admin/set-role", { userId: id, role: ["user", " admin"] }, a.cookie);
      await ctx.get("'user, admin' is not an admin", "/admin/list-users", null, su.cookie);
      const r3 = await ctx.post("set-role any string", "/admin/set-role", { userId: id, role: "galactic-overlord" }, a.cookie);
      assert.equal(r3.json?.user?.role, "galactic-overlord");
      await ctx.post("set-role empty string", "/admin/set-role", { userId: id, role: "" }, a.cookie);
      await ctx.get("empty role falls back to the default role", "/admin/list-users", null, su.cookie);
      await ctx.post("set-role empty array", "/admin/set-role", { userId: id, role: [] }, a.cookie);
      await ctx.rows("after the odd roles");
      expectOk(await ctx.post("set-role back to admin", "/admin/set-role", { userId: id, role: ["admin"] }, a.cookie));
      expectError(await ctx.post("set-role unknown user", "/admin/set-role", { userId: "nope", role: "admin" }, a.cookie), 404, "USER_NOT_FOUND", "User not found");
      expectError(await ctx.post("set-role numeric userId", "/admin/set-role", { userId: 12345, role: "admin" }, a.cookie), 404, "USER_NOT_FOUND");
      expectError(await ctx.post("set-role without role", "/admin/set-role", { userId: id }, a.cookie), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("set-role role is a number", "/admin/set-role", { userId: id, role: 5 }, a.cookie), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("set-role without userId", "/admin/set-role", { role: "admin" }, a.cookie), 400, "VALIDATION_ERROR");
      await ctx.post("set-role on self", "/admin/set-role", { userId: a.id, role: "user" }, a.cookie);
      expectError(await ctx.get("ex-admin lists users", "/admin/list-users", null, a.cookie), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
      await ctx.api("auth.api.setRole with the ex-admin's headers", (api) => api.setRole({ body: { userId: id, role: "user" }, headers: new Headers({ cookie: a.cookie }) }));
      const r4 = await ctx.api("auth.api.setRole with the new admin's headers", (api) => api.setRole({ body: { userId: a.id, role: ["admin"] }, headers: new Headers({ cookie: su.cookie }) }));
      assert.equal(r4.user.role, "admin");
      await ctx.rows("final");
    });

    parity("get-user: bare user (Q3), 404, validation, auth.api", async (ctx) => {
      const a = await ctx.seedAdmin();
      const u = await ctx.seedUser("ada@example.com", undefined, { data: { emailVerified: true, image: "https://img.example/a.png" } });
      const r = await ctx.get("get-user", "/admin/get-user", { id: u.id }, a.cookie);
      expectOk(r);
      assert.equal(r.json.id, u.id);
      assert.equal(r.json?.user, undefined, "bare user, not { user }");
      assert.equal(r.json.role, "user");
      expectError(await ctx.get("get-user unknown", "/admin/get-user", { id: "nope" }, a.cookie), 404, "USER_NOT_FOUND", "User not found");
      expectError(await ctx.get("get-user without id", "/admin/get-user", null, a.cookie), 400, "VALIDATION_ERROR");
      await ctx.get("get-user empty id", "/admin/get-user", { id: "" }, a.cookie);
      await ctx.get("get-user self", "/admin/get-user", { id: a.id }, a.cookie);
      await ctx.send("POST get-user", "POST", "/admin/get-user", { json: { id: u.id }, headers: { cookie: a.cookie, ...TRUSTED } });
      const api = await ctx.api("auth.api.getUser", (api) => api.getUser({ query: { id: u.id }, headers: new Headers({ cookie: a.cookie }) }));
      assert.ok(api.createdAt instanceof Date);
      await ctx.api("auth.api.getUser unknown", (api) => api.getUser({ query: { id: "nope" }, headers: new Headers({ cookie: a.cookie }) }));
    });
  });

  describe("create-user", () => {
    parity("create-user over HTTP by an admin: roles, data, email rules, password rules, accounts", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const r = await ctx.post("create-user", "/admin/create-user", { email: "Ada@Example.COM", password: PW, name: "Ada" }, c);
      expectOk(r);
      assert.equal(r.json?.user?.email, "ada@example.com");
      assert.equal(r.json?.user?.role, "user");
      assert.equal(r.cookies.length, 0, "no session cookie");
      expectOk(await ctx.signIn("ada@example.com", { label: "created user signs in" }));
      assert.equal((await ctx.post("role admin", "/admin/create-user", { email: "b@example.com", password: PW, name: "B", role: "admin" }, c)).json?.user?.role, "admin");
      assert.equal((await ctx.post("role array", "/admin/create-user", { email: "c@example.com", password: PW, name: "C", role: ["user", "admin"] }, c)).json?.user?.role, "user,admin");
      await ctx.post("data.role", "/admin/create-user", { email: "d@example.com", password: PW, name: "D", data: { role: "admin" } }, c);
      await ctx.post("role wins over data.role", "/admin/create-user", { email: "e@example.com", password: PW, name: "E", role: "user", data: { role: "admin" } }, c);
      await ctx.post("data fields", "/admin/create-user", { email: "f@example.com", password: PW, name: "F", data: { emailVerified: true, image: "https://img.example/f.png" } }, c);
      await ctx.post("data.banned", "/admin/create-user", { email: "g@example.com", password: PW, name: "G", data: { banned: true, banReason: "pre-banned" } }, c);
      expectError(await ctx.signIn("g@example.com", { label: "pre-banned user signs in" }), 403, "BANNED_USER", DEFAULT_BANNED_MESSAGE);
      await ctx.post("no password", "/admin/create-user", { email: "h@example.com", name: "H" }, c);
      await ctx.post("short password (min not checked)", "/admin/create-user", { email: "i@example.com", password: "abc", name: "I" }, c);
      await ctx.post("empty password", "/admin/create-user", { email: "j@example.com", password: "", name: "J" }, c);
      await ctx.rows("created users", { accounts: true });
      expectError(await ctx.post("invalid email", "/admin/create-user", { email: "not-an-email", password: PW, name: "X" }, c), 400, "INVALID_EMAIL", "Invalid email");
      expectError(await ctx.post("existing email", "/admin/create-user", { email: "ADA@example.com", password: PW, name: "X" }, c), 400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.");
      expectError(await ctx.post("password too long", "/admin/create-user", { email: "k@example.com", password: "p".repeat(129), name: "K" }, c), 400, "PASSWORD_TOO_LONG");
      expectError(await ctx.post("data.role not a string", "/admin/create-user", { email: "l@example.com", password: PW, name: "L", data: { role: 5 } }, c), 400, "INVALID_ROLE_TYPE", "Invalid role type");
      expectError(await ctx.post("data.role array with a number", "/admin/create-user", { email: "l@example.com", password: PW, name: "L", data: { role: ["user", 5] } }, c), 400, "INVALID_ROLE_TYPE");
      expectError(await ctx.post("role a number", "/admin/create-user", { email: "l@example.com", password: PW, name: "L", role: 5 }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("missing name", "/admin/create-user", { email: "l@example.com", password: PW }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("missing email", "/admin/create-user", { name: "L", password: PW }, c), 400, "VALIDATION_ERROR");
      await ctx.post("data not an object", "/admin/create-user", { email: "l@example.com", password: PW, name: "L", data: "x" }, c);
      await ctx.rows("nothing more created", { accounts: true });
    });

    parity("create-user through auth.api: without headers no permission checks, with headers the session's", async (ctx) => {
      const r = await ctx.api("createUser without headers", (api) => api.createUser({ body: { email: "root@example.com", password: PW, name: "Root", role: "admin" } }));
      assert.ok(r.user.createdAt instanceof Date);
      await ctx.api("createUser without headers, data.banned", (api) => api.createUser({ body: { email: "b@example.com", password: PW, name: "B", data: { banned: true } } }));
      await ctx.api("createUser without headers, invalid email", (api) => api.createUser({ body: { email: "nope", password: PW, name: "B" } }));
      await ctx.api("createUser without headers, duplicate", (api) => api.createUser({ body: { email: "ROOT@example.com", password: PW, name: "B" } }));
      const e = await ctx.api("createUser with empty headers", (api) => api.createUser({ body: { email: "c@example.com", password: PW, name: "C" }, headers: new Headers() }));
      expectThrown(e, 401);
      const su = await ctx.signUp("plain@example.com");
      await ctx.api("createUser with a plain user's headers", (api) => api.createUser({ body: { email: "d@example.com", password: PW, name: "D" }, headers: new Headers({ cookie: su.cookie }) }));
      const a = await ctx.signIn("root@example.com");
      await ctx.api("createUser with the admin's headers", (api) => api.createUser({ body: { email: "e@example.com", password: PW, name: "E", role: "admin" }, headers: new Headers({ cookie: a.cookie }) }));
      await ctx.api("createUser asResponse", (api) => api.createUser({ body: { email: "f@example.com", password: PW, name: "F" }, asResponse: true }));
      expect401(await ctx.post("HTTP create-user without a session", "/admin/create-user", { email: "g@example.com", password: PW, name: "G" }));
      await ctx.rows("after", { accounts: true });
    });
  });

  describe("admin update-user", () => {
    parity("update-user: bare user (Q3), data rules, role/ban/email checks, 404", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const other = await ctx.seedUser("other@example.com");
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const r = await ctx.post("name", "/admin/update-user", { userId: id, data: { name: "Ada L." } }, c);
      expectOk(r);
      assert.equal(r.json.name, "Ada L.");
      assert.equal(r.json?.user, undefined, "bare user");
      expectError(await ctx.post("empty data", "/admin/update-user", { userId: id, data: {} }, c), 400, "NO_DATA_TO_UPDATE", "No data to update");
      expectError(await ctx.post("password", "/admin/update-user", { userId: id, data: { password: "x" } }, c), 400, "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER");
      expectError(await ctx.post("id", "/admin/update-user", { userId: id, data: { id: "x" } }, c), 400, "USER_ID_CANNOT_BE_UPDATED", "User id cannot be updated");
      expectError(await ctx.post("missing data", "/admin/update-user", { userId: id }, c), 400, "VALIDATION_ERROR");
      assert.equal((await ctx.post("role", "/admin/update-user", { userId: id, data: { role: "admin" } }, c)).json.role, "admin");
      assert.equal((await ctx.post("role array", "/admin/update-user", { userId: id, data: { role: ["user", "editor"] } }, c)).json.role, "user,editor");
      expectError(await ctx.post("role number", "/admin/update-user", { userId: id, data: { role: 5 } }, c), 400, "INVALID_ROLE_TYPE");
      expectError(await ctx.post("ban self", "/admin/update-user", { userId: a.id, data: { banned: true } }, c), 400, "YOU_CANNOT_BAN_YOURSELF", "You cannot ban yourself");
      await ctx.post("banned false on self", "/admin/update-user", { userId: a.id, data: { banned: false } }, c);
      await ctx.rows("before the ban");
      const b = await ctx.post("ban other", "/admin/update-user", { userId: id, data: { banned: true, banReason: "spam" } }, c);
      expectOk(b);
      assert.equal(b.json.banned, true);
      const gone = await ctx.get("banned user's session", "/get-session", null, su.cookie);
      assert.equal(gone.text, "null");
      await ctx.rows("after the ban (sessions deleted)");
      await ctx.post("banReason only", "/admin/update-user", { userId: other.id, data: { banReason: "note" } }, c);
      const em = await ctx.post("email", "/admin/update-user", { userId: id, data: { email: "ADA.NEW@Example.com" } }, c);
      assert.equal(em.json.email, "ada.new@example.com");
      expectError(await ctx.post("invalid email", "/admin/update-user", { userId: id, data: { email: "nope" } }, c), 400, "INVALID_EMAIL");
      expectError(await ctx.post("email taken", "/admin/update-user", { userId: id, data: { email: "OTHER@example.com" } }, c), 400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
      expectOk(await ctx.post("own email again", "/admin/update-user", { userId: id, data: { email: "ada.new@example.com" } }, c));
      await ctx.post("emailVerified", "/admin/update-user", { userId: id, data: { emailVerified: true } }, c);
      await ctx.post("image null", "/admin/update-user", { userId: id, data: { image: null } }, c);
      expectError(await ctx.post("unknown user", "/admin/update-user", { userId: "nope", data: { name: "x" } }, c), 404, "USER_NOT_FOUND");
      await ctx.post("numeric userId", "/admin/update-user", { userId: 42, data: { name: "x" } }, c);
      await ctx.rows("final");
      await ctx.api("auth.api.adminUpdateUser", (api) => api.adminUpdateUser({ body: { userId: other.id, data: { name: "Other O." } }, headers: new Headers({ cookie: c }) }));
    });
  });

  describe("list-users", () => {
    parity("list-users: search, filter, sort, limit/offset, swallowed errors (Q7), validation", async (ctx) => {
      const a = await ctx.seedAdmin("root@example.com");
      const c = a.cookie;
      await ctx.seedUser("alice@example.com", undefined, { name: "Alice Smith" });
      await ctx.seedUser("bob@example.org", undefined, { name: "Bob Jones" });
      await ctx.seedUser("carol@example.com", "admin", { name: "Carol Smithers" });
      await ctx.seedUser("dave@test.io", ["user", "admin"], { name: "dave smith" });
      await ctx.seedUser("erin@example.org", undefined, { name: "Erin", data: { banned: true, banReason: "x", emailVerified: true } });
      // without sortBy the rows come in the database's order: compared sorted by email
      const unordered = (label, query) => ctx.get(label, "/admin/list-users", query, c, { reorder: usersByEmail });
      const all = await ctx.get("sorted by email", "/admin/list-users", { sortBy: "email" }, c);
      expectOk(all);
      assert.equal(all.json.total, 6);
      assert.equal("limit" in all.json, false);
      assert.equal("offset" in all.json, false);
      await unordered("no parameters", null);
      await ctx.get("sort by name desc", "/admin/list-users", { sortBy: "name", sortDirection: "desc" }, c);
      await ctx.get("sort by createdAt", "/admin/list-users", { sortBy: "createdAt", sortDirection: "asc" }, c);
      await ctx.get("limit 2", "/admin/list-users", { sortBy: "email", limit: "2" }, c);
      await ctx.get("limit 2 offset 2", "/admin/list-users", { sortBy: "email", limit: "2", offset: "2" }, c);
      await ctx.get("offset 4", "/admin/list-users", { sortBy: "email", offset: "4" }, c);
      await ctx.get("limit 0 (none)", "/admin/list-users", { sortBy: "email", limit: "0" }, c);
      await ctx.get("limit abc", "/admin/list-users", { sortBy: "email", limit: "abc" }, c);
      await ctx.get("offset past the end", "/admin/list-users", { sortBy: "email", offset: "100" }, c);
      await ctx.get("search email contains (default)", "/admin/list-users", { sortBy: "email", searchValue: "example.org" }, c);
      await ctx.get("search email starts_with", "/admin/list-users", { sortBy: "email", searchValue: "car", searchOperator: "starts_with" }, c);
      await ctx.get("search email ends_with", "/admin/list-users", { sortBy: "email", searchValue: ".io", searchOperator: "ends_with" }, c);
      await ctx.get("search name contains", "/admin/list-users", { sortBy: "email", searchField: "name", searchValue: "Smith" }, c);
      await ctx.get("search name starts_with", "/admin/list-users", { sortBy: "email", searchField: "name", searchValue: "Bob", searchOperator: "starts_with" }, c);
      await ctx.get("empty searchValue ignored", "/admin/list-users", { sortBy: "email", searchValue: "" }, c);
      await ctx.get("search no match", "/admin/list-users", { sortBy: "email", searchValue: "zzz" }, c);
      await ctx.get("filter role eq admin", "/admin/list-users", { sortBy: "email", filterField: "role", filterValue: "admin" }, c);
      await ctx.get("filter role ne user", "/admin/list-users", { sortBy: "email", filterField: "role", filterValue: "user", filterOperator: "ne" }, c);
      await ctx.get("filter role contains admin", "/admin/list-users", { sortBy: "email", filterField: "role", filterValue: "admin", filterOperator: "contains" }, c);
      await ctx.get("filter email (default field) eq", "/admin/list-users", { sortBy: "email", filterValue: "bob@example.org" }, c);
      await ctx.get("filter banned true", "/admin/list-users", { sortBy: "email", filterField: "banned", filterValue: "true" }, c);
      await ctx.get("filter emailVerified false", "/admin/list-users", { sortBy: "email", filterField: "emailVerified", filterValue: "false" }, c);
      await ctx.get("filter role in (repeated key)", "/admin/list-users", "sortBy=email&filterField=role&filterOperator=in&filterValue=admin&filterValue=user%2Cadmin", c);
      await ctx.get("filter name starts_with + search", "/admin/list-users", { sortBy: "email", filterField: "name", filterValue: "Carol", filterOperator: "starts_with", searchValue: "example" }, c);
      await ctx.get("search + filter + limit", "/admin/list-users", { sortBy: "email", searchValue: "example", filterField: "role", filterValue: "user", limit: "1", offset: "1" }, c);
      // errors inside the adapter are swallowed into an empty page
      await ctx.get("filter on an unknown field", "/admin/list-users", { filterField: "nope", filterValue: "x" }, c);
      await ctx.get("sort by an unknown field", "/admin/list-users", { sortBy: "nope" }, c);
      await ctx.get("filter lt on a string field", "/admin/list-users", { sortBy: "email", filterField: "name", filterValue: "C", filterOperator: "lt" }, c);
      // schema validation
      expectError(await ctx.get("bad searchField", "/admin/list-users", { searchField: "role", searchValue: "x" }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.get("bad searchOperator", "/admin/list-users", { searchValue: "x", searchOperator: "like" }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.get("bad sortDirection", "/admin/list-users", { sortBy: "email", sortDirection: "up" }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.get("bad filterOperator", "/admin/list-users", { filterValue: "x", filterOperator: "regex" }, c), 400, "VALIDATION_ERROR");
      const api = await ctx.api("auth.api.listUsers with numbers and an array filter", (api) =>
        api.listUsers({ query: { sortBy: "email", limit: 3, offset: 1, filterField: "role", filterOperator: "in", filterValue: ["admin", "user"] }, headers: new Headers({ cookie: c }) }),
      );
      assert.ok(Array.isArray(api.users));
      await ctx.api("auth.api.listUsers filterValue boolean", (api) => api.listUsers({ query: { sortBy: "email", filterField: "banned", filterValue: true }, headers: new Headers({ cookie: c }) }));
      await ctx.api("auth.api.listUsers filterValue number on a string field", (api) => api.listUsers({ query: { sortBy: "email", filterField: "name", filterValue: 5 }, headers: new Headers({ cookie: c }) }));
    });
  });

  describe("sessions: list-user-sessions, revoke-user-session(s)", () => {
    parity("list-user-sessions lists every row (also expired ones); revoke one, revoke all", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const s2 = await ctx.signIn("ada@example.com", { label: "second sign-in", rememberMe: false });
      // rows come in the database's order: compared sorted by creation
      const listed = (label, userId = id) => ctx.post(label, "/admin/list-user-sessions", { userId }, c, { reorder: sessionsByCreation });
      const l1 = await listed("two sessions");
      expectOk(l1);
      assert.equal(l1.json?.sessions?.length, 2);
      // an expired row is still listed
      const q = ctx.db.ident;
      await ctx.db.query(`update ${q("session")} set ${q("expiresAt")} = ${ctx.db.param(1)} where ${q("token")} = ${ctx.db.param(2)}`, [ctx.db.dateParam(new Date(Date.now() - 60_000)), s2.json.token]);
      await listed("one of them expired");
      await ctx.rows("sessions");
      await listed("unknown user", "nope");
      await listed("numeric user id", 7);
      expectError(await ctx.post("missing userId", "/admin/list-user-sessions", {}, c), 400, "VALIDATION_ERROR");
      const rv = await ctx.post("revoke-user-session", "/admin/revoke-user-session", { sessionToken: su.json.token }, c);
      expectOk(rv);
      assert.deepEqual(rv.json, { success: true });
      assert.equal((await ctx.get("revoked session", "/get-session", null, su.cookie)).text, "null");
      expectOk(await ctx.post("revoke unknown token", "/admin/revoke-user-session", { sessionToken: "does-not-exist" }, c));
      expectError(await ctx.post("revoke without token", "/admin/revoke-user-session", {}, c), 400, "VALIDATION_ERROR");
      await ctx.rows("after revoke-user-session");
      const s3 = await ctx.signIn("ada@example.com", { label: "third sign-in" });
      expectOk(await ctx.post("revoke-user-sessions", "/admin/revoke-user-sessions", { userId: id }, c));
      assert.equal((await ctx.get("session after revoke-all", "/get-session", null, s3.cookie)).text, "null");
      expectOk(await ctx.post("revoke-user-sessions unknown user", "/admin/revoke-user-sessions", { userId: "nope" }, c));
      await ctx.rows("after revoke-user-sessions");
      await listed("none left");
      await ctx.api("auth.api.listUserSessions", (api) => api.listUserSessions({ body: { userId: a.id }, headers: new Headers({ cookie: c }) }));
      // revoking the admin's own session through the API ends its access
      await ctx.api("auth.api.revokeUserSession own", (api) => api.revokeUserSession({ body: { sessionToken: a.token }, headers: new Headers({ cookie: c }) }));
      expect401(await ctx.post("admin after revoking itself", "/admin/list-user-sessions", { userId: id }, c));
    });
  });

  describe("ban-user, unban-user and the session-create hook", () => {
    parity("ban: reason, expiry, sessions deleted, sign-in refused (BANNED_USER), unban, errors", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const b = await ctx.post("ban with reason and expiry", "/admin/ban-user", { userId: id, banReason: "spam", banExpiresIn: 3600 }, c);
      expectOk(b);
      assert.equal(b.json?.user?.banned, true);
      assert.equal(b.json?.user?.banReason, "spam");
      assert.match(b.json?.user?.banExpires, ISO);
      ctx.record("banExpires in minutes", minutesFromNow(b.json?.user?.banExpires));
      assert.equal((await ctx.get("banned user's old session", "/get-session", null, su.cookie)).text, "null");
      await ctx.rows("banned (sessions deleted)");
      const si = await ctx.signIn("ada@example.com", { label: "banned user signs in" });
      expectError(si, 403, "BANNED_USER", DEFAULT_BANNED_MESSAGE);
      assert.equal(si.cookies.length, 0);
      await ctx.signIn("ada@example.com", { password: "wrong-password", label: "banned user, wrong password" });
      await ctx.post("banned user signs up again", "/sign-up/email", { name: "Ada", email: "ada@example.com", password: PW });
      const b2 = await ctx.post("ban again without reason", "/admin/ban-user", { userId: id }, c);
      assert.equal(b2.json?.user?.banReason, "No reason");
      assert.equal(b2.json?.user?.banExpires, null);
      await ctx.post("ban with empty reason", "/admin/ban-user", { userId: id, banReason: "" }, c);
      await ctx.post("ban with banExpiresIn 0", "/admin/ban-user", { userId: id, banExpiresIn: 0 }, c);
      await ctx.rows("banned without expiry");
      expectError(await ctx.post("banExpiresIn as a string", "/admin/ban-user", { userId: id, banExpiresIn: "60" }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("banReason a number", "/admin/ban-user", { userId: id, banReason: 5 }, c), 400, "VALIDATION_ERROR");
      expectError(await ctx.post("ban self", "/admin/ban-user", { userId: a.id }, c), 400, "YOU_CANNOT_BAN_YOURSELF", "You cannot ban yourself");
      expectError(await ctx.post("ban unknown", "/admin/ban-user", { userId: "nope" }, c), 404, "USER_NOT_FOUND");
      expectError(await ctx.post("unban unknown", "/admin/unban-user", { userId: "nope" }, c), 404, "USER_NOT_FOUND");
      expectError(await ctx.post("impersonate a banned user", "/admin/impersonate-user", { userId: id }, c), 403, "BANNED_USER", DEFAULT_BANNED_MESSAGE);
      await ctx.rows("no impersonation session");
      const u = await ctx.post("unban", "/admin/unban-user", { userId: id }, c);
      expectOk(u);
      assert.equal(u.json?.user?.banned, false);
      assert.equal(u.json?.user?.banReason, null);
      assert.equal(u.json?.user?.banExpires, null);
      await ctx.rows("unbanned");
      expectOk(await ctx.signIn("ada@example.com", { label: "unbanned user signs in" }));
      await ctx.post("unban a user who is not banned", "/admin/unban-user", { userId: id }, c);
      await ctx.api("auth.api.banUser", (api) => api.banUser({ body: { userId: id, banReason: "api" }, headers: new Headers({ cookie: c }) }));
      await ctx.api("auth.api.unbanUser", (api) => api.unbanUser({ body: { userId: id }, headers: new Headers({ cookie: c }) }));
      await ctx.api("auth.api.signInEmail of a banned user", async (api) => {
        await api.banUser({ body: { userId: id }, headers: new Headers({ cookie: c }) });
        return api.signInEmail({ body: { email: "ada@example.com", password: PW } });
      });
      await ctx.rows("final");
    });

    parity(
      "ban options: defaultBanReason, defaultBanExpiresIn, custom bannedUserMessage",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        const b = await ctx.post("ban without reason", "/admin/ban-user", { userId: su.json?.user?.id }, a.cookie);
        assert.equal(b.json?.user?.banReason, "Spamming");
        ctx.record("banExpires in minutes", minutesFromNow(b.json?.user?.banExpires));
        await ctx.rows("banned with the defaults");
        expectError(await ctx.signIn("ada@example.com", { label: "banned sign-in" }), 403, "BANNED_USER", "Custom: you are banned.");
        await ctx.post("ban with explicit values", "/admin/ban-user", { userId: su.json?.user?.id, banReason: "explicit", banExpiresIn: 60 }, a.cookie);
        await ctx.rows("banned with explicit values");
      },
      { admin: { defaultBanReason: "Spamming", defaultBanExpiresIn: 7200, bannedUserMessage: "Custom: you are banned." } },
    );

    parity(
      "bannedUserMessage as a function of the user (awaited)",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        expectOk(await ctx.post("ban", "/admin/ban-user", { userId: su.json?.user?.id, banReason: "spam" }, a.cookie));
        expectError(await ctx.signIn("ada@example.com", { label: "banned sign-in" }), 403, "BANNED_USER", "ada@example.com is banned (spam)");
        await ctx.api("auth.api.signInEmail of the banned user", (api) => api.signInEmail({ body: { email: "ada@example.com", password: PW } }));
      },
      { admin: { bannedUserMessage: async (user) => `${user.email} is banned (${user.banReason})` } },
    );

    parity("an expired ban is lifted at sign-in, the response shows the stale ban (Q8)", async (ctx) => {
      const a = await ctx.seedAdmin();
      const u1 = await ctx.seedUser("ada@example.com");
      const u2 = await ctx.seedUser("bob@example.com");
      expectOk(await ctx.post("ban for 2 s", "/admin/ban-user", { userId: u1.id, banReason: "short", banExpiresIn: 2 }, a.cookie));
      const neg = await ctx.post("ban with a negative expiry", "/admin/ban-user", { userId: u2.id, banReason: "already over", banExpiresIn: -60 }, a.cookie);
      ctx.record("negative expiry: banExpires in minutes", minutesFromNow(neg.json?.user?.banExpires));
      await ctx.rows("both banned");
      expectError(await ctx.signIn("ada@example.com", { label: "sign-in during the ban" }), 403, "BANNED_USER");
      await new Promise((r) => setTimeout(r, 2300));
      const si = await ctx.signIn("ada@example.com", { label: "sign-in after the ban expired" });
      expectOk(si);
      assert.equal(si.json?.user?.banned, true, "stale");
      assert.equal(si.json?.user?.banReason, "short", "stale");
      await ctx.rows("ada's ban lifted");
      const gs = await ctx.get("get-session after the lifted ban", "/get-session", null, si.cookie);
      assert.equal(gs.json?.user?.banned, false);
      const si2 = await ctx.signIn("bob@example.com", { label: "sign-in, negative expiry" });
      expectOk(si2);
      await ctx.rows("bob's ban lifted");
    });
  });

  describe("impersonation", () => {
    parity("impersonate and stop: cookies in order (Q9), get-session, list-sessions hides it, rows", async (ctx) => {
      const a = await ctx.seedAdmin();
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const jar = applySetCookies(new Map(), a.cookie.split("; ").map((p) => p + "; Path=/"));
      const imp = await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: id }, jarHeader(jar));
      expectOk(imp);
      assert.equal(imp.json?.user?.id, id);
      assert.equal(imp.json?.session?.userId, id);
      assert.equal(imp.json?.session?.impersonatedBy, a.id);
      ctx.record("impersonation session lifetime (minutes)", Math.round((Date.parse(imp.json?.session?.expiresAt) - Date.parse(imp.json?.session?.createdAt)) / 60000));
      assert.deepEqual(
        imp.cookies.map((k) => [k.name, k.value === "" ? "" : "set", k.attributes.join("; ")]),
        [
          ["better-auth.session_token", "", "Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.session_data", "", "Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.dont_remember", "", "Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.admin_session", "set", "Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.session_token", "set", "Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.dont_remember", "set", "Path=/; HttpOnly; SameSite=Lax"],
        ],
      );
      assert.match(imp.cookies.find((k) => k.name === "better-auth.admin_session")?.value ?? "", /^<id#\d+>:\.<valid-sig>$/);
      assert.equal(imp.cookies.at(-1)?.value, "true.<valid-sig>");
      applySetCookies(jar, imp.setCookies);
      await ctx.rows("impersonating");
      const gs = await ctx.get("get-session while impersonating", "/get-session", null, jarHeader(jar));
      expectOk(gs);
      assert.equal(gs.json?.user?.id, id);
      assert.equal(gs.json?.session?.impersonatedBy, a.id);
      const ls = await ctx.get("list-sessions while impersonating", "/list-sessions", null, jarHeader(jar));
      expectOk(ls);
      assert.equal(ls.json.length, 1, "only ada's own session");
      assert.equal(ls.json[0].impersonatedBy, null);
      await ctx.get("ada's own list-sessions", "/list-sessions", null, su.cookie);
      const lus = await ctx.post("admin lists ada's sessions", "/admin/list-user-sessions", { userId: id }, a.cookie, { reorder: sessionsByCreation });
      assert.equal(lus.json?.sessions?.length, 2, "the impersonation session is listed to admins");
      ctx.record("listed sessions impersonated by the admin", lus.json?.sessions?.filter((s) => s.impersonatedBy === a.id).length);
      expectError(await ctx.get("admin endpoint as the impersonated user", "/admin/list-users", null, jarHeader(jar)), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
      expectError(await ctx.post("impersonating again, as ada", "/admin/impersonate-user", { userId: a.id }, jarHeader(jar)), 403, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS");
      const stop = await ctx.post("stop-impersonating", "/admin/stop-impersonating", {}, jarHeader(jar));
      expectOk(stop);
      assert.equal(stop.json?.user?.id, a.id);
      assert.equal(stop.json?.session?.token, a.token);
      assert.deepEqual(
        stop.cookies.map((k) => [k.name, k.value === "" ? "" : "set", k.attributes.join("; ")]),
        [
          // the admin was remembered: session_token with Max-Age; the request's dont_remember expired
          ["better-auth.session_token", "set", "Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.dont_remember", "", "Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
          ["better-auth.admin_session", "", "Max-Age=0; Path=/; HttpOnly; SameSite=Lax"],
        ],
      );
      applySetCookies(jar, stop.setCookies);
      await ctx.rows("stopped (impersonation session deleted)");
      const back = await ctx.get("get-session after stop", "/get-session", null, jarHeader(jar));
      assert.equal(back.json?.user?.id, a.id);
      assert.equal(back.json?.session?.impersonatedBy, null);
      expectMessage(await ctx.post("stop again", "/admin/stop-impersonating", {}, jarHeader(jar)), 400, "You are not impersonating anyone");
      expect401(await ctx.post("stop without a session", "/admin/stop-impersonating", {}));
      const e = await ctx.api("auth.api.stopImpersonating without headers", (api) => api.stopImpersonating({}));
      assert.ok(e instanceof Error);
      // through auth.api, with the cookies it returns
      const viaApi = await ctx.api("auth.api.impersonateUser returnHeaders", (api) => api.impersonateUser({ body: { userId: id }, headers: new Headers({ cookie: jarHeader(jar) }), returnHeaders: true }));
      const jar2 = applySetCookies(new Map(jar), viaApi?.headers?.getSetCookie?.() ?? []);
      await ctx.api("auth.api.stopImpersonating returnHeaders", (api) => api.stopImpersonating({ headers: new Headers({ cookie: jarHeader(jar2) }), returnHeaders: true }));
      await ctx.rows("final");
    });

    parity(
      "impersonation by an admin signed in with rememberMe:false, custom duration",
      async (ctx) => {
        const a = await ctx.seedAdmin("root@example.com", "admin", { rememberMe: false });
        const su = await ctx.signUp("ada@example.com");
        const jar = applySetCookies(new Map(), a.cookie.split("; ").map((p) => p + "; Path=/"));
        const imp = await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: su.json?.user?.id }, jarHeader(jar));
        expectOk(imp);
        const adminCookie = imp.cookies.find((k) => k.name === "better-auth.admin_session");
        assert.match(adminCookie?.value ?? "", /^<id#\d+>:true\.<valid-sig>$/);
        ctx.record("impersonation session lifetime (minutes)", Math.round((Date.parse(imp.json?.session?.expiresAt) - Date.parse(imp.json?.session?.createdAt)) / 60000));
        applySetCookies(jar, imp.setCookies);
        await ctx.rows("impersonating");
        const stop = await ctx.post("stop-impersonating", "/admin/stop-impersonating", {}, jarHeader(jar));
        expectOk(stop);
        assert.deepEqual(stop.cookies.map((k) => k.name), ["better-auth.session_token", "better-auth.dont_remember", "better-auth.admin_session"]);
        assert.deepEqual(stop.cookies[0]?.attributes, ["Path=/", "HttpOnly", "SameSite=Lax"]);
        applySetCookies(jar, stop.setCookies);
        expectOk(await ctx.get("get-session after stop", "/get-session", null, jarHeader(jar)));
      },
      { admin: { impersonationSessionDuration: 120 } },
    );

    parity("impersonation errors: admins, 404, missing/forged admin_session, admin deleted meanwhile", async (ctx) => {
      const a = await ctx.seedAdmin();
      const other = await ctx.seedUser("other-admin@example.com", "admin");
      const multi = await ctx.seedUser("multi@example.com", ["user", "admin"]);
      const su = await ctx.signUp("ada@example.com");
      expectError(await ctx.post("impersonate an admin", "/admin/impersonate-user", { userId: other.id }, a.cookie), 403, "YOU_CANNOT_IMPERSONATE_ADMINS", "You cannot impersonate admins");
      expectError(await ctx.post("impersonate a user,admin", "/admin/impersonate-user", { userId: multi.id }, a.cookie), 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
      expectError(await ctx.post("impersonate self", "/admin/impersonate-user", { userId: a.id }, a.cookie), 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
      expectError(await ctx.post("impersonate unknown", "/admin/impersonate-user", { userId: "nope" }, a.cookie), 404, "USER_NOT_FOUND");
      expectError(await ctx.post("impersonate without userId", "/admin/impersonate-user", {}, a.cookie), 400, "VALIDATION_ERROR");
      const imp = await ctx.post("impersonate ada", "/admin/impersonate-user", { userId: su.json?.user?.id }, a.cookie);
      const jar = applySetCookies(new Map(), imp.setCookies);
      const sessionOnly = `better-auth.session_token=${jar.get("better-auth.session_token")}`;
      expectMessage(await ctx.post("stop without admin_session", "/admin/stop-impersonating", {}, sessionOnly), 500, "Failed to find admin session");
      const adminRaw = decodeURIComponent(jar.get("better-auth.admin_session") ?? "");
      const forged = `${sessionOnly}; better-auth.admin_session=${encodeURIComponent(adminRaw.slice(0, -3) + "AA=")}`;
      expectMessage(await ctx.post("stop with a forged admin_session", "/admin/stop-impersonating", {}, forged), 500, "Failed to find admin session");
      // a validly signed admin_session naming a session of someone else
      const adaToken = su.json.token;
      const wrongOwner = `${sessionOnly}; better-auth.admin_session=${encodeURIComponent(`${adaToken}:.${sign(`${adaToken}:`)}`)}`;
      expectMessage(await ctx.post("stop with ada's own session as admin_session", "/admin/stop-impersonating", {}, wrongOwner), 500, "Failed to find admin session");
      const unknownTok = "B".repeat(32);
      const unknown = `${sessionOnly}; better-auth.admin_session=${encodeURIComponent(`${unknownTok}:.${sign(`${unknownTok}:`)}`)}`;
      expectMessage(await ctx.post("stop with an unknown admin token", "/admin/stop-impersonating", {}, unknown), 500, "Failed to find admin session");
      await ctx.rows("impersonation session still there");
      // the impersonating admin is removed by another admin: stopping cannot find it
      const o = await ctx.signIn("other-admin@example.com");
      expectOk(await ctx.post("other admin removes root", "/admin/remove-user", { userId: a.id }, o.cookie));
      expectMessage(await ctx.post("stop after the admin was removed", "/admin/stop-impersonating", {}, jarHeader(jar)), 500, "Failed to find user");
      await ctx.rows("final");
    });

    parity(
      "allowImpersonatingAdmins: true lets admins impersonate admins",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const other = await ctx.seedUser("other-admin@example.com", "admin");
        const imp = await ctx.post("impersonate an admin", "/admin/impersonate-user", { userId: other.id }, a.cookie);
        expectOk(imp);
        const jar = applySetCookies(new Map(), imp.setCookies);
        // the impersonated admin's powers are the target's
        expectOk(await ctx.get("list-users as the impersonated admin", "/admin/list-users", { sortBy: "email" }, jarHeader(jar)));
        await ctx.rows("impersonating an admin");
      },
      { admin: { allowImpersonatingAdmins: true } },
    );

    parity("an impersonation session used without its dont_remember cookie is refreshed like any session", async (ctx) => {
      const a = await ctx.seedAdmin();
      const su = await ctx.signUp("ada@example.com");
      const imp = await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: su.json?.user?.id }, a.cookie);
      expectOk(imp);
      const jar = applySetCookies(new Map(), imp.setCookies);
      await ctx.rows("impersonating (1 h)");
      const withoutDontRemember = [...jar].filter(([k]) => k !== "better-auth.dont_remember").map(([k, v]) => `${k}=${v}`).join("; ");
      const gs = await ctx.get("get-session without dont_remember", "/get-session", null, withoutDontRemember);
      expectOk(gs);
      await ctx.rows("after that get-session");
      applySetCookies(jar, gs.setCookies);
      const stop = await ctx.post("stop-impersonating without dont_remember", "/admin/stop-impersonating", {}, withoutDontRemember);
      expectOk(stop);
      await ctx.rows("stopped");
    });

    parity(
      "cookie options: cookiePrefix and secure cookies name the admin_session cookie too",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        const jar = applySetCookies(new Map(), a.cookie.split("; ").map((p) => p + "; Path=/"));
        const imp = await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: su.json?.user?.id }, jarHeader(jar));
        expectOk(imp);
        applySetCookies(jar, imp.setCookies);
        expectOk(await ctx.get("get-session while impersonating", "/get-session", null, jarHeader(jar)));
        const stop = await ctx.post("stop-impersonating", "/admin/stop-impersonating", {}, jarHeader(jar));
        expectOk(stop);
        applySetCookies(jar, stop.setCookies);
        const back = await ctx.get("get-session after stop", "/get-session", null, jarHeader(jar));
        assert.equal(back.json?.user?.email, "root@example.com");
      },
      { advanced: { cookiePrefix: "my-app", useSecureCookies: true } },
    );

    parity(
      "advanced.cookies.admin_session renames the admin cookie and sets its attributes (spec 2.6)",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        const jar = applySetCookies(new Map(), a.cookie.split("; ").map((p) => p + "; Path=/"));
        const imp = await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: su.json?.user?.id }, jarHeader(jar));
        expectOk(imp);
        applySetCookies(jar, imp.setCookies);
        expectOk(await ctx.get("get-session while impersonating", "/get-session", null, jarHeader(jar)));
        const stop = await ctx.post("stop-impersonating", "/admin/stop-impersonating", {}, jarHeader(jar));
        expectOk(stop);
        applySetCookies(jar, stop.setCookies);
        const back = await ctx.get("get-session after stop", "/get-session", null, jarHeader(jar));
        assert.equal(back.json?.user?.email, "root@example.com");
      },
      { advanced: { cookies: { admin_session: { name: "impersonator", attributes: { sameSite: "strict" } } } } },
    );

    parity(
      "with the cookie cache on, admin endpoints still read the session and role from the database",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        assert.ok(su.setCookies.some((c) => c.startsWith("better-auth.session_data=")), "session_data cookie set");
        const jar = applySetCookies(new Map(), su.setCookies);
        expectError(await ctx.get("ada lists users", "/admin/list-users", null, jarHeader(jar)), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
        expectOk(await ctx.post("set-role admin", "/admin/set-role", { userId: su.json?.user?.id, role: "admin" }, a.cookie));
        const cached = await ctx.get("get-session (cached role)", "/get-session", null, jarHeader(jar));
        ctx.record("cached role", cached.json?.user?.role);
        expectOk(await ctx.get("ada lists users with the stale cache", "/admin/list-users", { sortBy: "email" }, jarHeader(jar)));
        expectOk(await ctx.post("ban ada", "/admin/ban-user", { userId: su.json?.user?.id }, a.cookie));
        await ctx.get("get-session after the ban (cache)", "/get-session", null, jarHeader(jar));
        expect401(await ctx.get("admin endpoint after the ban", "/admin/list-users", null, jarHeader(jar)));
        // impersonation with the cache on sets session_data for the impersonated user
        const t = await ctx.seedUser("target@example.com");
        const imp = await ctx.post("impersonate with the cache on", "/admin/impersonate-user", { userId: t.id }, a.cookie);
        expectOk(imp);
        const ij = applySetCookies(new Map(), imp.setCookies);
        const gs = await ctx.get("get-session while impersonating (cache)", "/get-session", null, jarHeader(ij));
        assert.equal(gs.json?.session?.impersonatedBy, a.id);
        await ctx.get("list-sessions while impersonating (cache)", "/list-sessions", null, jarHeader(ij));
        const stop = await ctx.post("stop-impersonating (cache)", "/admin/stop-impersonating", {}, jarHeader(ij));
        expectOk(stop);
      },
      // Better Auth's cache keeps the stale role; ours does too with the cross-instance
      // revocation channel off (on PostgreSQL it is on by default and refuses the stale cache)
      { session: { cookieCache: { enabled: true, maxAge: 300 } }, advanced: { revocationChannel: false } },
    );
  });

  describe("userId coercion", () => {
    parity("userId missing, null, boolean, number, object, array on every endpoint that takes one", async (ctx) => {
      const a = await ctx.seedAdmin();
      const t = await ctx.seedUser("target@example.com");
      const bodies = {
        "/admin/set-role": { role: "user" },
        "/admin/update-user": { data: { name: "x" } },
        "/admin/list-user-sessions": {},
        "/admin/ban-user": {},
        "/admin/unban-user": {},
        "/admin/impersonate-user": {},
        "/admin/revoke-user-sessions": {},
        "/admin/set-user-password": { newPassword: "long-enough-1" },
        "/admin/has-permission": { permissions: { user: ["list"] } },
        "/admin/remove-user": {}, // last: removes the target (the [target id] case)
      };
      for (const [path, body] of Object.entries(bodies)) {
        await ctx.post(`${path} without userId`, path, body, a.cookie);
        for (const [label, v] of [["null", null], ["true", true], ["0", 0], ["{}", {}], ["[]", []], ["[target id]", [t.id]]]) await ctx.post(`${path} userId ${label}`, path, { ...body, userId: v }, a.cookie);
      }
      // has-permission without a session: the subject comes from userId
      for (const [label, v] of [["undefined", undefined], ["null", null], ["0", 0], ["[target id]", [t.id]]]) {
        await ctx.api(`userHasPermission userId ${label}`, (api) => api.userHasPermission({ body: { userId: v, permissions: { user: ["list"] } } }));
      }
      await ctx.rows("nothing changed");
    });
  });

  describe("remove-user, set-user-password", () => {
    parity("remove-user: self first, 404, then user, sessions and accounts are gone", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const su = await ctx.signUp("ada@example.com");
      await ctx.signIn("ada@example.com", { label: "second session" });
      await ctx.rows("before", { accounts: true });
      expectError(await ctx.post("remove self", "/admin/remove-user", { userId: a.id }, c), 400, "YOU_CANNOT_REMOVE_YOURSELF", "You cannot remove yourself");
      expectError(await ctx.post("remove unknown", "/admin/remove-user", { userId: "nope" }, c), 404, "USER_NOT_FOUND");
      expectError(await ctx.post("remove without userId", "/admin/remove-user", {}, c), 400, "VALIDATION_ERROR");
      const r = await ctx.post("remove ada", "/admin/remove-user", { userId: su.json?.user?.id }, c);
      expectOk(r);
      assert.deepEqual(r.json, { success: true });
      assert.equal((await ctx.get("removed user's session", "/get-session", null, su.cookie)).text, "null");
      expectError(await ctx.signIn("ada@example.com", { label: "removed user signs in" }), 401, "INVALID_EMAIL_OR_PASSWORD");
      await ctx.rows("after", { accounts: true });
      expectError(await ctx.post("remove again", "/admin/remove-user", { userId: su.json?.user?.id }, c), 404, "USER_NOT_FOUND");
      const u = await ctx.seedUser("bob@example.com");
      await ctx.api("auth.api.removeUser", (api) => api.removeUser({ body: { userId: u.id }, headers: new Headers({ cookie: c }) }));
      await ctx.api("auth.api.removeUser self", (api) => api.removeUser({ body: { userId: a.id }, headers: new Headers({ cookie: c }) }));
      await ctx.rows("final", { accounts: true });
    });

    parity("set-user-password: new password works, sessions kept, validation, creates a credential account", async (ctx) => {
      const a = await ctx.seedAdmin();
      const c = a.cookie;
      const su = await ctx.signUp("ada@example.com");
      const id = su.json?.user?.id;
      const r = await ctx.post("set-user-password", "/admin/set-user-password", { userId: id, newPassword: "brand-new-password" }, c);
      expectOk(r);
      assert.deepEqual(r.json, { status: true });
      expectError(await ctx.signIn("ada@example.com", { label: "old password" }), 401, "INVALID_EMAIL_OR_PASSWORD");
      expectOk(await ctx.signIn("ada@example.com", { password: "brand-new-password", label: "new password" }));
      expectOk(await ctx.get("existing session kept", "/get-session", null, su.cookie));
      expectError(await ctx.post("empty password", "/admin/set-user-password", { userId: id, newPassword: "" }, c), 400, "VALIDATION_ERROR", "[body.newPassword] newPassword cannot be empty");
      expectError(await ctx.post("empty userId", "/admin/set-user-password", { userId: "", newPassword: "long-enough-1" }, c), 400, "VALIDATION_ERROR", "[body.userId] userId cannot be empty");
      await ctx.post("both empty", "/admin/set-user-password", { userId: "", newPassword: "" }, c);
      await ctx.post("missing newPassword", "/admin/set-user-password", { userId: id }, c);
      expectError(await ctx.post("too short", "/admin/set-user-password", { userId: id, newPassword: "short" }, c), 400, "PASSWORD_TOO_SHORT", "Password too short");
      expectError(await ctx.post("too long", "/admin/set-user-password", { userId: id, newPassword: "p".repeat(129) }, c), 400, "PASSWORD_TOO_LONG", "Password too long");
      expectError(await ctx.post("unknown user", "/admin/set-user-password", { userId: "nope", newPassword: "long-enough-1" }, c), 404, "USER_NOT_FOUND");
      await ctx.post("numeric userId", "/admin/set-user-password", { userId: 99, newPassword: "long-enough-1" }, c);
      const np = await ctx.seedUser("nopass@example.com", undefined, { password: undefined });
      await ctx.rows("before setting a first password", { accounts: true });
      expectOk(await ctx.post("first password for a user without one", "/admin/set-user-password", { userId: np.id, newPassword: "first-password-1" }, c));
      await ctx.rows("credential account created", { accounts: true });
      expectOk(await ctx.signIn("nopass@example.com", { password: "first-password-1", label: "user without a password signs in" }));
      await ctx.api("auth.api.setUserPassword", (api) => api.setUserPassword({ body: { userId: id, newPassword: "api-password-1" }, headers: new Headers({ cookie: c }) }));
      expectOk(await ctx.signIn("ada@example.com", { password: "api-password-1", label: "api password" }));
    });
  });

  describe("has-permission", () => {
    parity("has-permission: body rules (Q4), subject from session, role or stored user, 401", async (ctx) => {
      const a = await ctx.seedAdmin();
      const su = await ctx.signUp("ada@example.com");
      const P = (permissions, extra = {}) => ({ permissions, ...extra });
      const call = (label, body) => ctx.api(label, (api) => api.userHasPermission({ body }));
      assert.deepEqual(await call("role admin, user:ban", P({ user: ["ban"] }, { role: "admin" })), { error: null, success: true });
      await call("role user, user:ban", P({ user: ["ban"] }, { role: "user" }));
      await call("role admin, impersonate-admins", P({ user: ["impersonate-admins"] }, { role: "admin" }));
      await call("role admin, several", P({ user: ["ban", "list"], session: ["revoke"] }, { role: "admin" }));
      await call("role admin, unknown action", P({ user: ["fly"] }, { role: "admin" }));
      await call("role admin, unknown resource", P({ rocket: ["launch"] }, { role: "admin" }));
      await call("role admin, empty permissions", P({}, { role: "admin" }));
      await call("role admin, empty action list", P({ user: [] }, { role: "admin" }));
      await call("role user,admin", P({ user: ["ban"] }, { role: "user,admin" }));
      await call("role 'user, admin' (not trimmed)", P({ user: ["ban"] }, { role: "user, admin" }));
      await call("role ADMIN (case)", P({ user: ["ban"] }, { role: "ADMIN" }));
      await call("stored user by id (admin)", P({ user: ["ban"] }, { userId: a.id }));
      await call("stored user by id (plain)", P({ user: ["ban"] }, { userId: su.json?.user?.id }));
      await call("role wins over userId", P({ user: ["ban"] }, { userId: a.id, role: "user" }));
      await call("unknown userId", P({ user: ["ban"] }, { userId: "nope" }));
      await call("numeric userId", P({ user: ["ban"] }, { userId: 5 }));
      await call("neither userId nor role", P({ user: ["ban"] }));
      await call("permission (singular)", { role: "admin", permission: { user: ["ban"] } });
      await call("both permission and permissions", { role: "admin", permission: { user: ["ban"] }, permissions: { user: ["ban"] } });
      await call("neither permission nor permissions", { role: "admin" });
      await call("permissions not a record of arrays", { role: "admin", permissions: { user: "ban" } });
      await call("no body", undefined);
      // over HTTP the session user is the subject; body userId/role are ignored
      const h1 = await ctx.post("HTTP admin session, body role user", "/admin/has-permission", P({ user: ["ban"] }, { role: "user" }), a.cookie);
      assert.deepEqual(h1.json, { error: null, success: true });
      const h2 = await ctx.post("HTTP plain session, body role admin", "/admin/has-permission", P({ user: ["ban"] }, { role: "admin" }), su.cookie);
      assert.deepEqual(h2.json, { error: null, success: false });
      await ctx.post("HTTP plain session, body userId of the admin", "/admin/has-permission", P({ user: ["ban"] }, { userId: a.id }), su.cookie);
      await ctx.post("HTTP permission (singular) with a session", "/admin/has-permission", { permission: { user: ["ban"] } }, a.cookie);
      await ctx.post("HTTP permission (singular) without a session", "/admin/has-permission", { role: "admin", permission: { user: ["ban"] } });
      await ctx.post("HTTP neither without a session", "/admin/has-permission", { role: "admin" });
      expect401(await ctx.post("HTTP no session", "/admin/has-permission", P({ user: ["ban"] }, { role: "admin" })));
      await ctx.api("auth.api with the plain user's headers", (api) => api.userHasPermission({ body: P({ user: ["ban"] }, { role: "admin" }), headers: new Headers({ cookie: su.cookie }) }));
      await ctx.api("auth.api with empty headers", (api) => api.userHasPermission({ body: P({ user: ["ban"] }, { role: "admin" }), headers: new Headers() }));
      await ctx.api("auth.api asResponse", (api) => api.userHasPermission({ body: P({ user: ["ban"] }, { role: "admin" }), asResponse: true }));
    });

    parity("adminUserIds: the listed user passes every check and counts as an admin for impersonation", async (ctx) => {
      const a = await ctx.seedAdmin();
      const su = await ctx.signUp("ada@example.com");
      const t = await ctx.seedUser("target@example.com");
      // options are fixed at construction: rebuild the instance on the same database, naming ada
      await ctx.configure({ admin: { adminUserIds: [su.json?.user?.id] } });
      const c = su.cookie;
      expectOk(await ctx.get("ada lists users", "/admin/list-users", { sortBy: "email" }, c));
      expectOk(await ctx.post("ada bans target", "/admin/ban-user", { userId: t.id }, c));
      await ctx.api("hasPermission by ada's id, anything", (api) => api.userHasPermission({ body: { userId: su.json?.user?.id, permissions: { rocket: ["launch"] } } }));
      await ctx.api("hasPermission ada's id with role user", (api) => api.userHasPermission({ body: { userId: su.json?.user?.id, role: "user", permissions: { user: ["ban"] } } }));
      await ctx.post("HTTP has-permission as ada", "/admin/has-permission", { permissions: { user: ["impersonate-admins"] } }, c);
      expectError(await ctx.post("admin impersonates ada (adminUserIds)", "/admin/impersonate-user", { userId: su.json?.user?.id }, a.cookie), 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
      const imp = await ctx.post("ada impersonates the admin (impersonate-admins passes)", "/admin/impersonate-user", { userId: a.id }, c);
      expectOk(imp);
      await ctx.rows("final");
    });
  });

  describe("custom roles (createAccessControl)", () => {
    parity(
      "roles option: non-existent values refused, per-role permissions, adminRoles for impersonation",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const c = a.cookie;
        const su = await ctx.signUp("ada@example.com");
        const id = su.json?.user?.id;
        const NX = "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE";
        expectError(await ctx.post("set-role ghost", "/admin/set-role", { userId: id, role: "ghost" }, c), 400, NX, "You are not allowed to set a non-existent role value");
        expectError(await ctx.post("set-role array with ghost", "/admin/set-role", { userId: id, role: ["user", "ghost"] }, c), 400, NX);
        expectError(await ctx.post("set-role 'user,editor' as one string", "/admin/set-role", { userId: id, role: "user,editor" }, c), 400, NX);
        expectError(await ctx.post("set-role ghost on an unknown user", "/admin/set-role", { userId: "nope", role: "ghost" }, c), 400, NX);
        assert.equal((await ctx.post("set-role [user, editor]", "/admin/set-role", { userId: id, role: ["user", "editor"] }, c)).json?.user?.role, "user,editor");
        await ctx.post("set-role 'super admin'", "/admin/set-role", { userId: id, role: "super admin" }, c);
        expectError(await ctx.post("create-user ghost", "/admin/create-user", { email: "g@example.com", password: PW, name: "G", role: "ghost" }, c), 400, NX);
        expectError(await ctx.post("create-user data.role ghost", "/admin/create-user", { email: "g@example.com", password: PW, name: "G", data: { role: "ghost" } }, c), 400, NX);
        await ctx.api("createUser ghost without headers", (api) => api.createUser({ body: { email: "g@example.com", password: PW, name: "G", role: "ghost" } }));
        expectError(await ctx.post("update-user role ghost", "/admin/update-user", { userId: id, data: { role: "ghost" } }, c), 400, NX);
        await ctx.rows("roles set");

        // per-role powers
        await ctx.seedUser("creator@example.com", "creator");
        await ctx.seedUser("support@example.com", "support");
        await ctx.seedUser("banner@example.com", "banner");
        await ctx.seedUser("sa@example.com", "super admin");
        const target = await ctx.seedUser("target@example.com", "user");
        const cr = (await ctx.signIn("creator@example.com")).cookie;
        const sp = (await ctx.signIn("support@example.com")).cookie;
        const bn = (await ctx.signIn("banner@example.com")).cookie;
        const sa = (await ctx.signIn("sa@example.com")).cookie;
        expectOk(await ctx.post("creator creates a user", "/admin/create-user", { email: "c1@example.com", password: PW, name: "C1" }, cr));
        expectError(await ctx.post("creator sets a role", "/admin/create-user", { email: "c2@example.com", password: PW, name: "C2", role: "user" }, cr), 403, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE");
        expectError(await ctx.post("creator sets data.banned", "/admin/create-user", { email: "c3@example.com", password: PW, name: "C3", data: { banned: false } }, cr), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
        expectError(await ctx.get("creator lists users", "/admin/list-users", null, cr), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
        expectOk(await ctx.get("support gets a user", "/admin/get-user", { id: target.id }, sp));
        expectError(await ctx.post("support bans", "/admin/ban-user", { userId: target.id }, sp), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
        expectError(await ctx.post("support impersonates an admin", "/admin/impersonate-user", { userId: a.id }, sp), 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
        expectError(await ctx.post("support impersonates a 'super admin' (in adminRoles)", "/admin/impersonate-user", { userId: id }, sp), 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
        expectOk(await ctx.post("support impersonates a user", "/admin/impersonate-user", { userId: target.id }, sp));
        expectOk(await ctx.post("banner bans", "/admin/ban-user", { userId: target.id, banReason: "by banner" }, bn));
        expectError(await ctx.post("banner bans through update-user", "/admin/update-user", { userId: target.id, data: { banned: true } }, bn), 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS");
        expectOk(await ctx.post("banner unbans", "/admin/unban-user", { userId: target.id }, bn));
        expectOk(await ctx.post("super admin impersonates an admin", "/admin/impersonate-user", { userId: a.id }, sa));
        expectError(await ctx.post("banner sets a phone number", "/admin/update-user", { userId: target.id, data: { phoneNumber: "+100" } }, bn), 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS");
        await ctx.rows("final");
      },
      { admin: { roles: customRoles, adminRoles: ["admin", "super admin"] } },
    );
  });

  describe("permission matrix", () => {
    parity(
      "every role × every permission request: auth.api.userHasPermission and HTTP with a session holding the role",
      async (ctx) => {
        const roleStrings = [
          "admin",
          "user",
          "editor",
          "viewer",
          "support",
          "super admin",
          "creator",
          "banner",
          "nothing",
          "user,editor",
          "viewer,banner",
          "editor,support,viewer",
          "editor, viewer",
          " admin",
          "Admin",
          "ghost",
          "ghost,viewer",
          "user,",
          ",",
        ];
        const requests = [];
        for (const [resource, actions] of Object.entries(ac.statements)) for (const action of actions) requests.push({ [resource]: [action] });
        requests.push(
          { project: ["read", "update"] },
          { project: ["read", "share"] },
          { project: ["read"], user: ["list"] },
          { user: ["list"], session: ["list"] },
          { user: ["impersonate", "impersonate-admins"] },
          { project: { actions: ["read", "delete"], connector: "OR" } },
          { project: { actions: ["read", "delete"], connector: "AND" } },
          { rocket: ["launch"] },
          { project: [] },
          {},
        );
        const api = {};
        for (const role of roleStrings) {
          for (const permissions of requests) {
            let out;
            try {
              out = await ctx.auth.api.userHasPermission({ body: { role, permissions } });
            } catch (e) {
              out = { thrown: e.statusCode, body: e.body };
            }
            api[`${JSON.stringify(role)} ${JSON.stringify(permissions)}`] = out;
          }
        }
        ctx.record("auth.api.userHasPermission matrix", api);
        // one signed-in user whose stored role is rewritten with SQL before each row: the admin
        // guard reads the session and the user from the database on every request
        const http = {};
        await ctx.seedUser("subject@example.com");
        const si = await ctx.signIn("subject@example.com");
        expectOk(si);
        const q = ctx.db.ident;
        for (const role of roleStrings) {
          await ctx.db.query(`update ${q("user")} set ${q("role")} = ${ctx.db.param(1)} where ${q("email")} = ${ctx.db.param(2)}`, [role, "subject@example.com"]);
          for (const permissions of requests) {
            const res = await ctx.auth.handler(
              new Request(`${BASE_URL}/api/auth/admin/has-permission`, { method: "POST", headers: { "content-type": "application/json", cookie: si.cookie, ...TRUSTED }, body: JSON.stringify({ permissions }) }),
            );
            const text = await res.text();
            http[`${JSON.stringify(role)} ${JSON.stringify(permissions)}`] = `${res.status} ${text}`;
          }
          const gs = await ctx.auth.handler(new Request(`${BASE_URL}/api/auth/get-session`, { headers: { cookie: si.cookie } }));
          assert.equal((await gs.json()).user.role, role, "the session sees the stored role");
        }
        ctx.record("HTTP has-permission matrix", http);
        // the same answers for a session as for the role: both implementations agree with the package's own check
        const apiSuccess = Object.fromEntries(Object.entries(api).map(([k, v]) => [k, v.success ?? v.thrown]));
        const httpSuccess = Object.fromEntries(Object.entries(http).map(([k, v]) => [k, v.startsWith("200 ") ? JSON.parse(v.slice(4)).success : Number(v.slice(0, 3))]));
        for (const k of Object.keys(apiSuccess)) if (typeof apiSuccess[k] === "boolean" && typeof httpSuccess[k] === "boolean") assert.equal(httpSuccess[k], apiSuccess[k], k);
      },
      { admin: { roles: customRoles } },
    );
  });

  describe("JSON key order", () => {
    parity(
      "key order of admin responses",
      async (ctx) => {
        const a = await ctx.seedAdmin();
        const su = await ctx.signUp("ada@example.com");
        await ctx.get("get-session", "/get-session", null, su.cookie);
        await ctx.get("get-user", "/admin/get-user", { id: su.json?.user?.id }, a.cookie);
        await ctx.get("list-users", "/admin/list-users", { sortBy: "email", limit: "5", offset: "0" }, a.cookie);
        await ctx.post("list-user-sessions", "/admin/list-user-sessions", { userId: su.json?.user?.id }, a.cookie);
        await ctx.post("ban-user", "/admin/ban-user", { userId: su.json?.user?.id }, a.cookie);
        await ctx.post("has-permission", "/admin/has-permission", { permissions: { user: ["ban"] } }, a.cookie);
        await ctx.post("impersonate-user", "/admin/impersonate-user", { userId: su.json?.user?.id }, a.cookie);
        await ctx.post("error", "/admin/ban-user", { userId: "nope" }, a.cookie);
      },
      {},
      { compare: "keyOrders" },
    );
  });
}

for (const dialect of DIALECTS) {
  describe(`admin plugin parity [${dialect}]`, () => defineSuite(dialect));
}

