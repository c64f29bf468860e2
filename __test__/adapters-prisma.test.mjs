// Better Auth's `prismaAdapter` beyond Prisma 7 on PostgreSQL (adapters.test.mjs): Prisma 6 on
// PostgreSQL, and Prisma 7 on MariaDB through @prisma/adapter-mariadb — the parity suite's flows
// (helpers/adapter-flows.mjs) on the real better-auth and on better-auth-rs, each with
// prismaAdapter over its own fresh database, rows read back through Prisma, and the duplicate
// sign-up race.
//
// Both run offline (this machine reaches the npm registry, not Prisma's binary downloads):
// - Prisma 6.19.3 (npm aliases `prisma6`, `@prisma/client6`, `@prisma/adapter-pg6`, beside
//   Prisma 7) with `engineType = "client"`: the query compiler is WebAssembly shipped in the npm
//   package and a driver adapter talks to the database, so no Rust query engine is needed.
//   Prisma 6's default ("library") engine is not served offline: `prisma generate` and the first
//   query want `libquery_engine-<platform>.so.node` from Prisma's download host.
// - Prisma 7 needs no engine at all; `prisma generate` runs with PRISMA_SCHEMA_ENGINE_BINARY
//   pointing at a file (the schema engine is never used by generate).
// `prisma migrate` needs the native schema engine in both, so the DDL below is written out as
// `prisma migrate diff` writes it for these models.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import { BASE_URL } from "./helpers/impls.mjs";
import { PW, TRUSTED, makeAuth, flows, mailFlows, parityRun, generatePrismaClient, PRISMA_MODELS, PRISMA_PG_DDL } from "./helpers/adapter-flows.mjs";

const require = createRequire(import.meta.url);
const { prismaAdapter } = require("../js/adapters/prisma.js");

const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** One generated client per schema text and run (generating takes seconds). */
const generated = new Map();
function prismaClientFor(schema, opts) {
  if (!generated.has(schema)) {
    const { PrismaClient, dir } = generatePrismaClient(schema, opts);
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    generated.set(schema, PrismaClient);
  }
  return generated.get(schema);
}

/** The two things every parity flow needs from a database: the adapter, and rows via Prisma. */
function prismaDb(prisma, provider) {
  return {
    prisma,
    adapter: () => prismaAdapter(prisma, { provider }),
    rows: async () => ({ users: await prisma.user.findMany(), accounts: await prisma.account.findMany(), sessions: await prisma.session.findMany() }),
  };
}

/** The parity flows and the race, on `open()` databases. */
function prismaSuite(open) {
  for (const [label, run] of [
    ["sign-up, sign-in, sessions, change password, sign-out, delete user", (ctx, db) => flows(ctx, db)],
    ["email verification and password reset", (ctx, db, mail) => mailFlows(ctx, db, mail)],
  ]) {
    test(`${label}: as better-auth; rows through Prisma`, () => parityRun(open, run));
  }

  test("30 concurrent sign-ups with one email: exactly one user, 29 × 422 (P2002), no orphan rows", async () => {
    const db = await open();
    const auth = makeAuth("ours", db.adapter());
    const body = JSON.stringify({ name: "Race", email: "race@example.com", password: PW });
    const res = await Promise.all(
      Array.from({ length: 30 }, () => auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body }))),
    );
    assert.deepEqual(res.map((r) => r.status).sort(), [200, ...Array(29).fill(422)]);
    const { users, accounts, sessions } = await db.rows();
    assert.equal(users.length, 1);
    assert.deepEqual(accounts.map((a) => a.userId), [users[0].id]);
    assert.deepEqual(sessions.map((s) => s.userId), [users[0].id]);
  });
}

// ------------------------------------------------------------------------ Prisma 6 on PostgreSQL

const PRISMA6_PG_SCHEMA = `generator client {
  provider        = "prisma-client-js"
  output          = "./client"
  previewFeatures = ["queryCompiler", "driverAdapters"]
  engineType      = "client"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

${PRISMA_MODELS}`;

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
cleanups.push(() => admin.end());

async function prisma6PgDb() {
  // `generate` reads the datasource's env var (never connects); the client gets the adapter
  const PrismaClient = prismaClientFor(PRISMA6_PG_SCHEMA, { cli: "prisma6", client: "@prisma/client6", env: { DATABASE_URL: PG_URL } });
  const { PrismaPg } = require("@prisma/adapter-pg6");
  const ns = "ba_prisma6_" + crypto.randomBytes(5).toString("hex");
  await admin.query(`create schema ${ns}`);
  const ddl = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${ns}` });
  await ddl.connect();
  for (const s of PRISMA_PG_DDL) await ddl.query(s);
  await ddl.end();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 10 }, { schema: ns }) });
  cleanups.push(async () => {
    await prisma.$disconnect();
    await admin.query(`drop schema ${ns} cascade`);
  });
  return prismaDb(prisma, "postgresql");
}

describe("adapters: prismaAdapter + Prisma 6 (engineType client, @prisma/adapter-pg 6) on PostgreSQL", () => {
  test("the generated client is Prisma 6", async () => {
    const db = await prisma6PgDb();
    assert.match(db.prisma._clientVersion ?? db.prisma._engineConfig?.clientVersion ?? "", /^6\./);
  });
  prismaSuite(prisma6PgDb);
});

// ---------------------------------------------------------------- Prisma 7 on MariaDB / MySQL

// On MySQL, Better Auth's Prisma generator types the strings that are neither unique, indexed
// nor references as `@db.Text`
const TEXT_FIELDS = ["name", "image", "ipAddress", "userAgent", "accountId", "providerId", "accessToken", "refreshToken", "idToken", "scope", "password", "value"];
const PRISMA_MYSQL_MODELS = PRISMA_MODELS.replace(new RegExp(`^(\\s+(?:${TEXT_FIELDS.join("|")})\\s+String\\??)`, "gm"), "$1 @db.Text");

const PRISMA7_MYSQL_SCHEMA = `generator client {
  provider = "prisma-client-js"
  output   = "./client"
}

datasource db {
  provider = "mysql"
}

${PRISMA_MYSQL_MODELS}`;

// what `prisma migrate diff` writes for those models on MySQL
const PRISMA_MYSQL_DDL = [
  "CREATE TABLE `user` (`id` VARCHAR(191) NOT NULL, `name` TEXT NOT NULL, `email` VARCHAR(191) NOT NULL, `emailVerified` BOOLEAN NOT NULL DEFAULT false, `image` TEXT NULL, `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), UNIQUE INDEX `user_email_key`(`email`), PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
  "CREATE TABLE `session` (`id` VARCHAR(191) NOT NULL, `expiresAt` DATETIME(3) NOT NULL, `token` VARCHAR(191) NOT NULL, `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updatedAt` DATETIME(3) NOT NULL, `ipAddress` TEXT NULL, `userAgent` TEXT NULL, `userId` VARCHAR(191) NOT NULL, INDEX `session_userId_idx`(`userId`), UNIQUE INDEX `session_token_key`(`token`), PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
  "CREATE TABLE `account` (`id` VARCHAR(191) NOT NULL, `accountId` TEXT NOT NULL, `providerId` TEXT NOT NULL, `userId` VARCHAR(191) NOT NULL, `accessToken` TEXT NULL, `refreshToken` TEXT NULL, `idToken` TEXT NULL, `accessTokenExpiresAt` DATETIME(3) NULL, `refreshTokenExpiresAt` DATETIME(3) NULL, `scope` TEXT NULL, `password` TEXT NULL, `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updatedAt` DATETIME(3) NOT NULL, INDEX `account_userId_idx`(`userId`), PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
  "CREATE TABLE `verification` (`id` VARCHAR(191) NOT NULL, `identifier` VARCHAR(191) NOT NULL, `value` TEXT NOT NULL, `expiresAt` DATETIME(3) NOT NULL, `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX `verification_identifier_idx`(`identifier`), PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
  "ALTER TABLE `session` ADD CONSTRAINT `session_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE CASCADE ON UPDATE CASCADE",
  "ALTER TABLE `account` ADD CONSTRAINT `account_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE CASCADE ON UPDATE CASCADE",
];

let myAdmin;
async function prisma7MysqlDb() {
  const PrismaClient = prismaClientFor(PRISMA7_MYSQL_SCHEMA, {});
  const { PrismaMariaDb } = require("@prisma/adapter-mariadb");
  if (!myAdmin) {
    myAdmin = await mysql.createConnection(MY_URL);
    cleanups.push(() => myAdmin.end());
  }
  const name = "ba_prisma_" + crypto.randomBytes(5).toString("hex");
  await myAdmin.query(`create database \`${name}\``);
  const url = new URL(MY_URL);
  const ddl = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: name });
  for (const s of PRISMA_MYSQL_DDL) await ddl.query(s);
  await ddl.end();
  const adapter = new PrismaMariaDb({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) || undefined, database: name, connectionLimit: 10 });
  const prisma = new PrismaClient({ adapter });
  cleanups.push(async () => {
    await prisma.$disconnect();
    await myAdmin.query(`drop database \`${name}\``);
  });
  return prismaDb(prisma, "mysql");
}

describe("adapters: prismaAdapter + Prisma 7 (@prisma/adapter-mariadb) on MariaDB", () => {
  prismaSuite(prisma7MysqlDb);
});
