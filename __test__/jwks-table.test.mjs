// The jwt plugin's table: mappable as in Better Auth (`jwt({ schema: { jwks: { modelName, fields }
// } })`, one table read by both packages), and an older or snake_case table never takes every
// get-session down: the session is answered (without set-auth-jwt), /token fails with a log line
// that names the fix, and getMigrations adds the missing columns.
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { betterAuth as baBetterAuth } from "better-auth";
import { jwt as baJwt } from "better-auth/plugins";
import { getMigrations as baGetMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";
import plugins from "../js/plugins.js";

const API = BASE_URL + "/api/auth";
const get = (auth, p, headers = {}) => auth.handler(new Request(API + p, { headers }));
const post = (auth, p, body) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

const MAPPING = { modelName: "jwt_keys", fields: { publicKey: "public_key", privateKey: "private_key", createdAt: "created_at", expiresAt: "expires_at" } };

describe("jwt({ schema: { jwks } }) maps the table as in Better Auth", () => {
  test("Better Auth creates the mapped table and its key; ours serves the same JWKS from it and signs tokens it verifies", async () => {
    const { file, cleanup } = tempDbFile("jwks-map");
    try {
      const baOptions = { secret: SECRET, baseURL: BASE_URL, database: new Database(file), emailAndPassword: { enabled: true }, plugins: [baJwt({ schema: { jwks: MAPPING } })], logger: { disabled: true } };
      await (await baGetMigrations(baOptions)).runMigrations();
      const ba = baBetterAuth(baOptions);
      const baJwks = await (await get(ba, "/jwks")).json();
      assert.equal(baJwks.keys.length, 1);
      const cols = new Database(file, { readonly: true }).prepare(`select name from pragma_table_info('jwt_keys') order by cid`).all().map((r) => r.name);
      assert.deepEqual(cols, ["id", "public_key", "private_key", "created_at", "expires_at", "alg", "crv"]);

      const ours = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true }, plugins: [plugins.jwt({ schema: { jwks: MAPPING } })] });
      const ourJwks = await (await get(ours, "/jwks")).json();
      assert.deepEqual(ourJwks, baJwks, "the key Better Auth stored, read through the mapping");
      const r = await post(ours, "/sign-up/email", { name: "M", email: "m@example.com", password: "password-123" });
      assert.equal(r.status, 200);
      const { token } = await (await get(ours, "/token", { cookie: cookieOf(r) })).json();
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(baJwks), { issuer: BASE_URL, audience: BASE_URL });
      assert.equal(payload.email, "m@example.com");
      assert.equal(new Database(file, { readonly: true }).prepare(`select count(*) as n from "jwt_keys"`).get().n, 1, "no second key minted");
      baOptions.database.close();
    } finally {
      cleanup();
    }
  });

  test("a bad mapping is refused at start, naming the option", () => {
    assert.throws(() => betterAuth({ secret: SECRET, database: ":memory:", plugins: [plugins.jwt({ schema: { jwks: { fields: { nope: "x" } } } })] }), /plugins\[jwt\]\.schema\.jwks\.fields\.nope/);
    assert.throws(() => betterAuth({ secret: SECRET, database: ":memory:", plugins: [plugins.jwt({ schema: { jwks: { modelName: "user" } } })] }), /already a core table/);
  });
});

// A child process so the engine's log line (stderr) can be read.
const CHILD = `
const { betterAuth, getMigrations } = require(process.env.ROOT + "/index.js");
const plugins = require(process.env.ROOT + "/js/plugins.js");
(async () => {
  const auth = betterAuth({ secret: "x".repeat(40), baseURL: "http://localhost:3000", database: process.env.FILE, autoMigrate: false, emailAndPassword: { enabled: true }, plugins: [plugins.jwt()] });
  const req = (p, init) => auth.handler(new Request("http://localhost:3000/api/auth" + p, init));
  const up = await req("/sign-up/email", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "O", email: "o@example.com", password: "password-123" }) });
  const cookie = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const s = await req("/get-session", { headers: { cookie } });
  const t = await req("/token", { headers: { cookie } });
  const out = { signUp: up.status, session: s.status, hasJwt: s.headers.has("set-auth-jwt"), user: (await s.json())?.user?.email, token: t.status };
  if (process.env.MIGRATE) {
    await getMigrations(auth).runMigrations();
    const s2 = await req("/get-session", { headers: { cookie } });
    out.afterMigrate = { session: s2.status, hasJwt: s2.headers.has("set-auth-jwt"), token: (await req("/token", { headers: { cookie } })).status };
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

function runChildWithStderr(file, migrate) {
  const { spawnSync } = require_("node:child_process");
  const env = { ...process.env, ROOT: new URL("..", import.meta.url).pathname, FILE: file, NODE_ENV: "development", ...(migrate ? { MIGRATE: "1" } : {}) };
  const r = spawnSync(process.execPath, ["-e", CHILD], { env, encoding: "utf8" });
  return { out: JSON.parse(r.stdout), stderr: r.stderr };
}

import { createRequire } from "node:module";
const require_ = createRequire(import.meta.url);

function coreTables(file, jwksDDL) {
  const db = new Database(file);
  db.exec(`create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null)`);
  db.exec(`create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)`);
  db.exec(`create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)`);
  db.exec(`create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)`);
  db.exec(jwksDDL);
  db.close();
}

describe("an older or snake_case jwks table", () => {
  test("older schema (no expiresAt/alg/crv): sessions still answer, /token names the fix, getMigrations adds the columns", () => {
    const { file, cleanup } = tempDbFile("jwks-old");
    try {
      coreTables(file, `create table "jwks" ("id" text not null primary key, "publicKey" text not null, "privateKey" text not null, "createdAt" date not null)`);
      const { out, stderr } = runChildWithStderr(file, true);
      assert.equal(out.signUp, 200);
      assert.equal(out.session, 200, "get-session is not taken down by the jwks table");
      assert.equal(out.user, "o@example.com");
      assert.equal(out.hasJwt, false);
      assert.equal(out.token, 500);
      assert.match(stderr, /table "jwks" lacks column\(s\) "expiresAt", "alg", "crv".*better-auth-rs migrate/);
      assert.deepEqual(out.afterMigrate, { session: 200, hasJwt: true, token: 200 });
    } finally {
      cleanup();
    }
  });

  test("snake_case columns: the log line shows the mapping to add", () => {
    const { file, cleanup } = tempDbFile("jwks-snake");
    try {
      coreTables(file, `create table "jwks" ("id" text not null primary key, "public_key" text not null, "private_key" text not null, "created_at" date not null, "expires_at" date, "alg" text, "crv" text)`);
      const { out, stderr } = runChildWithStderr(file, false);
      assert.equal(out.session, 200);
      assert.equal(out.token, 500);
      assert.match(stderr, /snake_case columns: map them with jwt\(\{ schema: \{ jwks: \{ fields: \{ publicKey: "public_key", privateKey: "private_key", createdAt: "created_at", expiresAt: "expires_at" \} \} \} \}\)/);
    } finally {
      cleanup();
    }
  });
});
