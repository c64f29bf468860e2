// The username plugin (issue 16.4, shared/spec/plugins.md §6): the same request sequences go to
// the real better-auth (its own `username()` object, migrated by its own migrator) and to
// better-auth-rs (the same object), each on a fresh SQLite file; statuses, JSON bodies, cookies
// and the user rows must be equal (ids and dates compared by shape, see helpers/observe.mjs).
//
// Package behaviour followed where the spec is silent: an invalid username at sign-in and at
// /is-username-available is 422, at sign-up and update-user 400 (spec Q16).
import "./helpers/env.mjs";

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { IMPLS, SECRET, BASE_URL, tempDbFile } from "./helpers/impls.mjs";
import { Ctx, compareRuns, cookieHeader } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase } from "./helpers/dialects.mjs";

const require = createRequire(import.meta.url);
const { username } = require("better-auth/plugins");
const ORIGIN = { origin: BASE_URL };
const PW = "correct-horse-battery";
const DIALECTS = dialectsFrom(process.env.BA_RS_USERNAME_DBS);

/** Runs `seq(ctx, rows)` for every implementation on a fresh database of `dialect` and compares the runs. */
async function parityOn(dialect, seq, pluginOptions = {}, extra = {}) {
  const runs = [];
  for (const kind of IMPLS) {
    const db = await openDatabase(dialect, "username");
    try {
      const { betterAuth, migrate } = await loadImpl(kind);
      const options = {
        secret: SECRET,
        baseURL: BASE_URL,
        logger: { disabled: true },
        emailAndPassword: { enabled: true },
        plugins: [username(pluginOptions)],
        ...extra,
        database: db.forAuth(kind),
      };
      const auth = betterAuth(options);
      await migrate(options, auth);
      const ctx = new Ctx(kind, auth);
      // rows in a fixed order, column names as the schema has them
      const rows = (sql) => db.query(sql.replaceAll('"', dialect === "mysql" ? "`" : '"'));
      await seq(ctx, rows, auth);
      runs.push(ctx);
    } finally {
      await db.cleanup();
    }
  }
  compareRuns(runs);
}

async function parity(seq, pluginOptions, extra) {
  for (const d of DIALECTS) await parityOn(d, seq, pluginOptions, extra);
}

const post = (ctx, label, path, json, cookie) => ctx.send(label, "POST", path, { json, headers: { ...ORIGIN, ...(cookie ? { cookie } : {}) } });
const userRows = (rows) => rows(`select email, username, "displayUsername" from "user" order by email`);

describe("username plugin: parity with better-auth", () => {
  test("sign-up: normalized username and display name, taken, invalid, only a display name", async () => {
    await parity(async (ctx, rows) => {
      const a = await post(ctx, "sign-up with a username", "/sign-up/email", { name: "A", email: "a@x.com", password: PW, username: "Alice_01" });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.json.user.username, "alice_01");
      assert.equal(a.json.user.displayUsername, "Alice_01");
      await post(ctx, "username taken (other case)", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "ALICE_01" });
      await post(ctx, "too short", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "ab" });
      await post(ctx, "too long", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "a".repeat(31) });
      await post(ctx, "invalid characters", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "bad name!" });
      await post(ctx, "only a display name", "/sign-up/email", { name: "C", email: "c@x.com", password: PW, displayUsername: "Charlie.C" });
      await post(ctx, "an invalid display name is not a username", "/sign-up/email", { name: "D", email: "d@x.com", password: PW, displayUsername: "D d" });
      await post(ctx, "no username at all", "/sign-up/email", { name: "E", email: "e@x.com", password: PW });
      ctx.record("rows", await userRows(rows));
      assert.deepEqual(
        (await userRows(rows)).filter((r) => r.username),
        [
          { email: "a@x.com", username: "alice_01", displayUsername: "Alice_01" },
          { email: "c@x.com", username: "charlie.c", displayUsername: "Charlie.C" },
        ],
      );
    });
  });

  test("sign-in/username: success with cookie and callbackURL, wrong password, unknown user, invalid username, empty fields", async () => {
    await parity(async (ctx) => {
      await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW, username: "alice" });
      const ok = await post(ctx, "sign-in (other case)", "/sign-in/username", { username: "ALICE", password: PW, callbackURL: "/dash" });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.redirect, true);
      assert.equal(ok.headers.location, "/dash");
      const cookie = cookieHeader(ok.setCookies);
      const s = await ctx.send("get-session with the new cookie", "GET", "/get-session", { headers: { cookie } });
      assert.equal(s.json.user.username, "alice");
      await post(ctx, "not remembered", "/sign-in/username", { username: "alice", password: PW, rememberMe: false });
      await post(ctx, "wrong password", "/sign-in/username", { username: "alice", password: "wrong-password-1" });
      await post(ctx, "unknown user", "/sign-in/username", { username: "nobody", password: PW });
      await post(ctx, "invalid username is 422", "/sign-in/username", { username: "a!", password: PW });
      await post(ctx, "empty password", "/sign-in/username", { username: "alice", password: "" });
      await post(ctx, "missing password", "/sign-in/username", { username: "alice" });
      await post(ctx, "too long password", "/sign-in/username", { username: "alice", password: "x".repeat(200) });
    });
  });

  test("is-username-available and update-user (normalized, taken, own name)", async () => {
    await parity(async (ctx, rows) => {
      const a = await post(ctx, "sign-up a", "/sign-up/email", { name: "A", email: "a@x.com", password: PW, username: "alice" });
      await post(ctx, "sign-up b", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "bob" });
      await post(ctx, "taken", "/is-username-available", { username: "Alice" });
      await post(ctx, "free", "/is-username-available", { username: "carol" });
      await post(ctx, "empty", "/is-username-available", { username: "" });
      await post(ctx, "invalid", "/is-username-available", { username: "c c" });
      const cookie = cookieHeader(a.setCookies);
      await post(ctx, "update to a free name", "/update-user", { username: "NewName" }, cookie);
      await post(ctx, "update to bob's name", "/update-user", { username: "BOB" }, cookie);
      await post(ctx, "update to its own name", "/update-user", { username: "newname" }, cookie);
      await post(ctx, "update to an invalid name", "/update-user", { username: "x" }, cookie);
      ctx.record("rows", await userRows(rows));
      assert.deepEqual((await userRows(rows))[0], { email: "a@x.com", username: "newname", displayUsername: "alice" });
    });
  });

  test("options: immutableUsername, displayUsername:false, lengths, validator and normalization functions", async () => {
    await parity(
      async (ctx, rows) => {
        const a = await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW, username: "Al-Ice" });
        await post(ctx, "validator refuses", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "bobby" });
        await post(ctx, "min length", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "b-o" });
        const cookie = cookieHeader(a.setCookies);
        await post(ctx, "immutable", "/update-user", { username: "other-name" }, cookie);
        await post(ctx, "same name passes", "/update-user", { username: "AL-ICE" }, cookie);
        await post(ctx, "sign-in with the normalized name", "/sign-in/username", { username: "al-ice", password: PW });
        ctx.record("rows", await rows(`select email, username from "user"`));
        assert.deepEqual(await rows(`select username from "user"`), [{ username: "AL-ICE" }]);
      },
      {
        immutableUsername: true,
        displayUsername: false,
        minUsernameLength: 4,
        usernameValidator: (u) => /^[a-zA-Z-]+$/.test(u) && !u.startsWith("bob"),
        usernameNormalization: (u) => u.toUpperCase(),
      },
    );
  });

  test("usernameNormalization: false keeps the case; displayUsernameValidator", async () => {
    await parity(
      async (ctx, rows) => {
        await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW, username: "MixedCase", displayUsername: "Mixed Case" });
        await post(ctx, "display refused", "/sign-up/email", { name: "B", email: "b@x.com", password: PW, username: "other", displayUsername: "no" });
        await post(ctx, "case matters for sign-in", "/sign-in/username", { username: "mixedcase", password: PW });
        await post(ctx, "exact case signs in", "/sign-in/username", { username: "MixedCase", password: PW });
        ctx.record("rows", await userRows(rows));
      },
      { usernameNormalization: false, displayUsernameValidator: (d) => d.length > 3 },
    );
  });
});

test("the official usernameClient drives sign-up, availability and sign-in by username", async () => {
  const { createAuthClient } = await import("better-auth/client");
  const { usernameClient } = await import("better-auth/client/plugins");
  await parity(async (ctx, rows, auth) => {
    let cookie = "";
    const client = createAuthClient({
      baseURL: `${BASE_URL}/api/auth`,
      plugins: [usernameClient()],
      fetchOptions: {
        customFetchImpl: async (url, init) => {
          const headers = new Headers(init?.headers);
          headers.set("origin", BASE_URL);
          if (cookie) headers.set("cookie", cookie);
          const res = await auth.handler(new Request(url, { ...init, headers }));
          const set = res.headers.getSetCookie();
          if (set.length) cookie = cookieHeader(set);
          return res;
        },
      },
    });
    const up = await client.signUp.email({ name: "A", email: "a@x.com", password: PW, username: "Client_User" });
    ctx.record("client sign-up", { data: up.data, error: up.error });
    assert.equal(up.data?.user?.username, "client_user");
    ctx.record("client availability", await client.isUsernameAvailable({ username: "client_user" }));
    cookie = "";
    const bad = await client.signIn.username({ username: "client_user", password: "wrong-password-1" });
    ctx.record("client wrong password", { data: bad.data, error: bad.error && { status: bad.error.status, code: bad.error.code, message: bad.error.message } });
    const ok = await client.signIn.username({ username: "CLIENT_USER", password: PW });
    ctx.record("client sign-in", { data: ok.data, error: ok.error });
    const s = await client.getSession();
    ctx.record("client session", s.data);
    assert.equal(s.data?.user?.username, "client_user");
    ctx.record("rows", await userRows(rows));
  });
});

test("the username column: unique, added to an existing database by the migrator", async () => {
  if (!IMPLS.includes("ours")) return;
  const { file, cleanup } = tempDbFile("username-mig");
  try {
    const { betterAuth } = require("../index.js");
    // a database created without the plugin, then opened with it
    const first = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true } });
    const r = await first.api.signUpEmail({ body: { name: "A", email: "a@x.com", password: PW } });
    assert.ok(r.user.id);
    const second = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true }, plugins: [username()] });
    const b = await second.api.signUpEmail({ body: { name: "B", email: "b@x.com", password: PW, username: "bee" } });
    assert.equal(b.user.username, "bee");
    const db = new Database(file, { readonly: true });
    try {
      const idx = db.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'user'`).all();
      assert.ok(idx.some((i) => i.name === "user_username_uidx" && /create unique index/i.test(i.sql)), JSON.stringify(idx));
      assert.deepEqual(db.prepare(`select email, username, displayUsername from "user" order by email`).all(), [
        { email: "a@x.com", username: null, displayUsername: null },
        { email: "b@x.com", username: "bee", displayUsername: "bee" },
      ]);
    } finally {
      db.close();
    }
  } finally {
    cleanup();
  }
});
