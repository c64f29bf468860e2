// `npx better-auth-rs generate` for Better Auth adapters (js/generate/): what we write is compared
// with what Better Auth's own CLI writes for the same config, then used for real: the Drizzle
// schema is imported and drives drizzleAdapter on SQLite, PostgreSQL and MariaDB, the Prisma
// models pass `prisma validate` and `prisma generate` and drive prismaAdapter on PostgreSQL, and
// the Kysely SQL runs on all three before kyselyAdapter serves sign-up / sign-in / get-session.
//
// Better Auth's CLI is the `auth` package (1.7.7, the newest; `@better-auth/cli` stops at 1.4),
// run from node_modules through its `auth/api` export (`generateSchema`, what `npx auth generate`
// calls). It declares Node >= 22.12: on Node 20 the one thing missing is `Object.groupBy` (Node
// 21), which its Prisma-schema parser (chevrotain, through @mrleebo/prisma-ast) calls while
// loading; the test adds that single function before importing it. For Kysely, Better Auth's CLI
// writes what its migrator compiles against the live database (`getMigrations(options)
// .compileMigrations()`), so the reference is that, from better-auth 1.7.25, on empty databases.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { generateSchema } = require("../js/generate/index.js");
const { betterAuth } = require("../index.js");
const { drizzleAdapter } = require("@better-auth/drizzle-adapter");
const { prismaAdapter } = require("@better-auth/prisma-adapter");
const { kyselyAdapter } = require("@better-auth/kysely-adapter");
const { admin } = require("../js/plugins/admin.js");
const { twoFactor } = require("../js/plugins/two-factor.js");
const { username } = require("../js/plugins/username.js");
const { jwt } = require("../js/plugins/jwt.js");
const pg = require("pg");
const mysql = require("mysql2/promise");
const Database = require("better-sqlite3");
const { Kysely, PostgresDialect, MysqlDialect, SqliteDialect } = require("kysely");
const { getMigrations } = await import("better-auth/db/migration");

Object.groupBy ??= (items, key) => {
  const out = Object.create(null);
  let i = 0;
  for (const item of items) (out[key(item, i++)] ??= []).push(item);
  return out;
};
const cli = await import("auth/api");

const PG_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL = { host: "127.0.0.1", port: 3306, user: "root", database: "test" };
const SECRET = "generate-test-secret-0123456789abcdef0123456789";
const PW = "correct horse battery staple";
const TAG = `gen_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
const artifacts = path.join(root, "test-artifacts", TAG);
const cleanups = [];

before(() => fs.mkdirSync(artifacts, { recursive: true }));
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  fs.rmSync(artifacts, { recursive: true, force: true });
});

/** The configs compared and exercised: each `{ options, usePlural? }` (options without `database`). */
const CONFIGS = {
  core: { options: {} },
  plugins: { options: { plugins: [admin(), twoFactor(), username(), jwt()], rateLimit: { storage: "database", enabled: true } } },
  usePlural: { options: { plugins: [twoFactor(), jwt()] }, usePlural: true },
  renamed: {
    options: {
      user: { modelName: "users", fields: { email: "emailAddress", emailVerified: "isVerified" } },
      session: { modelName: "sessions", fields: { userId: "ownerId" } },
      account: { fields: { providerId: "provider" } },
    },
  },
  additionalFields: {
    options: {
      user: {
        additionalFields: {
          plan: { type: "string", defaultValue: "free", input: false },
          age: { type: "number", required: false },
          tags: { type: "string[]", required: false },
          meta: { type: "json", required: false },
          level: { type: ["a", "b"], required: false },
          score: { type: "number", bigint: true, required: false, index: true },
        },
      },
      session: { additionalFields: { device: { type: "string", required: false, unique: true } } },
    },
  },
  serial: { options: { advanced: { database: { generateId: "serial" } }, plugins: [twoFactor(), jwt()] } },
  uuid: { options: { advanced: { database: { generateId: "uuid" } } } },
};

const DRIZZLE = ["pg", "mysql", "sqlite"];
const PRISMA = ["postgresql", "mysql", "sqlite"];

/** A fresh directory under test-artifacts (inside the project, so bare imports resolve). */
function workDir(name, prismaMajor) {
  const dir = path.join(artifacts, `${name}-${crypto.randomBytes(3).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  if (prismaMajor) fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true, devDependencies: { prisma: `${prismaMajor}.10.0` } }));
  return dir;
}

/** Better Auth's CLI's output for `options` with `database` (what `npx auth generate` writes). */
async function theirs(options, cwd) {
  const prev = process.cwd();
  process.chdir(cwd);
  try {
    return await cli.generateSchema({ adapter: options.database(options), options });
  } finally {
    process.chdir(prev);
  }
}

// ---------------------------------------------------------------------------------------------
describe("generate: the same file as Better Auth's CLI", () => {
  for (const [name, { options, usePlural }] of Object.entries(CONFIGS)) {
    test(`drizzle (${DRIZZLE.join(", ")}): ${name}`, async () => {
      const cwd = workDir(`drizzle-${name}`);
      for (const provider of DRIZZLE) {
        const opts = { ...options, database: drizzleAdapter({}, { provider, usePlural }) };
        const ours = await generateSchema({ options: opts, cwd });
        const want = await theirs(opts, cwd);
        assert.equal(ours.fileName, "./auth-schema.ts");
        assert.equal(ours.code, want.code, `${provider}: ${name}`);
      }
    });

    test(`prisma (${PRISMA.join(", ")}), new schema.prisma: ${name}`, async () => {
      for (const major of [7, 6]) {
        const cwd = workDir(`prisma-${name}`, major);
        for (const provider of PRISMA) {
          const opts = { ...options, database: prismaAdapter({}, { provider, usePlural }) };
          const ours = await generateSchema({ options: opts, cwd });
          const want = await theirs(opts, cwd);
          assert.equal(ours.fileName, "./prisma/schema.prisma");
          assert.equal(ours.overwrite, false);
          assert.equal(ours.code, want.code, `prisma ${major}, ${provider}: ${name}`);
        }
      }
    });
  }

  test("prisma: an existing schema gains the same models and fields as with Better Auth's CLI, and nothing on a second run", async () => {
    const existing = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
}

// the app's own model stays as it is
model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId String
}

model User {
  id    String @id
  email String // kept
  name  String

  @@map("user")
}
`;
    for (const [name, { options, usePlural }] of Object.entries({ core: CONFIGS.core, plugins: CONFIGS.plugins })) {
      const ourDir = workDir(`prisma-merge-ours-${name}`, 7);
      const theirDir = workDir(`prisma-merge-theirs-${name}`, 7);
      for (const d of [ourDir, theirDir]) {
        fs.mkdirSync(path.join(d, "prisma"));
        fs.writeFileSync(path.join(d, "prisma/schema.prisma"), existing);
      }
      const opts = { ...options, database: prismaAdapter({}, { provider: "postgresql", usePlural }) };
      const ours = await generateSchema({ options: opts, cwd: ourDir });
      const want = await theirs(opts, theirDir);
      assert.equal(ours.overwrite, true);
      assert.equal(want.overwrite, true);
      // Better Auth's CLI re-prints the whole file through its Prisma parser; ours keeps the
      // app's lines and adds to them: compare the models and fields, not the layout
      assert.deepEqual(prismaModels(ours.code), prismaModels(want.code), name);
      assert.match(ours.code, /\/\/ the app's own model stays as it is\nmodel Post \{\n {2}id {7}Int {4}@id @default\(autoincrement\(\)\)/);
      fs.writeFileSync(path.join(ourDir, "prisma/schema.prisma"), ours.code);
      const again = await generateSchema({ options: opts, cwd: ourDir });
      assert.equal(again.code, "", "a second run has nothing to add");
    }
  });

  test("kysely (postgres, mysql, sqlite): the SQL Better Auth's migrator compiles for an empty database", async () => {
    const { pool, schema } = await pgSchema();
    const { pool: my } = await mysqlDatabase();
    for (const [name, { options, usePlural }] of Object.entries(CONFIGS)) {
      if (usePlural) continue; // Better Auth's migrator does not read the adapter's usePlural (see COMPATIBILITY.md)
      for (const [type, database] of [["postgres", pool], ["mysql", my], ["sqlite", new Database(":memory:")]]) {
        const want = await (await getMigrations({ ...options, database })).compileMigrations();
        const ours = await generateSchema({ options: { ...options, database: kyselyAdapter({}, { type }) }, cwd: artifacts });
        assert.match(ours.fileName, /^\.\/better-auth_migrations\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.sql$/);
        assert.equal(ours.code, want, `${type}: ${name} (schema ${schema})`);
      }
    }
  });

  test("adapters without a generator say so, as Better Auth's CLI does", async () => {
    const { memoryAdapter } = require("@better-auth/memory-adapter");
    await assert.rejects(generateSchema({ options: { database: memoryAdapter({}) } }), /memory.*no schema file to write/s);
  });
});

/** `{ Model: { field: "Type" } }` of a Prisma schema (relation and scalar fields; `@@` lines as a list). */
function prismaModels(text) {
  const out = {};
  for (const m of text.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
    const fields = {};
    const attrs = [];
    for (const line of m[2].split("\n")) {
      const t = line.trim();
      if (t.startsWith("@@")) attrs.push(t);
      else if (/^\w+\s+\w/.test(t)) {
        const [name, type] = t.split(/\s+/);
        fields[name] = type;
      }
    }
    out[m[1]] = { fields, attrs: attrs.sort() };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// databases: a fresh namespace per use, dropped at the end

let nsCount = 0;
async function pgSchema() {
  const schema = `${TAG}_${nsCount++}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 4 });
  cleanups.push(async () => {
    await pool.end();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });
  return { pool, schema };
}

async function mysqlDatabase() {
  const database = `${TAG}_${nsCount++}`;
  const conn = await mysql.createConnection(MYSQL);
  await conn.query(`create database \`${database}\``);
  await conn.end();
  const pool = mysql.createPool({ ...MYSQL, database, connectionLimit: 4 });
  cleanups.push(async () => {
    await pool.end();
    const c = await mysql.createConnection(MYSQL);
    await c.query(`drop database if exists \`${database}\``);
    await c.end();
  });
  return { pool, database };
}

function sqliteFile() {
  const file = path.join(artifacts, `${TAG}_${nsCount++}.sqlite`);
  const db = new Database(file);
  cleanups.push(async () => db.close());
  return db;
}

/** Runs `;`-separated SQL (as generate writes it) on a pg pool, a mysql2 pool or a better-sqlite3 db. */
async function runSql(db, sql) {
  for (const stmt of sql.split(/;\n\n|;$/).map((s) => s.trim()).filter(Boolean)) {
    if (db instanceof Database) db.exec(stmt);
    else await db.query(stmt);
  }
}

// ---------------------------------------------------------------------------------------------
// the flow every generated schema must carry: sign-up, sign-in, get-session through the adapter

async function flow(database, options, email = `gen-${crypto.randomBytes(4).toString("hex")}@example.com`) {
  const auth = betterAuth({
    ...options,
    secret: SECRET,
    baseURL: "http://localhost:3000",
    database,
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
  });
  const up = await auth.api.signUpEmail({ body: { name: "Gen", email, password: PW } });
  assert.equal(up.user.email, email);
  const signIn = await auth.api.signInEmail({ body: { email, password: PW }, returnHeaders: true });
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  assert.match(cookie, /better-auth\.session_token=/);
  const s = await auth.api.getSession({ headers: new Headers({ cookie }) });
  assert.ok(s, "get-session finds the session");
  assert.equal(s.user.email, email);
  assert.equal(s.user.id, up.user.id);
  const bad = await auth.api.signInEmail({ body: { email, password: "wrong password!" } }).catch((e) => e);
  assert.equal(bad.status, "UNAUTHORIZED");
  return { user: s.user, session: s.session };
}

// ---------------------------------------------------------------------------------------------
// Drizzle: the generated TypeScript, transpiled and imported; its tables created from Drizzle's
// own column metadata (what drizzle-kit reads), then used by drizzleAdapter

async function importDrizzleSchema(code, name) {
  const ts = require("typescript");
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = path.join(artifacts, `${name}-${crypto.randomBytes(3).toString("hex")}.mjs`);
  fs.writeFileSync(file, js);
  return import(pathToFileURL(file).href);
}

/** `create table` / `create index` for the schema's tables, from Drizzle's table config. */
async function drizzleDdl(schema, provider) {
  const { is, SQL, getTableName } = await import("drizzle-orm");
  const core = await import(`drizzle-orm/${provider}-core`);
  const Dialect = { pg: core.PgDialect, mysql: core.MySqlDialect, sqlite: core.SQLiteSyncDialect }[provider];
  const dialect = new Dialect();
  const q = (s) => (provider === "mysql" ? `\`${s}\`` : `"${s}"`);
  const tables = Object.values(schema).filter((v) => {
    try {
      return !!getTableName(v) && typeof core.getTableConfig(v).columns === "object";
    } catch {
      return false;
    }
  });
  // referenced tables first (a module namespace lists its exports alphabetically)
  const ordered = [];
  const deps = (t) => core.getTableConfig(t).foreignKeys.map((fk) => fk.reference().foreignTable).filter((x) => x !== t);
  while (ordered.length < tables.length) {
    const next = tables.find((t) => !ordered.includes(t) && deps(t).every((d) => ordered.includes(d)));
    assert.ok(next, "the generated tables reference each other in a cycle");
    ordered.push(next);
  }
  const creates = [];
  const indexes = [];
  for (const t of ordered) {
    const cfg = core.getTableConfig(t);
    const cols = cfg.columns.map((c) => {
      let d = `${q(c.name)} ${c.getSQLType()}`;
      if (c.generatedIdentity) d += " generated by default as identity";
      if (c.primary) d += " primary key";
      if (c.autoIncrement) d += provider === "sqlite" ? " autoincrement" : " auto_increment";
      if (c.notNull && !c.primary) d += " not null";
      if (c.isUnique) d += " unique";
      if (c.hasDefault && c.default !== undefined) {
        d += ` default ${is(c.default, SQL) ? `(${dialect.sqlToQuery(c.default).sql})` : typeof c.default === "string" ? `'${c.default}'` : provider === "sqlite" && typeof c.default === "boolean" ? Number(c.default) : c.default}`;
      }
      return d;
    });
    for (const fk of cfg.foreignKeys) {
      const r = fk.reference();
      cols.push(`foreign key (${r.columns.map((c) => q(c.name)).join(", ")}) references ${q(getTableName(r.foreignTable))} (${r.foreignColumns.map((c) => q(c.name)).join(", ")}) on delete ${fk.onDelete}`);
    }
    creates.push(`create table ${q(cfg.name)} (${cols.join(", ")})`);
    for (const ix of cfg.indexes) {
      indexes.push(`create ${ix.config.unique ? "unique " : ""}index ${q(ix.config.name)} on ${q(cfg.name)} (${ix.config.columns.map((c) => q(c.name)).join(", ")})`);
    }
  }
  return [...creates, ...indexes].join(";\n\n") + ";";
}

const DRIZZLE_RUNS = [
  ["plugins", CONFIGS.plugins],
  ["usePlural", CONFIGS.usePlural],
  ["renamed", CONFIGS.renamed],
  ["additionalFields", CONFIGS.additionalFields],
  ["serial", CONFIGS.serial],
];

describe("generate: the Drizzle schema works with drizzleAdapter", () => {
  for (const provider of DRIZZLE) {
    for (const [name, { options, usePlural }] of DRIZZLE_RUNS) {
      test(`${provider}: ${name}`, async () => {
        const { code } = await generateSchema({ options: { ...options, database: drizzleAdapter({}, { provider, usePlural }) }, cwd: artifacts });
        const schema = await importDrizzleSchema(code, `drizzle-${provider}-${name}`);
        const ddl = await drizzleDdl(schema, provider);
        let db;
        if (provider === "sqlite") {
          const sqlite = sqliteFile();
          await runSql(sqlite, ddl);
          db = (await import("drizzle-orm/better-sqlite3")).drizzle(sqlite, { schema });
        } else if (provider === "pg") {
          const { pool } = await pgSchema();
          await runSql(pool, ddl);
          db = (await import("drizzle-orm/node-postgres")).drizzle(pool, { schema });
        } else {
          const { pool } = await mysqlDatabase();
          await runSql(pool, ddl);
          db = (await import("drizzle-orm/mysql2")).drizzle(pool, { schema, mode: "default" });
        }
        const { user } = await flow(drizzleAdapter(db, { provider, schema, usePlural }), options);
        // the row, read through Drizzle itself with the generated table
        const users = schema[usePlural ? "users" : options.user?.modelName ?? "user"];
        const rows = await db.select().from(users);
        assert.equal(rows.length, 1);
        const emailKey = options.user?.fields?.email ?? "email";
        assert.equal(rows[0][emailKey], user.email);
        if (name === "serial") assert.equal(typeof rows[0].id, "number");
        if (name === "additionalFields") assert.equal(rows[0].plan, "free");
        const sessions = await db.select().from(schema[usePlural ? "sessions" : options.session?.modelName ?? "session"]);
        assert.equal(sessions.length, 2, "sign-up and sign-in each made a session");
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
describe("generate: the Kysely SQL runs, and kyselyAdapter works on it", () => {
  const RUNS = [["plugins", CONFIGS.plugins], ["renamed", CONFIGS.renamed], ["usePlural", CONFIGS.usePlural], ["serial", CONFIGS.serial]];
  for (const type of ["postgres", "mysql", "sqlite"]) {
    for (const [name, { options, usePlural }] of RUNS) {
      test(`${type}: ${name}`, async () => {
        const { code } = await generateSchema({ options: { ...options, database: kyselyAdapter({}, { type, usePlural }) }, cwd: artifacts });
        let dialect;
        if (type === "postgres") {
          const { pool } = await pgSchema();
          await runSql(pool, code);
          dialect = new PostgresDialect({ pool });
        } else if (type === "mysql") {
          const { pool, database } = await mysqlDatabase();
          await runSql(pool, code);
          const cb = require("mysql2").createPool({ ...MYSQL, database, connectionLimit: 4 });
          cleanups.push(async () => new Promise((r) => cb.end(r)));
          dialect = new MysqlDialect({ pool: cb });
        } else {
          const sqlite = sqliteFile();
          await runSql(sqlite, code);
          dialect = new SqliteDialect({ database: sqlite });
        }
        const db = new Kysely({ dialect });
        const { user } = await flow(kyselyAdapter(db, { type, usePlural }), options);
        const table = usePlural ? "users" : options.user?.modelName ?? "user";
        const rows = await db.selectFrom(table).selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0][options.user?.fields?.email ?? "email"], user.email);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
describe("generate: the Prisma models pass prisma validate / generate and work with prismaAdapter", () => {
  const prismaCli = path.join(root, "node_modules/prisma/build/index.js");
  // `prisma generate` needs no schema engine (the query compiler ships in npm); PRISMA_SCHEMA_ENGINE_BINARY
  // points at any file so Prisma does not try to download one (shared/spec/adapters.md §4)
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  const prisma = (args) => spawnSync(process.execPath, [prismaCli, ...args], { encoding: "utf8", env, timeout: 120_000 });

  for (const [name, { options, usePlural }] of Object.entries(CONFIGS)) {
    test(`prisma validate, every provider: ${name}`, async () => {
      const cwd = workDir(`prisma-validate-${name}`, 7);
      for (const provider of PRISMA) {
        const { code } = await generateSchema({ options: { ...options, database: prismaAdapter({}, { provider, usePlural }) }, cwd });
        const file = path.join(cwd, `${provider}.prisma`);
        fs.writeFileSync(file, code);
        const r = prisma(["validate", "--schema", file]);
        assert.equal(r.status, 0, `${provider}: ${r.stdout}\n${r.stderr}`);
      }
    });
  }

  for (const [name, { options, usePlural }] of [["plugins", CONFIGS.plugins], ["renamed", CONFIGS.renamed]]) {
    test(`merged into an app's schema.prisma, generated, and used on PostgreSQL: ${name}`, async () => {
      const cwd = workDir(`prisma-flow-${name}`, 7);
      fs.mkdirSync(path.join(cwd, "prisma"));
      const file = path.join(cwd, "prisma/schema.prisma");
      fs.writeFileSync(file, `generator client {\n  provider = "prisma-client-js"\n  output   = "../client"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel Post {\n  id    Int    @id @default(autoincrement())\n  title String\n}\n`);
      const { code, overwrite } = await generateSchema({ options: { ...options, database: prismaAdapter({}, { provider: "postgresql", usePlural }) }, cwd });
      assert.equal(overwrite, true);
      fs.writeFileSync(file, code);
      let r = prisma(["validate", "--schema", file]);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      r = prisma(["generate", "--schema", file]);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      // the tables: the SQL generate writes for Kysely has the same table and column names
      // (Prisma's @@map and camelCase columns), so it stands in for `prisma migrate` (offline)
      const { pool, schema } = await pgSchema();
      const { code: sql } = await generateSchema({ options: { ...options, database: kyselyAdapter({}, { type: "postgres" }) }, cwd });
      await runSql(pool, sql);
      const { PrismaClient } = require(path.join(cwd, "client"));
      const { PrismaPg } = require("@prisma/adapter-pg");
      const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 4 }, { schema }) });
      cleanups.push(() => client.$disconnect());
      const { user } = await flow(prismaAdapter(client, { provider: "postgresql", usePlural }), options);
      const users = await client[options.user?.modelName ?? "user"].findMany();
      assert.equal(users.length, 1);
      assert.equal(users[0][options.user?.fields?.email ?? "email"], user.email);
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe("npx better-auth-rs generate | migrate with an adapter", () => {
  const bin = path.join(root, "bin/better-auth-rs.js");
  const run = (cwd, ...args) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  const config = (dir, adapterImport, adapterCall) => {
    const file = path.join(dir, "auth.mjs");
    fs.writeFileSync(
      file,
      `import { betterAuth } from ${JSON.stringify(path.join(root, "index.mjs"))};\n${adapterImport}\n` +
        `import { twoFactor } from ${JSON.stringify(path.join(root, "js/plugins/two-factor.mjs"))};\n` +
        `export const auth = betterAuth({ secret: ${JSON.stringify(SECRET)}, database: ${adapterCall}, plugins: [twoFactor()], logger: { disabled: true } });\n`,
    );
    return file;
  };

  test("drizzle: writes auth-schema.ts (asks first; --yes overwrites; --output a directory), migrate exits 1 saying Drizzle owns the schema", async () => {
    const dir = workDir("cli-drizzle");
    config(dir, `import { drizzleAdapter } from "@better-auth/drizzle-adapter";`, `drizzleAdapter({}, { provider: "pg" })`);
    const want = (await generateSchema({ options: { plugins: [twoFactor()], database: drizzleAdapter({}, { provider: "pg" }) }, cwd: dir })).code;
    let r = run(dir, "generate");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to write auth-schema\.ts without confirmation; pass --yes/);
    assert.equal(fs.existsSync(path.join(dir, "auth-schema.ts")), false);
    r = run(dir, "generate", "--yes");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote auth-schema\.ts \(drizzle schema for auth\.mjs\)/);
    assert.equal(fs.readFileSync(path.join(dir, "auth-schema.ts"), "utf8"), want);
    assert.match(want, /export const twoFactor = pgTable\(/);
    r = run(dir, "generate", "--yes");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /overwrote auth-schema\.ts/);
    fs.mkdirSync(path.join(dir, "db"));
    r = run(dir, "generate", "--yes", "--output", "db");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, "db/auth-schema.ts"), "utf8"), want);
    r = run(dir, "migrate", "--yes");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Drizzle owns the schema, so migrate does not touch the database/);
    assert.match(r.stderr, /npx better-auth-rs generate/);
  });

  test("prisma: merges into prisma/schema.prisma; up to date the second time; migrate exits 1 saying Prisma owns the schema", async () => {
    const dir = workDir("cli-prisma", 7);
    config(dir, `import { prismaAdapter } from "@better-auth/prisma-adapter";`, `prismaAdapter({}, { provider: "sqlite" })`);
    let r = run(dir, "generate", "--yes");
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(path.join(dir, "prisma/schema.prisma"), "utf8");
    assert.match(text, /provider = "prisma-client"/);
    assert.match(text, /model TwoFactor \{/);
    r = run(dir, "generate", "--yes");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /already up to date/);
    r = run(dir, "migrate");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Prisma owns the schema/);
  });

  test("kysely: writes better-auth_migrations/<time>.sql or --output; migrate exits 1: kyselyAdapter keeps its Kysely instance", async () => {
    const dir = workDir("cli-kysely");
    config(dir, `import { kyselyAdapter } from "@better-auth/kysely-adapter";`, `kyselyAdapter({}, { type: "sqlite" })`);
    let r = run(dir, "generate", "--yes");
    assert.equal(r.status, 0, r.stderr);
    const files = fs.readdirSync(path.join(dir, "better-auth_migrations"));
    assert.equal(files.length, 1);
    const sql = fs.readFileSync(path.join(dir, "better-auth_migrations", files[0]), "utf8");
    assert.match(sql, /^create table "user" \("id" text not null primary key/);
    assert.match(sql, /create table "twoFactor"/);
    r = run(dir, "generate", "--yes", "--output", "schema.sql");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, "schema.sql"), "utf8"), sql);
    r = run(dir, "migrate", "--yes");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /kyselyAdapter\(db\) keeps its Kysely instance to itself/);
  });
});
