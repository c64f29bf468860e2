// Factory for the two implementations under test: the real `better-auth` package and ours
// (`../../index.js`). Suites iterate over `IMPLS` (env `IMPLS`, comma-separated; default both).
// "ours" is imported lazily, so `IMPLS=better-auth` runs without the native addon.
import "./env.mjs";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import crypto from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const SECRET = "parity-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
export const BASE_URL = "http://localhost:3000";
export const ALL_IMPLS = ["better-auth", "ours"];
export const IMPLS = (process.env.IMPLS || ALL_IMPLS.join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
for (const k of IMPLS) if (!ALL_IMPLS.includes(k)) throw new Error(`IMPLS: unknown implementation "${k}"`);

// Better Auth 1.7.25's SQLite core schema, as emitted by its migrator (shared/spec/schema-ddl.sql, "sqlite / A (core)").
const CORE_SQLITE_DDL = [
  `create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null)`,
  `create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)`,
  `create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)`,
  `create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)`,
  `create index "session_userId_idx" on "session" ("userId")`,
  `create index "account_userId_idx" on "account" ("userId")`,
  `create index "verification_identifier_idx" on "verification" ("identifier")`,
];

/** A fresh database file path under os.tmpdir(), plus a cleanup that removes it (and -wal/-shm). */
export function tempDbFile(label = "db") {
  const file = path.join(os.tmpdir(), `ba-rs-${label}-${process.pid}-${crypto.randomBytes(6).toString("hex")}.db`);
  const cleanup = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
  };
  return { file, cleanup };
}

const modCache = new Map();
async function load(kind) {
  if (!modCache.has(kind)) {
    if (kind === "better-auth") {
      const [ba, node, sqlite] = await Promise.all([import("better-auth"), import("better-auth/node"), import("better-sqlite3")]);
      modCache.set(kind, { betterAuth: ba.betterAuth, node, Database: sqlite.default });
    } else if (kind === "ours") {
      // CommonJS entry, required lazily: the addon is only needed when "ours" is selected.
      const entry = require("../../index.js");
      const node = require("../../js/node.js");
      modCache.set(kind, { betterAuth: entry.betterAuth, node });
    } else {
      throw new Error(`unknown implementation "${kind}"`);
    }
  }
  return modCache.get(kind);
}

/**
 * makeAuth(kind, { dbFile, ...options }) → the auth instance.
 * Common options: same secret, baseURL http://localhost:3000, email+password on, logger off.
 * `options` are merged on top (shallow, except `emailAndPassword`/`advanced`/`logger`, which merge one level).
 * The instance gets a non-enumerable `close()` that releases the database handle it opened.
 */
export async function makeAuth(kind, { dbFile, ...options } = {}) {
  if (!dbFile) throw new Error("makeAuth: dbFile is required");
  const m = await load(kind);
  const base = {
    secret: SECRET,
    baseURL: BASE_URL,
    logger: { disabled: true },
  };
  const merged = {
    ...base,
    ...options,
    emailAndPassword: { enabled: true, ...(options.emailAndPassword || {}) },
    logger: { ...base.logger, ...(options.logger || {}) },
  };
  let db = null;
  if (kind === "better-auth") {
    db = new m.Database(dbFile);
    const hasUser = db.prepare(`select 1 from sqlite_master where type='table' and name='user'`).get();
    if (!hasUser) for (const stmt of CORE_SQLITE_DDL) db.exec(stmt);
    merged.database = db;
  } else {
    merged.database = dbFile;
  }
  const auth = m.betterAuth(merged);
  Object.defineProperty(auth, "close", {
    enumerable: false,
    value: () => {
      if (db) {
        try { db.close(); } catch {}
      }
    },
  });
  return auth;
}

/** { toNodeHandler, fromNodeHeaders } for an implementation. */
export async function nodeHelpers(kind) {
  const m = await load(kind);
  return { toNodeHandler: m.node.toNodeHandler, fromNodeHeaders: m.node.fromNodeHeaders };
}
