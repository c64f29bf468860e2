// Fresh databases per parity run on every dialect, and the two implementations with their
// migrators, for the plugin parity suites (magic-link.test.mjs, email-otp.test.mjs): an SQLite
// file, a fresh PostgreSQL schema and a fresh MariaDB/MySQL database (BA_RS_PG_URL /
// BA_RS_MYSQL_URL override the local servers). Each database is dropped afterwards, and the
// connections better-auth-rs opened to it (it has no close()) are ended.
import "./env.mjs";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { tempDbFile } from "./impls.mjs";
import { REFERENCE } from "./observe.mjs";

const require = createRequire(import.meta.url);

export const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** The dialects a suite runs on: `env` (comma-separated) or all three. */
export function dialectsFrom(env) {
  return (env || "sqlite,postgres,mysql").split(",").map((s) => s.trim()).filter(Boolean);
}

const loaded = new Map();
/** `{ betterAuth, migrate(options, auth) }` of an implementation ("better-auth" or "ours"). */
export async function loadImpl(kind) {
  if (!loaded.has(kind)) {
    if (kind === REFERENCE) {
      const [ba, mig] = await Promise.all([import("better-auth"), import("better-auth/db/migration")]);
      loaded.set(kind, { betterAuth: ba.betterAuth, migrate: async (opts) => (await mig.getMigrations(opts)).runMigrations() });
    } else {
      const ours = require("../../index.js"); // lazily: IMPLS=better-auth runs without the addon
      loaded.set(kind, { betterAuth: ours.betterAuth, migrate: async (opts, auth) => ours.getMigrations(auth).runMigrations() });
    }
  }
  return loaded.get(kind);
}

/**
 * A fresh database: `{ dialect, ident(name), param(i), forAuth(kind), query(sql, params),
 * cleanup() }`. `forAuth` gives what to pass as `database` (a file path or pool for ours, a
 * connection for better-auth); `query` reads and writes with plain SQL.
 */
export async function openDatabase(dialect, label = "plugin") {
  const nsName = () => `ba_${label.replace(/[^a-z0-9]/gi, "").slice(0, 8).toLowerCase()}_` + crypto.randomBytes(5).toString("hex");
  if (dialect === "sqlite") {
    const { file, cleanup } = tempDbFile(label);
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
      cleanup: async () => {
        try {
          handle?.close();
        } catch {}
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
      forAuth: (kind) => pool(kind === REFERENCE ? name : `${name}_rs`),
      query: async (sql, params = []) => (await reader.query(sql, params)).rows,
      cleanup: async () => {
        for (const p of pools) await p.end().catch(() => {});
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
    const jsThreads = new Set(); // connection ids of the JS pools (the others are better-auth-rs's)
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
      cleanup: async () => {
        for (const p of pools) await p.end().catch(() => {});
        const [procs] = await root.query(`select id from information_schema.processlist where db = ? and id <> connection_id()`, [name]);
        for (const { id } of procs) if (!jsThreads.has(Number(id))) await root.query(`kill ${Number(id)}`).catch(() => {});
        await root.query(`drop database ${name}`);
        await root.end();
      },
    };
  }
  throw new Error(`unknown dialect ${dialect}`);
}

/** A date column as milliseconds (ISO text on SQLite, `Date` elsewhere). */
export const toMs = (v) => (v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : typeof v === "number" ? v : NaN);

/** Applies Set-Cookie strings to a name → value map (Max-Age=0 deletes). */
export function applySetCookies(jar, setCookies) {
  for (const c of setCookies) {
    const pair = c.split(";")[0];
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (/;\s*max-age=0\b/i.test(c)) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1));
  }
  return jar;
}
/** "name=value; ..." of a jar. */
export const jarHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
/** The Cookie header a client would send after these Set-Cookie strings. */
export const cookieOf = (setCookies) => jarHeader(applySetCookies(new Map(), setCookies));
