// One database, two implementations: real better-auth 1.7 and better-auth-rs on SQLite,
// PostgreSQL and MariaDB, same secret. Users and cookies made by one work on the other, our
// migrations satisfy Better Auth's migrator and runtime schema check, dates and additional
// fields round-trip. PostgreSQL/MariaDB come from the local servers (BA_RS_PG_URL /
// BA_RS_MYSQL_URL to override); CI has both, so an unreachable server fails the suite.
process.env.NODE_ENV = "development";
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import crypto from "node:crypto";
import { betterAuth as baBetterAuth } from "better-auth";
import { getMigrations as baGetMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { betterAuth, getMigrations } from "../index.js";

const SECRET = "shared-secret-for-the-mixed-fleet-0123456789";
const BASE = "http://localhost:3000";
const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const additionalFields = {
  favoriteColor: { type: "string", required: false },
  luckyNumber: { type: "number", required: false },
};

const ns = () => "ba_mix_" + crypto.randomBytes(5).toString("hex");

async function makeDialect(kind) {
  if (kind === "sqlite") {
    const file = path.join(os.tmpdir(), ns() + ".db");
    return {
      ba: () => new Database(file),
      ours: () => file,
      cleanup: async () => { for (const e of ["", "-wal", "-shm"]) fs.rmSync(file + e, { force: true }); },
    };
  }
  if (kind === "postgres") {
    const schema = ns();
    const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`create schema ${schema}`);
    const pools = [];
    const make = () => { const p = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 4 }); pools.push(p); return p; };
    return {
      ba: make,
      ours: make, // our JS layer reads the pool's connection settings; Rust does the queries
      cleanup: async () => {
        for (const p of pools) await p.end();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  }
  const db = ns();
  const admin = await mysql.createConnection(MY_URL);
  await admin.query(`create database ${db}`);
  const u = new URL(MY_URL);
  const pools = [];
  const make = () => {
    const p = mysql.createPool({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: db, timezone: "Z", connectionLimit: 4 });
    pools.push(p);
    return p;
  };
  return {
    ba: make,
    ours: make,
    cleanup: async () => {
      for (const p of pools) await p.end();
      await admin.query(`drop database ${db}`);
      await admin.end();
    },
  };
}

const post = (auth, p, body, headers = {}) =>
  auth.handler(new Request(BASE + "/api/auth" + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
const getSession = (auth, cookie) => auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie } }));
const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

for (const kind of ["sqlite", "postgres", "mysql"]) {
  describe(`mixed fleet on ${kind}`, () => {
    let d, ba, oursArgon, oursScrypt;
    before(async () => {
      d = await makeDialect(kind);
      const common = { secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, user: { additionalFields } };
      oursArgon = betterAuth({ ...common, database: d.ours(), emailAndPassword: { enabled: true, password: { rehashLegacyHashes: false } } });
      await getMigrations(oursArgon).runMigrations();
      oursScrypt = betterAuth({ ...common, database: d.ours(), emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } } });
      // validateSchema: Better Auth 1.7.25's runtime schema check, explicitly on
      ba = baBetterAuth({ ...common, database: d.ba(), logger: { disabled: true }, rateLimit: { enabled: false }, advanced: { database: { validateSchema: true } } });
    });
    after(async () => { await d?.cleanup(); });

    test("our migration is what Better Auth's migrator expects: nothing left for it to do", async () => {
      const { toBeCreated, toBeAdded } = await baGetMigrations(ba.options);
      assert.deepEqual(toBeCreated.map((t) => t.table), []);
      assert.deepEqual(toBeAdded.map((t) => t.table), []);
      assert.deepEqual(await getMigrations(oursArgon).statements(), [], "and ours has nothing left either");
    });

    test("a user Better Auth signed up signs in on better-auth-rs; Better Auth's cookie is accepted", async () => {
      const r = await post(ba, "/sign-up/email", { name: "From BA", email: `ba-${kind}@example.com`, password: "ba-password-1", favoriteColor: "teal", luckyNumber: 7 });
      assert.equal(r.status, 200, await r.clone().text());
      const baCookie = cookieOf(r);
      // Better Auth's session cookie on our get-session
      const s = await getSession(oursArgon, baCookie);
      const body = await s.json();
      assert.equal(body.user.email, `ba-${kind}@example.com`);
      assert.equal(body.user.favoriteColor, "teal");
      assert.equal(body.user.luckyNumber, 7);
      // the same session seen by Better Auth: identical dates to the millisecond
      const theirs = await (await getSession(ba, baCookie)).json();
      for (const k of ["createdAt", "updatedAt", "expiresAt"]) assert.equal(body.session[k], theirs.session[k], `session.${k}`);
      for (const k of ["createdAt", "updatedAt"]) assert.equal(body.user[k], theirs.user[k], `user.${k}`);
      // scrypt hash written by Better Auth verifies in Rust
      const ours = await post(oursArgon, "/sign-in/email", { email: `ba-${kind}@example.com`, password: "ba-password-1" });
      assert.equal(ours.status, 200);
      const wrong = await post(oursArgon, "/sign-in/email", { email: `ba-${kind}@example.com`, password: "not-the-password" });
      assert.equal(wrong.status, 401);
      // and our cookie is accepted by Better Auth
      const back = await (await getSession(ba, cookieOf(ours))).json();
      assert.equal(back.user.email, `ba-${kind}@example.com`);
    });

    test("in scrypt mode, Better Auth signs in users better-auth-rs created and accepts our cookies", async () => {
      const r = await post(oursScrypt, "/sign-up/email", { name: "From RS", email: `rs-${kind}@example.com`, password: "rs-password-1", favoriteColor: "plum", luckyNumber: 3 });
      assert.equal(r.status, 200, await r.clone().text());
      const theirs = await (await getSession(ba, cookieOf(r))).json();
      assert.equal(theirs.user.email, `rs-${kind}@example.com`);
      assert.equal(theirs.user.favoriteColor, "plum");
      assert.equal(theirs.user.luckyNumber, 3);
      const signIn = await post(ba, "/sign-in/email", { email: `rs-${kind}@example.com`, password: "rs-password-1" });
      assert.equal(signIn.status, 200, await signIn.clone().text());
      const wrong = await post(ba, "/sign-in/email", { email: `rs-${kind}@example.com`, password: "not-the-password" });
      assert.equal(wrong.status, 401);
    });

    test("the same duplicate email is refused by both with the same code", async () => {
      const a = await post(ba, "/sign-up/email", { name: "x", email: `rs-${kind}@example.com`, password: "whatever-123" });
      const b = await post(oursArgon, "/sign-up/email", { name: "x", email: `ba-${kind}@example.com`, password: "whatever-123" });
      assert.equal(a.status, 422);
      assert.equal(b.status, 422);
      assert.equal((await a.json()).code, (await b.json()).code);
    });
  });
}
