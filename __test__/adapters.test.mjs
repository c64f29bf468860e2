// Better Auth's adapter functions as `database` (`drizzleAdapter(db, …)`, `memoryAdapter(…)`,
// `kyselyAdapter(…)`): the engine calls the function with the options, as Better Auth does, and
// every storage operation goes through the returned adapter (src/store/js_adapter.rs,
// js/adapter-bridge.js). Each flow runs on the real better-auth and on better-auth-rs, each with
// the same kind of adapter over its own fresh database (an SQLite file, a PostgreSQL schema),
// and the observations (status, body shapes, cookies; helpers/observe.mjs) must be equal. Rows
// are read back through the ORM itself (drizzle `select`, the memory adapter's arrays).
//
// Schemas are what Better Auth's CLI generates for drizzle: snake_case columns
// (`email_verified`), `timestamp` / `integer(..., { mode: "timestamp_ms" })` dates, `boolean` /
// `integer(..., { mode: "boolean" })` booleans; the tables are created with the DDL drizzle-kit
// writes for that schema.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { pgRelations, pgSchema, pgJwks, PG_JWKS_DDL, pgUser2fa, pgTwoFactor, PG_2FA_DDL, pgRateLimit, PG_RATE_LIMIT_DDL, PG_DDL } from "./helpers/drizzle-pg.mjs";
import { sqliteTable, text as sqText, integer, index as sqIndex } from "drizzle-orm/sqlite-core";
import { sql, eq } from "drizzle-orm";
import { drizzle as drizzleMysql } from "drizzle-orm/mysql2";
import { mysqlTable, varchar, text as myText, timestamp as myTimestamp, boolean as myBoolean, index as myIndex } from "drizzle-orm/mysql-core";
import mysql from "mysql2/promise";
import { createAdapterFactory } from "better-auth/adapters";
import { BASE_URL, SECRET, tempDbFile } from "./helpers/impls.mjs";
import { REFERENCE, Ctx, compareRuns, cookieHeader, expectError, expectOk } from "./helpers/observe.mjs";
import { PW, TRUSTED, options, makeAuth, flows, mailFlows, mailOptions, withoutNullImage, generatePrismaClient, PRISMA_MODELS, PRISMA_PG_DDL } from "./helpers/adapter-flows.mjs";

const require = createRequire(import.meta.url);
const ours = require("../index.js");
// the re-exports under test: better-auth-rs/adapters/* are Better Auth's own functions
const { drizzleAdapter } = require("../js/adapters/drizzle.js");
const { memoryAdapter } = require("../js/adapters/memory.js");
const { kyselyAdapter } = require("../js/adapters/kysely.js");

const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const KINDS = [REFERENCE, "ours"];

// ---------------------------------------------------------------------------------------------
// Drizzle schemas as `npx @better-auth/cli generate` writes them


const msNow = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;
const sqliteSchema = {
  user: sqliteTable("user", {
    id: sqText("id").primaryKey(),
    name: sqText("name").notNull(),
    email: sqText("email").notNull().unique(),
    emailVerified: integer("email_verified", { mode: "boolean" }).default(false).notNull(),
    image: sqText("image"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).default(msNow).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).default(msNow).$onUpdate(() => new Date()).notNull(),
  }),
  session: sqliteTable("session", {
    id: sqText("id").primaryKey(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    token: sqText("token").notNull().unique(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).default(msNow).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).$onUpdate(() => new Date()).notNull(),
    ipAddress: sqText("ip_address"),
    userAgent: sqText("user_agent"),
    userId: sqText("user_id").notNull(),
  }, (t) => [sqIndex("session_userId_idx").on(t.userId)]),
  account: sqliteTable("account", {
    id: sqText("id").primaryKey(),
    accountId: sqText("account_id").notNull(),
    providerId: sqText("provider_id").notNull(),
    userId: sqText("user_id").notNull(),
    accessToken: sqText("access_token"),
    refreshToken: sqText("refresh_token"),
    idToken: sqText("id_token"),
    accessTokenExpiresAt: integer("access_token_expires_at", { mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer("refresh_token_expires_at", { mode: "timestamp_ms" }),
    scope: sqText("scope"),
    password: sqText("password"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).default(msNow).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).$onUpdate(() => new Date()).notNull(),
  }, (t) => [sqIndex("account_userId_idx").on(t.userId)]),
  verification: sqliteTable("verification", {
    id: sqText("id").primaryKey(),
    identifier: sqText("identifier").notNull(),
    value: sqText("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).default(msNow).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).default(msNow).$onUpdate(() => new Date()).notNull(),
  }, (t) => [sqIndex("verification_identifier_idx").on(t.identifier)]),
};

const SQLITE_DDL = [
  "CREATE TABLE `user` (`id` text PRIMARY KEY NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `email_verified` integer DEFAULT false NOT NULL, `image` text, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL)",
  "CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`)",
  "CREATE TABLE `session` (`id` text PRIMARY KEY NOT NULL, `expires_at` integer NOT NULL, `token` text NOT NULL, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer NOT NULL, `ip_address` text, `user_agent` text, `user_id` text NOT NULL, FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade)",
  "CREATE UNIQUE INDEX `session_token_unique` ON `session` (`token`)",
  "CREATE INDEX `session_userId_idx` ON `session` (`user_id`)",
  "CREATE TABLE `account` (`id` text PRIMARY KEY NOT NULL, `account_id` text NOT NULL, `provider_id` text NOT NULL, `user_id` text NOT NULL, `access_token` text, `refresh_token` text, `id_token` text, `access_token_expires_at` integer, `refresh_token_expires_at` integer, `scope` text, `password` text, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer NOT NULL, FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade)",
  "CREATE INDEX `account_userId_idx` ON `account` (`user_id`)",
  "CREATE TABLE `verification` (`id` text PRIMARY KEY NOT NULL, `identifier` text NOT NULL, `value` text NOT NULL, `expires_at` integer NOT NULL, `created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL, `updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL)",
  "CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`)",
];

const myNow = { fsp: 3 };
const mysqlSchema = {
  user: mysqlTable("user", {
    id: varchar("id", { length: 36 }).primaryKey(),
    name: varchar("name", { length: 255 }).notNull(),
    email: varchar("email", { length: 255 }).notNull().unique(),
    emailVerified: myBoolean("email_verified").default(false).notNull(),
    image: myText("image"),
    createdAt: myTimestamp("created_at", myNow).defaultNow().notNull(),
    updatedAt: myTimestamp("updated_at", myNow).defaultNow().$onUpdate(() => new Date()).notNull(),
  }),
  session: mysqlTable("session", {
    id: varchar("id", { length: 36 }).primaryKey(),
    expiresAt: myTimestamp("expires_at", myNow).notNull(),
    token: varchar("token", { length: 255 }).notNull().unique(),
    createdAt: myTimestamp("created_at", myNow).defaultNow().notNull(),
    updatedAt: myTimestamp("updated_at", myNow).$onUpdate(() => new Date()).notNull(),
    ipAddress: myText("ip_address"),
    userAgent: myText("user_agent"),
    userId: varchar("user_id", { length: 36 }).notNull(),
  }, (t) => [myIndex("session_userId_idx").on(t.userId)]),
  account: mysqlTable("account", {
    id: varchar("id", { length: 36 }).primaryKey(),
    accountId: myText("account_id").notNull(),
    providerId: myText("provider_id").notNull(),
    userId: varchar("user_id", { length: 36 }).notNull(),
    accessToken: myText("access_token"),
    refreshToken: myText("refresh_token"),
    idToken: myText("id_token"),
    accessTokenExpiresAt: myTimestamp("access_token_expires_at", myNow),
    refreshTokenExpiresAt: myTimestamp("refresh_token_expires_at", myNow),
    scope: myText("scope"),
    password: myText("password"),
    createdAt: myTimestamp("created_at", myNow).defaultNow().notNull(),
    updatedAt: myTimestamp("updated_at", myNow).$onUpdate(() => new Date()).notNull(),
  }, (t) => [myIndex("account_userId_idx").on(t.userId)]),
  verification: mysqlTable("verification", {
    id: varchar("id", { length: 36 }).primaryKey(),
    identifier: varchar("identifier", { length: 255 }).notNull(),
    value: myText("value").notNull(),
    expiresAt: myTimestamp("expires_at", myNow).notNull(),
    createdAt: myTimestamp("created_at", myNow).defaultNow().notNull(),
    updatedAt: myTimestamp("updated_at", myNow).defaultNow().$onUpdate(() => new Date()).notNull(),
  }, (t) => [myIndex("verification_identifier_idx").on(t.identifier)]),
};

const MYSQL_DDL = [
  "CREATE TABLE `user` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, `email` varchar(255) NOT NULL, `email_verified` boolean NOT NULL DEFAULT false, `image` text, `created_at` timestamp(3) NOT NULL DEFAULT (now()), `updated_at` timestamp(3) NOT NULL DEFAULT (now()), CONSTRAINT `user_id` PRIMARY KEY(`id`), CONSTRAINT `user_email_unique` UNIQUE(`email`))",
  "CREATE TABLE `session` (`id` varchar(36) NOT NULL, `expires_at` timestamp(3) NOT NULL, `token` varchar(255) NOT NULL, `created_at` timestamp(3) NOT NULL DEFAULT (now()), `updated_at` timestamp(3) NOT NULL, `ip_address` text, `user_agent` text, `user_id` varchar(36) NOT NULL, CONSTRAINT `session_id` PRIMARY KEY(`id`), CONSTRAINT `session_token_unique` UNIQUE(`token`))",
  "CREATE TABLE `account` (`id` varchar(36) NOT NULL, `account_id` text NOT NULL, `provider_id` text NOT NULL, `user_id` varchar(36) NOT NULL, `access_token` text, `refresh_token` text, `id_token` text, `access_token_expires_at` timestamp(3) NULL, `refresh_token_expires_at` timestamp(3) NULL, `scope` text, `password` text, `created_at` timestamp(3) NOT NULL DEFAULT (now()), `updated_at` timestamp(3) NOT NULL, CONSTRAINT `account_id` PRIMARY KEY(`id`))",
  "CREATE TABLE `verification` (`id` varchar(36) NOT NULL, `identifier` varchar(255) NOT NULL, `value` text NOT NULL, `expires_at` timestamp(3) NOT NULL, `created_at` timestamp(3) NOT NULL DEFAULT (now()), `updated_at` timestamp(3) NOT NULL DEFAULT (now()), CONSTRAINT `verification_id` PRIMARY KEY(`id`))",
  "ALTER TABLE `session` ADD CONSTRAINT `session_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE cascade ON UPDATE no action",
  "ALTER TABLE `account` ADD CONSTRAINT `account_user_id_user_id_fk` FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON DELETE cascade ON UPDATE no action",
  "CREATE INDEX `session_userId_idx` ON `session` (`user_id`)",
  "CREATE INDEX `account_userId_idx` ON `account` (`user_id`)",
  "CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`)",
];

// Better Auth's own migrator's PostgreSQL schema (camelCase columns), for Kysely
const KYSELY_PG_DDL = [
  `create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)`,
  `create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)`,
  `create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null)`,
  `create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)`,
  `create index "session_userId_idx" on "session" ("userId")`,
  `create index "account_userId_idx" on "account" ("userId")`,
  `create index "verification_identifier_idx" on "verification" ("identifier")`,
];

// ---------------------------------------------------------------------------------------------
// Fresh databases, each with `adapter()` (what the app passes as `database`) and `rows()`
// (counts and the user row, read through the ORM)

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
cleanups.push(() => admin.end());

/** A fresh PostgreSQL schema; `pool` has it as its search_path. */
async function pgNamespace(ddl, max = 10) {
  const ns = "ba_adapt_" + crypto.randomBytes(5).toString("hex");
  await admin.query(`create schema ${ns}`);
  const pool = new pg.Pool({ connectionString: PG_URL, max, options: `-c search_path=${ns}` });
  for (const s of ddl) await pool.query(s);
  cleanups.push(async () => {
    await pool.end();
    await admin.query(`drop schema ${ns} cascade`);
  });
  return pool;
}

async function drizzlePgDb({ jwks = false, twoFactor = false, rateLimit = false } = {}) {
  const ddl = [...PG_DDL, ...(jwks ? [PG_JWKS_DDL] : []), ...(twoFactor ? PG_2FA_DDL : []), ...(rateLimit ? [PG_RATE_LIMIT_DDL] : [])];
  const pool = await pgNamespace(ddl, 20);
  const schema = {
    ...pgSchema,
    ...(jwks ? { jwks: pgJwks } : {}),
    ...(twoFactor ? { user: pgUser2fa, twoFactor: pgTwoFactor } : {}),
    ...(rateLimit ? { rateLimit: pgRateLimit } : {}),
  };
  const db = drizzlePg(pool, { schema });
  return {
    pool,
    db,
    adapter: () => drizzleAdapter(db, { provider: "pg", schema }),
    rows: async () => ({
      users: await db.select().from(pgSchema.user),
      accounts: await db.select().from(pgSchema.account),
      sessions: await db.select().from(pgSchema.session),
    }),
  };
}

const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** A fresh MariaDB/MySQL database with the drizzle-kit DDL. */
async function drizzleMysqlDb() {
  const name = "ba_adapt_" + crypto.randomBytes(5).toString("hex");
  const admin = await mysql.createConnection(MY_URL);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(MY_URL);
  url.pathname = "/" + name;
  const pool = mysql.createPool({ uri: url.toString(), connectionLimit: 20, timezone: "Z" });
  for (const s of MYSQL_DDL) await pool.query(s);
  cleanups.push(async () => {
    await pool.query(`drop database ${name}`);
    await pool.end();
  });
  const db = drizzleMysql(pool, { schema: mysqlSchema, mode: "default" });
  return {
    pool,
    db,
    adapter: () => drizzleAdapter(db, { provider: "mysql", schema: mysqlSchema }),
    rows: async () => ({
      users: await db.select().from(mysqlSchema.user),
      accounts: await db.select().from(mysqlSchema.account),
      sessions: await db.select().from(mysqlSchema.session),
    }),
  };
}

function drizzleSqliteDb() {
  const { file, cleanup } = tempDbFile("adapters");
  const handle = new Database(file);
  handle.pragma("journal_mode = WAL");
  for (const s of SQLITE_DDL) handle.exec(s);
  const db = drizzleSqlite(handle, { schema: sqliteSchema });
  cleanups.push(async () => {
    handle.close();
    cleanup();
  });
  return {
    db,
    adapter: () => drizzleAdapter(db, { provider: "sqlite", schema: sqliteSchema }),
    rows: async () => ({
      users: db.select().from(sqliteSchema.user).all(),
      accounts: db.select().from(sqliteSchema.account).all(),
      sessions: db.select().from(sqliteSchema.session).all(),
    }),
  };
}

function memoryDb() {
  const data = { user: [], session: [], account: [], verification: [] };
  return {
    data,
    // the memory adapter's rows have no columns: a field never written (a user's `image`) is
    // absent from better-auth's answers and null in ours (docs/COMPATIBILITY.md)
    absentIsNull: true,
    adapter: () => memoryAdapter(data),
    rows: async () => ({ users: data.user, accounts: data.account, sessions: data.session }),
  };
}

async function kyselyPgDb() {
  const pool = await pgNamespace(KYSELY_PG_DDL);
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    adapter: () => kyselyAdapter(db, { type: "postgres" }),
    rows: async () => ({
      users: await db.selectFrom("user").selectAll().execute(),
      accounts: await db.selectFrom("account").selectAll().execute(),
      sessions: await db.selectFrom("session").selectAll().execute(),
    }),
  };
}

/**
 * A third-party adapter made with Better Auth's `createAdapterFactory`: rows in plain arrays,
 * no native dates, booleans or JSON (the factory stores them as ISO text, 0/1 and text), and a
 * unique email enforced with PostgreSQL's error code, as a SQL driver would report it.
 */
function customFactoryDb() {
  const tables = new Map();
  const rowsOf = (model) => {
    if (!tables.has(model)) tables.set(model, []);
    return tables.get(model);
  };
  const test1 = (row, w) => {
    const v = row[w.field];
    switch (w.operator) {
      case "eq": return w.value === null ? v == null : v === w.value;
      case "ne": return w.value === null ? v != null : v !== w.value;
      case "lt": return v < w.value;
      case "lte": return v <= w.value;
      case "gt": return v > w.value;
      case "gte": return v >= w.value;
      case "in": return w.value.includes(v);
      case "not_in": return !w.value.includes(v);
      case "contains": return String(v).includes(w.value);
      case "starts_with": return String(v).startsWith(w.value);
      case "ends_with": return String(v).endsWith(w.value);
      default: throw new Error(`operator ${w.operator}`);
    }
  };
  const matches = (row, where = []) => {
    const and = where.filter((w) => w.connector !== "OR");
    const or = where.filter((w) => w.connector === "OR");
    return and.every((w) => test1(row, w)) && (or.length === 0 || or.some((w) => test1(row, w)));
  };
  const kvAdapter = () =>
    createAdapterFactory({
      config: { adapterId: "kv-test", adapterName: "KV test adapter", supportsDates: false, supportsBooleans: false, supportsJSON: false },
      adapter: () => ({
        create: async ({ model, data }) => {
          const rows = rowsOf(model);
          if (model === "user" && rows.some((r) => r.email === data.email)) {
            throw Object.assign(new Error('duplicate key value violates unique constraint "user_email_key"'), { code: "23505" });
          }
          rows.push({ ...data });
          return { ...data };
        },
        findOne: async ({ model, where }) => {
          const r = rowsOf(model).find((x) => matches(x, where));
          return r ? { ...r } : null;
        },
        findMany: async ({ model, where, limit, offset, sortBy }) => {
          let rows = rowsOf(model).filter((x) => matches(x, where));
          if (sortBy) rows = [...rows].sort((a, b) => (a[sortBy.field] < b[sortBy.field] ? -1 : a[sortBy.field] > b[sortBy.field] ? 1 : 0) * (sortBy.direction === "desc" ? -1 : 1));
          return rows.slice(offset ?? 0, limit === undefined ? undefined : (offset ?? 0) + limit).map((r) => ({ ...r }));
        },
        count: async ({ model, where }) => rowsOf(model).filter((x) => matches(x, where)).length,
        update: async ({ model, where, update }) => {
          const r = rowsOf(model).find((x) => matches(x, where));
          if (!r) return null;
          Object.assign(r, update);
          return { ...r };
        },
        updateMany: async ({ model, where, update }) => {
          const rows = rowsOf(model).filter((x) => matches(x, where));
          for (const r of rows) Object.assign(r, update);
          return rows.length;
        },
        delete: async ({ model, where }) => {
          const rows = rowsOf(model);
          const i = rows.findIndex((x) => matches(x, where));
          if (i >= 0) rows.splice(i, 1);
        },
        deleteMany: async ({ model, where }) => {
          const rows = rowsOf(model);
          const keep = rows.filter((x) => !matches(x, where));
          const n = rows.length - keep.length;
          rows.splice(0, rows.length, ...keep);
          return n;
        },
      }),
    });
  return {
    absentIsNull: true, // rows hold only the keys written (see memoryDb)
    adapter: kvAdapter,
    rows: async () => ({ users: rowsOf("user"), accounts: rowsOf("account"), sessions: rowsOf("session") }),
  };
}

const BACKENDS = {
  "memoryAdapter": memoryDb,
  "drizzleAdapter + better-sqlite3": drizzleSqliteDb,
  "drizzleAdapter + node-postgres": drizzlePgDb,
  "drizzleAdapter + mysql2 (MariaDB)": drizzleMysqlDb,
  "kyselyAdapter + node-postgres": kyselyPgDb,
  "createAdapterFactory (third-party; no native dates, booleans, JSON)": customFactoryDb,
};


for (const [name, open] of Object.entries(BACKENDS)) {
  describe(`adapters: ${name}`, () => {
    test("email verification and password reset: as better-auth", async () => {
      const runs = [];
      for (const kind of KINDS) {
        const db = await open();
        const mail = { verify: [], reset: [] };
        const ctx = new Ctx(kind, makeAuth(kind, db.adapter(), mailOptions(mail)));
        if (db.absentIsNull) {
          const send = ctx.send.bind(ctx);
          ctx.send = (label, method, path, opts = {}) => send(label, method, path, { ...opts, reorder: (j) => withoutNullImage(opts.reorder ? opts.reorder(j) : j) });
        }
        try {
          await mailFlows(ctx, db, mail);
        } catch (e) {
          if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
          throw e;
        }
        runs.push(ctx);
      }
      compareRuns(runs);
    });

    test("sign-up, sign-in, sessions, change password, sign-out, delete user: as better-auth", async () => {
      const runs = [];
      for (const kind of KINDS) {
        const db = await open();
        const ctx = new Ctx(kind, makeAuth(kind, db.adapter()));
        if (db.absentIsNull) {
          const send = ctx.send.bind(ctx);
          ctx.send = (label, method, path, opts = {}) => send(label, method, path, { ...opts, reorder: (j) => withoutNullImage(opts.reorder ? opts.reorder(j) : j) });
        }
        try {
          await flows(ctx, db);
        } catch (e) {
          if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
          throw e;
        }
        runs.push(ctx);
      }
      compareRuns(runs);
    });

    test("auth.api answers with Date objects, and a missing session is null", async () => {
      const db = await open();
      const auth = makeAuth("ours", db.adapter());
      const r = await auth.api.signUpEmail({ body: { name: "Bo", email: "bo@example.com", password: PW }, returnHeaders: true });
      assert.ok(r.response.user.createdAt instanceof Date);
      const headers = new Headers({ cookie: cookieHeader(r.headers.getSetCookie()) });
      const s = await auth.api.getSession({ headers });
      assert.equal(s.user.email, "bo@example.com");
      assert.ok(s.session.expiresAt instanceof Date);
      assert.equal(await auth.api.getSession({ headers: new Headers({ cookie: "better-auth.session_token=nope.nope" }) }), null);
    });
  });
}

describe("adapters: drizzleAdapter + node-postgres under load", () => {
  test("50 concurrent sign-ups with one email: exactly one user, 49 × 422, no orphan rows", async () => {
    const db = await drizzlePgDb();
    const auth = makeAuth("ours", db.adapter());
    const body = JSON.stringify({ name: "Race", email: "race@example.com", password: PW });
    const res = await Promise.all(
      Array.from({ length: 50 }, () =>
        auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body })),
      ),
    );
    const statuses = res.map((r) => r.status).sort();
    const codes = await Promise.all(res.filter((r) => r.status !== 200).map(async (r) => (await r.json()).code));
    assert.deepEqual(statuses, [200, ...Array(49).fill(422)]);
    assert.ok(codes.every((c) => c === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"), codes.join(","));
    const { users, accounts, sessions } = await db.rows();
    assert.equal(users.length, 1);
    assert.deepEqual(accounts.map((a) => a.userId), [users[0].id]);
    assert.deepEqual(sessions.map((s) => s.userId), [users[0].id]);
    // nothing references a user that is not there
    const orphans = await db.pool.query(`select count(*)::int n from account a left join "user" u on u.id = a.user_id where u.id is null`);
    assert.equal(orphans.rows[0].n, 0);
  });

  test("list-sessions with 120 expired session rows older than the live ones: the live sessions are listed (the expiry is in the adapter's query, past its default limit of 100), as better-auth", async () => {
    const answers = {};
    for (const kind of KINDS) {
      const db = await drizzlePgDb();
      const auth = makeAuth(kind, db.adapter());
      const email = "many@example.com";
      const up = await auth.api.signUpEmail({ body: { name: "Many", email, password: PW }, returnHeaders: true });
      const userId = up.response.user.id;
      // expired rows, all created before the live ones (oldest first they fill any 100-row page)
      const long = Date.now() - 30 * 86400_000;
      await db.db.insert(pgSchema.session).values(
        Array.from({ length: 120 }, (_, i) => ({
          id: `expired-${i}`,
          token: `expired-token-${i}`,
          userId,
          expiresAt: new Date(long + i * 1000 + 3600_000),
          createdAt: new Date(long + i * 1000),
          updatedAt: new Date(long + i * 1000),
        })),
      );
      const si = await auth.api.signInEmail({ body: { email, password: PW }, returnHeaders: true });
      const headers = new Headers({ cookie: cookieHeader(si.headers.getSetCookie()) });
      const list = await auth.api.listSessions({ headers });
      const live = [up.response.token, si.response.token].sort();
      assert.deepEqual(list.map((s) => s.token).sort(), live, `[${kind}] the live sessions`);
      assert.ok(list.every((s) => s.expiresAt instanceof Date && s.expiresAt.getTime() > Date.now()), `[${kind}] none expired`);
      const { sessions } = await db.rows();
      assert.equal(sessions.length, 122, `[${kind}] the expired rows are still there`);
      answers[kind] = list.length;
    }
    assert.deepEqual(answers, { [REFERENCE]: 2, ours: 2 });
  });

  test("dates reach drizzle as Date objects and come back exact; booleans stay booleans", async () => {
    const db = await drizzlePgDb();
    const auth = makeAuth("ours", db.adapter());
    const r = await auth.api.signUpEmail({ body: { name: "D", email: "d@example.com", password: PW } });
    const [row] = await db.db.select().from(pgSchema.user).where(eq(pgSchema.user.email, "d@example.com"));
    assert.ok(row.createdAt instanceof Date);
    assert.equal(row.createdAt.getTime(), r.user.createdAt.getTime());
    assert.equal(row.emailVerified, false);
    const raw = await db.pool.query(`select email_verified, created_at from "user" where email = 'd@example.com'`);
    assert.equal(typeof raw.rows[0].email_verified, "boolean");
  });
});

describe("adapters: drizzleAdapter + node-postgres with usePlural, a renamed user model and additional fields", () => {
  const { pgTable, text, timestamp, boolean, integer } = require("drizzle-orm/pg-core");
  const schema = {
    members: pgTable("members", {
      id: text("id").primaryKey(),
      name: text("name").notNull(),
      email: text("email").notNull().unique(),
      emailVerified: boolean("email_verified").default(false).notNull(),
      image: text("image"),
      createdAt: timestamp("created_at").defaultNow().notNull(),
      updatedAt: timestamp("updated_at").defaultNow().notNull(),
      plan: text("plan").default("free"),
      age: integer("age"),
    }),
    sessions: pgTable("sessions", {
      id: text("id").primaryKey(),
      expiresAt: timestamp("expires_at").notNull(),
      token: text("token").notNull().unique(),
      createdAt: timestamp("created_at").defaultNow().notNull(),
      updatedAt: timestamp("updated_at").notNull(),
      ipAddress: text("ip_address"),
      userAgent: text("user_agent"),
      userId: text("user_id").notNull(),
    }),
    accounts: pgTable("accounts", {
      id: text("id").primaryKey(),
      accountId: text("account_id").notNull(),
      providerId: text("provider_id").notNull(),
      userId: text("user_id").notNull(),
      accessToken: text("access_token"),
      refreshToken: text("refresh_token"),
      idToken: text("id_token"),
      accessTokenExpiresAt: timestamp("access_token_expires_at"),
      refreshTokenExpiresAt: timestamp("refresh_token_expires_at"),
      scope: text("scope"),
      password: text("password"),
      createdAt: timestamp("created_at").defaultNow().notNull(),
      updatedAt: timestamp("updated_at").notNull(),
    }),
    verifications: pgTable("verifications", {
      id: text("id").primaryKey(),
      identifier: text("identifier").notNull(),
      value: text("value").notNull(),
      expiresAt: timestamp("expires_at").notNull(),
      createdAt: timestamp("created_at").defaultNow().notNull(),
      updatedAt: timestamp("updated_at").defaultNow().notNull(),
    }),
  };
  const ddl = [
    `CREATE TABLE "members" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "email" text NOT NULL UNIQUE, "email_verified" boolean DEFAULT false NOT NULL, "image" text, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp DEFAULT now() NOT NULL, "plan" text DEFAULT 'free', "age" integer)`,
    `CREATE TABLE "sessions" ("id" text PRIMARY KEY NOT NULL, "expires_at" timestamp NOT NULL, "token" text NOT NULL UNIQUE, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp NOT NULL, "ip_address" text, "user_agent" text, "user_id" text NOT NULL REFERENCES "members"("id") ON DELETE cascade)`,
    `CREATE TABLE "accounts" ("id" text PRIMARY KEY NOT NULL, "account_id" text NOT NULL, "provider_id" text NOT NULL, "user_id" text NOT NULL REFERENCES "members"("id") ON DELETE cascade, "access_token" text, "refresh_token" text, "id_token" text, "access_token_expires_at" timestamp, "refresh_token_expires_at" timestamp, "scope" text, "password" text, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp NOT NULL)`,
    `CREATE TABLE "verifications" ("id" text PRIMARY KEY NOT NULL, "identifier" text NOT NULL, "value" text NOT NULL, "expires_at" timestamp NOT NULL, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp DEFAULT now() NOT NULL)`,
  ];
  const extra = {
    user: {
      modelName: "member",
      deleteUser: { enabled: true },
      additionalFields: { plan: { type: "string", required: false, defaultValue: "free" }, age: { type: "number", required: false } },
    },
  };

  test("sign-up with additional fields, get-session, update-user, list-sessions, delete-user: as better-auth; rows in drizzle's plural tables", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const pool = await pgNamespace(ddl);
      const db = drizzlePg(pool, { schema });
      const auth = makeAuth(kind, drizzleAdapter(db, { provider: "pg", schema, usePlural: true }), extra);
      const ctx = new Ctx(kind, auth);
      try {
        const up = await ctx.send("sign-up with age", "POST", "/sign-up/email", { json: { name: "Ada", email: "ada@example.com", password: PW, age: 36 }, headers: TRUSTED });
        expectOk(up);
        const c = cookieHeader(up.setCookies);
        const [m] = await db.select().from(schema.members);
        ctx.record("member row", { plan: m.plan, age: m.age, emailVerified: m.emailVerified, createdAtIsDate: m.createdAt instanceof Date });
        expectOk(await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: c } }));
        expectOk(await ctx.send("update-user", "POST", "/update-user", { json: { plan: "pro", age: 37 }, headers: { cookie: c, ...TRUSTED } }));
        const g = await ctx.send("get-session after update", "GET", "/get-session", { headers: { cookie: c } });
        assert.equal(g.json.user.plan, "pro");
        expectOk(await ctx.send("list-sessions", "GET", "/list-sessions", { headers: { cookie: c } }));
        expectOk(await ctx.send("delete-user", "POST", "/delete-user", { json: { password: PW }, headers: { cookie: c, ...TRUSTED } }));
        ctx.record("rows left", {
          members: (await db.select().from(schema.members)).length,
          sessions: (await db.select().from(schema.sessions)).length,
          accounts: (await db.select().from(schema.accounts)).length,
        });
      } catch (e) {
        if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
        throw e;
      }
      runs.push(ctx);
    }
    compareRuns(runs);
  });
});

describe("adapters: drizzleAdapter + node-postgres with advanced.database.joins (relations)", () => {
  test("get-session and sign-in read with one joined query, answers as better-auth", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const pool = await pgNamespace(PG_DDL);
      const schema = { ...pgSchema, ...pgRelations };
      const db = drizzlePg(pool, { schema });
      const queries = [];
      const query = pool.query.bind(pool);
      pool.query = (...args) => {
        const text = typeof args[0] === "string" ? args[0] : args[0]?.text;
        if (typeof text === "string" && /^select/i.test(text)) queries.push(text);
        return query(...args);
      };
      const auth = makeAuth(kind, drizzleAdapter(db, { provider: "pg", schema }), { advanced: { database: { joins: true } } });
      const ctx = new Ctx(kind, auth);
      const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "J", email: "j@example.com", password: PW }, headers: TRUSTED });
      expectOk(up);
      const c = cookieHeader(up.setCookies);
      queries.length = 0;
      expectOk(await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: c } }));
      ctx.record("selects for get-session", queries.length);
      assert.equal(queries.length, 1, "session and user in one query");
      queries.length = 0;
      expectOk(await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email: "j@example.com", password: PW }, headers: TRUSTED }));
      ctx.record("selects for sign-in", queries.length);
      runs.push(ctx);
    }
    compareRuns(runs);
  });
});

describe("adapters: drizzleAdapter + mysql2 (MariaDB) under load", () => {
  test("50 concurrent sign-ups with one email: exactly one user, 49 × 422 (ER_DUP_ENTRY), no orphan rows", async () => {
    const db = await drizzleMysqlDb();
    const auth = makeAuth("ours", db.adapter());
    const body = JSON.stringify({ name: "Race", email: "race@example.com", password: PW });
    const res = await Promise.all(
      Array.from({ length: 50 }, () =>
        auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body })),
      ),
    );
    assert.deepEqual(res.map((r) => r.status).sort(), [200, ...Array(49).fill(422)]);
    const { users, accounts, sessions } = await db.rows();
    assert.equal(users.length, 1);
    assert.deepEqual(accounts.map((a) => a.userId), [users[0].id]);
    assert.deepEqual(sessions.map((s) => s.userId), [users[0].id]);
  });
});

describe("adapters: the jwt plugin's keys through drizzleAdapter + node-postgres", () => {
  const { jwt } = require("../js/plugins.js");
  const { jwt: baJwt } = require("better-auth/plugins");
  for (const [label, plugin] of [["better-auth-rs/plugins jwt()", jwt], ["better-auth/plugins jwt()", baJwt]]) {
    test(`${label}: /token is verified with /jwks; the key row is written through drizzle`, async () => {
      const db = await drizzlePgDb({ jwks: true });
      const auth = makeAuth("ours", db.adapter(), { plugins: [plugin()] });
      const up = await auth.api.signUpEmail({ body: { name: "J", email: "j@example.com", password: PW }, returnHeaders: true });
      const cookie = cookieHeader(up.headers.getSetCookie());
      const t = await auth.handler(new Request(BASE_URL + "/api/auth/token", { headers: { cookie } }));
      assert.equal(t.status, 200);
      const { token } = await t.json();
      const k = await auth.handler(new Request(BASE_URL + "/api/auth/jwks"));
      assert.equal(k.status, 200);
      const set = await k.json();
      assert.equal(set.keys.length, 1);
      const { createLocalJWKSet, jwtVerify } = await import("jose");
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(set), { issuer: BASE_URL, audience: BASE_URL });
      assert.equal(payload.sub, up.response.user.id);
      assert.equal(protectedHeader.kid, set.keys[0].kid);
      const rows = await db.db.select().from(pgJwks);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].id, set.keys[0].kid);
      assert.ok(rows[0].createdAt instanceof Date);
      // a second token reuses the key
      const t2 = await auth.handler(new Request(BASE_URL + "/api/auth/token", { headers: { cookie } }));
      assert.equal(t2.status, 200);
      assert.equal((await db.db.select().from(pgJwks)).length, 1);
      const v = await auth.api.verifyJWT({ body: { token } });
      assert.equal(v.payload.sub, up.response.user.id);
    });
  }
});

// ---------------------------------------------------------------------------------- two-factor

function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits). */
function totp(key, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = crypto.createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const bin = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1e6).padStart(6, "0");
}
const wrongCode = (key) => String((Number(totp(key)) + 500000) % 1000000).padStart(6, "0");

/** Cookies across requests (deletions remove). */
class Jar {
  constructor() {
    this.map = new Map();
  }
  take(setCookies) {
    for (const c of setCookies) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      if (/;\s*max-age=0\b/i.test(c)) this.map.delete(pair.slice(0, i));
      else this.map.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header() {
    return [...this.map].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Random values replaced by placeholders, so the two runs compare. */
function scrub(v) {
  return JSON.parse(
    JSON.stringify(v)
      .replace(/[A-Za-z0-9_-]{43}!trust-device-[A-Za-z0-9_-]{32}/g, "<trust>")
      .replace(/trust-device-[A-Za-z0-9_-]{32}/g, "<trust-id>")
      .replace(/2fa-attempts-2fa-[A-Za-z0-9_-]{20}/g, "<2fa-attempts>")
      .replace(/2fa-[A-Za-z0-9_-]{20}/g, "<2fa>")
      .replace(/secret=[A-Z2-7]+/g, "secret=<base32>")
      .replace(/"[A-Za-z0-9]{5}-[A-Za-z0-9]+"/g, '"<code>"'),
  );
}

describe("adapters: twoFactor() through drizzleAdapter + node-postgres", () => {
  test("enable, verify, sign-in interception, verify-totp, a backup code, lock-out after wrong codes: as better-auth; rows through drizzle", async () => {
    const { twoFactor } = require("better-auth/plugins");
    const runs = [];
    for (const kind of KINDS) {
      const db = await drizzlePgDb({ twoFactor: true });
      const auth = makeAuth(kind, db.adapter(), { appName: "My App", plugins: [twoFactor({ accountLockout: { maxFailedAttempts: 3 } })] });
      const ctx = new Ctx(kind, auth);
      const post = async (label, path, json, jar) => {
        const r = await ctx.send(label, "POST", path, { json, headers: { ...TRUSTED, ...(jar.map.size ? { cookie: jar.header() } : {}) } });
        jar.take(r.setCookies);
        return r;
      };
      try {
        const jar = new Jar();
        assert.equal((await post("sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar)).status, 200);
        const e = await post("enable", "/two-factor/enable", { password: PW }, jar);
        assert.equal(e.status, 200, e.text);
        const key = base32Decode(new URL(e.json.totpURI).searchParams.get("secret"));
        const v = await post("verify-totp (first)", "/two-factor/verify-totp", { code: totp(key) }, jar);
        assert.equal(v.status, 200, v.text);
        const [u] = await db.db.select().from(pgUser2fa);
        const [tf] = await db.db.select().from(pgTwoFactor);
        ctx.record("rows after enabling", { twoFactorEnabled: u.twoFactorEnabled, verified: tf.verified, failed: tf.failedVerificationCount, userIdOk: tf.userId === u.id });
        await post("sign-out", "/sign-out", {}, jar);
        const si = await post("sign-in (intercepted)", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
        assert.equal(si.json?.twoFactorRedirect, true, si.text);
        const ok = await post("verify-totp", "/two-factor/verify-totp", { code: totp(key) }, jar);
        assert.equal(ok.status, 200, ok.text);
        await post("sign-out again", "/sign-out", {}, jar);
        await post("sign-in (intercepted) again", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
        const bc = await post("verify-backup-code", "/two-factor/verify-backup-code", { code: e.json.backupCodes[0] }, jar);
        assert.equal(bc.status, 200, bc.text);
        const reuse = await post("the same backup code again", "/two-factor/verify-backup-code", { code: e.json.backupCodes[0] }, jar);
        assert.notEqual(reuse.status, 200);
        await post("sign-out third", "/sign-out", {}, jar);
        await post("sign-in (intercepted) third", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
        for (let i = 1; i <= 4; i++) await post(`wrong code ${i}`, "/two-factor/verify-totp", { code: wrongCode(key) }, jar);
        const [locked] = await db.db.select().from(pgTwoFactor);
        ctx.record("rows after wrong codes", { failed: locked.failedVerificationCount, locked: locked.lockedUntil instanceof Date });
        const d = await post("disable", "/two-factor/disable", { password: PW }, jar);
        ctx.record("disable status", d.status);
      } catch (err) {
        if (err && typeof err.message === "string") err.message = `[${kind}] ${err.message}`;
        throw err;
      }
      ctx.steps = scrub(ctx.steps);
      runs.push(ctx);
    }
    compareRuns(runs);
  });
});

// ------------------------------------------------------------------- rate limits and lockout

describe("adapters: counters in the rateLimit table through drizzleAdapter + node-postgres", () => {
  test('rateLimit.storage "database": the 4th sign-in in the window is 429, counted in drizzle\'s table', async () => {
    const db = await drizzlePgDb({ rateLimit: true });
    const auth = makeAuth("ours", db.adapter(), {
      rateLimit: { enabled: true, storage: "database", customRules: { "/sign-in/email": { window: 60, max: 3 } } },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const r = await auth.handler(new Request(BASE_URL + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.7", ...TRUSTED }, body: JSON.stringify({ email: "nobody@example.com", password: PW }) }));
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const rows = await db.db.select().from(pgRateLimit);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].count, 3);
    assert.equal(typeof rows[0].lastRequest, "number");
  });

  test('memoryAdapter (no unique constraints): one counter row per key, the 4th sign-in is 429', async () => {
    const db = memoryDb();
    db.data.rateLimit = [];
    const auth = makeAuth("ours", db.adapter(), { rateLimit: { enabled: true, storage: "database", customRules: { "/sign-in/email": { window: 60, max: 3 } } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const r = await auth.handler(new Request(BASE_URL + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body: JSON.stringify({ email: "nobody@example.com", password: PW }) }));
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    assert.equal(db.data.rateLimit.length, 1);
    assert.equal(db.data.rateLimit[0].count, 3);
  });

  test("emailAndPassword.accountLockout: locked after 3 failures, counter rows through the adapter", async () => {
    const db = await drizzlePgDb({ rateLimit: true });
    const auth = makeAuth("ours", db.adapter(), { emailAndPassword: { enabled: true, accountLockout: { maxFailedAttempts: 3, duration: 600 } } });
    await auth.api.signUpEmail({ body: { name: "L", email: "l@example.com", password: PW } });
    const signIn = (password) =>
      auth.handler(new Request(BASE_URL + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body: JSON.stringify({ email: "l@example.com", password }) }));
    for (let i = 0; i < 3; i++) assert.equal((await signIn("wrong-password-1")).status, 401);
    const locked = await signIn(PW);
    assert.notEqual(locked.status, 200, "the right password is refused while locked");
    const rows = await db.db.select().from(pgRateLimit);
    assert.equal(rows.length, 1);
    assert.match(rows[0].key, /^lockout\|/);
    assert.equal(rows[0].count, 3);
  });
});

// ------------------------------------------------------------------------------------- Prisma 7

// Better Auth's CLI output for Prisma (camelCase columns, `@@map` to the singular table names),
// generated offline here: `prisma generate` only needs the query compiler that ships in npm; the
// schema engine it would download is never used (PRISMA_SCHEMA_ENGINE_BINARY points at a file).
const PRISMA_SCHEMA = `generator client {
  provider = "prisma-client-js"
  output   = "./client"
}

datasource db {
  provider = "postgresql"
}

${PRISMA_MODELS}`;

let prismaClientClass;
/** The generated `PrismaClient` class (generated once per run into test-artifacts/). */
async function generatedPrismaClient() {
  if (prismaClientClass) return prismaClientClass;
  const { PrismaClient, dir } = generatePrismaClient(PRISMA_SCHEMA);
  const fs = await import("node:fs");
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  prismaClientClass = PrismaClient;
  return prismaClientClass;
}

/** A fresh PostgreSQL schema behind Prisma 7 with @prisma/adapter-pg. */
async function prismaPgDb() {
  const PrismaClient = await generatedPrismaClient();
  const { PrismaPg } = require("@prisma/adapter-pg");
  const { prismaAdapter } = require("../js/adapters/prisma.js");
  const pool = await pgNamespace(PRISMA_PG_DDL);
  const ns = (await pool.query("select current_schema() as s")).rows[0].s;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 10 }, { schema: ns }) });
  cleanups.push(() => prisma.$disconnect());
  return {
    prisma,
    adapter: () => prismaAdapter(prisma, { provider: "postgresql" }),
    rows: async () => ({ users: await prisma.user.findMany(), accounts: await prisma.account.findMany(), sessions: await prisma.session.findMany() }),
  };
}

describe("adapters: prismaAdapter + Prisma 7 (@prisma/adapter-pg)", () => {
  for (const [label, run] of [
    ["sign-up, sign-in, sessions, change password, sign-out, delete user", (ctx, db) => flows(ctx, db)],
    ["email verification and password reset", (ctx, db, mail) => mailFlows(ctx, db, mail)],
  ]) {
    test(`${label}: as better-auth; rows through Prisma`, async () => {
      const runs = [];
      for (const kind of KINDS) {
        const db = await prismaPgDb();
        const mail = { verify: [], reset: [] };
        const ctx = new Ctx(kind, makeAuth(kind, db.adapter(), mailOptions(mail)));
        try {
          await run(ctx, db, mail);
        } catch (e) {
          if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
          throw e;
        }
        runs.push(ctx);
      }
      compareRuns(runs);
    });
  }

  test("50 concurrent sign-ups with one email: exactly one user, 49 × 422 (P2002), no orphan rows", async () => {
    const db = await prismaPgDb();
    const auth = makeAuth("ours", db.adapter());
    const body = JSON.stringify({ name: "Race", email: "race@example.com", password: PW });
    const res = await Promise.all(
      Array.from({ length: 50 }, () =>
        auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body })),
      ),
    );
    assert.deepEqual(res.map((r) => r.status).sort(), [200, ...Array(49).fill(422)]);
    const { users, accounts, sessions } = await db.rows();
    assert.equal(users.length, 1);
    assert.deepEqual(accounts.map((a) => a.userId), [users[0].id]);
    assert.deepEqual(sessions.map((s) => s.userId), [users[0].id]);
  });
});

describe("adapters: ids", () => {
  test("advanced.database.generateId is called by the adapter once per created row, as in better-auth", async () => {
    const seen = {};
    for (const kind of KINDS) {
      const calls = [];
      let n = 0;
      const db = memoryDb();
      const auth = makeAuth(kind, db.adapter(), { advanced: { database: { generateId: ({ model }) => (calls.push(model), `${model}-${++n}`) } } });
      const r = await auth.api.signUpEmail({ body: { name: "I", email: "i@example.com", password: PW } });
      assert.match(r.user.id, /^user-\d+$/);
      assert.equal(db.data.account[0].userId, r.user.id);
      seen[kind] = calls.sort();
    }
    assert.deepEqual(seen.ours, seen[REFERENCE]);
  });
});

describe("adapters: with secondaryStorage", () => {
  test("sessions live in secondary storage, users and accounts in the adapter (as better-auth)", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const db = memoryDb();
      const kv = new Map();
      const secondaryStorage = {
        get: async (k) => kv.get(k) ?? null,
        set: async (k, v) => void kv.set(k, v),
        delete: async (k) => void kv.delete(k),
      };
      const ctx = new Ctx(kind, makeAuth(kind, db.adapter(), { secondaryStorage }));
      const send = ctx.send.bind(ctx);
      ctx.send = (label, method, path, opts = {}) => send(label, method, path, { ...opts, reorder: (j) => withoutNullImage(j) });
      const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "S", email: "s@example.com", password: PW }, headers: TRUSTED });
      expectOk(up);
      const c = cookieHeader(up.setCookies);
      expectOk(await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: c } }));
      ctx.record("rows", { users: db.data.user.length, accounts: db.data.account.length, sessionsInAdapter: db.data.session.length, kvKeys: kv.size > 0 });
      expectOk(await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie: c, ...TRUSTED } }));
      const g = await ctx.send("get-session after sign-out", "GET", "/get-session", { headers: { cookie: c } });
      assert.equal(g.json, null);
      runs.push(ctx);
    }
    compareRuns(runs);
  });
});

describe("adapters: start-up", () => {
  test("migrate says the ORM owns the schema", async () => {
    const auth = ours.betterAuth(options(memoryDb().adapter()));
    await assert.rejects(ours.getMigrations(auth).runMigrations(), /owns the schema|not available through a database adapter/);
  });

  test("`npx better-auth-rs migrate|generate` say plainly that the ORM owns the schema", async () => {
    const { spawnSync } = await import("node:child_process");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-adapter-cli-"));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
    const config = path.join(dir, "auth.mjs");
    fs.writeFileSync(
      config,
      `import { betterAuth } from ${JSON.stringify(root + "/index.mjs")};\nimport { memoryAdapter } from ${JSON.stringify(root + "/js/adapters/memory.mjs")};\n` +
        `export const auth = betterAuth({ secret: ${JSON.stringify(SECRET)}, database: memoryAdapter({ user: [], session: [], account: [], verification: [] }), logger: { disabled: true } });\n`,
    );
    for (const command of ["migrate", "generate"]) {
      const r = spawnSync(process.execPath, [path.join(root, "bin/better-auth-rs.js"), command, "--config", config, "--yes"], { encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /its ORM owns the schema/);
      assert.match(r.stderr, /@better-auth\/cli generate/);
    }
  });

  test("a function that returns no adapter is refused", () => {
    assert.throws(() => ours.betterAuth(options(() => ({}))), /did not return a database adapter/);
  });
});
