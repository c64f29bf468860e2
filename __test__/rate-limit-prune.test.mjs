// Database rate-limit rows are pruned (issue 13, item 7): rows idle for longer than the longest
// configured window are deleted, as Better Auth's database storage deletes them when a window
// resets. The same table content and requests for both packages; the rows left must match.
// (Its own file: the engine prunes at most once a minute per process.)
import "./helpers/env.mjs";

import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const CORE = [
  `create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null)`,
  `create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)`,
  `create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)`,
  `create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)`,
  `create table "rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null, "lastRequest" bigint not null)`,
];

test("idle rate-limit rows are pruned after a counted request; recent ones stay (parity with better-auth)", async () => {
  const left = {};
  for (const kind of IMPLS) {
    const { file, cleanup } = tempDbFile("rl-prune");
    const now = Date.now();
    const db = new Database(file);
    for (const s of CORE) db.exec(s);
    const ins = db.prepare(`insert into "rateLimit" ("id", "key", "count", "lastRequest") values (?, ?, ?, ?)`);
    ins.run("a".repeat(32), "198.51.100.1|/ok", 3, now - 2 * 3600_000); // idle for 2 h
    ins.run("b".repeat(32), "198.51.100.2|/sign-in/email", 1, now - 3600_000); // idle for 1 h
    ins.run("c".repeat(32), "198.51.100.3|/ok", 2, now - 5_000); // recent
    ins.run("d".repeat(32), "203.0.113.7|/ok", 9, now - 3 * 3600_000); // the client's own, window long past
    db.close();
    const auth = await makeAuth(kind, { dbFile: file, rateLimit: { enabled: true, storage: "database", window: 60, max: 100 }, advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } } });
    try {
      const res = await auth.handler(new Request(`${BASE_URL}/api/auth/ok`, { headers: { "x-forwarded-for": "203.0.113.7" } }));
      assert.equal(res.status, 200);
      await new Promise((r) => setTimeout(r, 100)); // Better Auth may prune in the background
      const raw = new Database(file, { readonly: true });
      left[kind] = raw.prepare(`select "key", "count" from "rateLimit" order by "key"`).all();
      raw.close();
    } finally {
      auth.close();
      cleanup();
    }
  }
  const ours = left.ours ?? left["better-auth"];
  assert.deepEqual(ours, [
    { key: "198.51.100.3|/ok", count: 2 },
    { key: "203.0.113.7|/ok", count: 1 },
  ]);
  if (left.ours && left["better-auth"]) assert.deepEqual(left.ours, left["better-auth"]);
});

test("rateLimit.fields: renamed columns are used for counting (parity with better-auth)", async () => {
  const got = {};
  for (const kind of IMPLS) {
    const { file, cleanup } = tempDbFile("rl-fields");
    const db = new Database(file);
    for (const s of CORE.slice(0, 4)) db.exec(s);
    db.exec(`create table "rate_limits" ("id" text not null primary key, "rate_key" text not null unique, "hits" integer not null, "last_request" bigint not null)`);
    db.close();
    const auth = await makeAuth(kind, {
      dbFile: file,
      rateLimit: { enabled: true, storage: "database", modelName: "rate_limits", fields: { key: "rate_key", count: "hits", lastRequest: "last_request" }, customRules: { "/ok": { window: 60, max: 2 } } },
      advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await auth.handler(new Request(`${BASE_URL}/api/auth/ok`, { headers: { "x-forwarded-for": "203.0.113.8" } }))).status);
      const raw = new Database(file, { readonly: true });
      got[kind] = { statuses, rows: raw.prepare(`select "rate_key", "hits" from "rate_limits"`).all() };
      raw.close();
    } finally {
      auth.close();
      cleanup();
    }
  }
  const ours = got.ours ?? got["better-auth"];
  assert.deepEqual(ours, { statuses: [200, 200, 429], rows: [{ rate_key: "203.0.113.8|/ok", hits: 2 }] });
  if (got.ours && got["better-auth"]) assert.deepEqual(got.ours, got["better-auth"]);
});
