// Session endpoints and options of issue 13 item 10, compared with the real better-auth:
// `POST /update-session`, `session.deferSessionRefresh` (GET answers `needsRefresh` and never
// writes; POST refreshes) and a function as `session.cookieCache.version`. The same sequences
// run on fresh SQLite files for both packages; status, bodies, Set-Cookie and rows must match.
import "./helpers/env.mjs";

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { IMPLS, makeAuth, tempDbFile } from "./helpers/impls.mjs";
import { Ctx, compareRuns, cookieHeader, expectError, expectOk } from "./helpers/observe.mjs";

const PW = "correct-horse-battery";
const ORIGIN = { origin: "http://localhost:3000" };

/** Runs `seq(ctx, db, extra)` against each implementation on a fresh file; compares the runs. */
async function parity(options, seq, { sessionColumns = [] } = {}) {
  const runs = [];
  for (const kind of IMPLS) {
    const { file, cleanup } = tempDbFile("session-ep");
    let auth = await makeAuth(kind, { dbFile: file, ...options });
    // the engine migrates its own file; Better Auth's test harness created the core tables only
    if (kind === "better-auth" && sessionColumns.length) {
      const db = new Database(file);
      for (const c of sessionColumns) db.exec(`alter table "session" add column ${c}`);
      db.close();
    }
    const ctx = new Ctx(kind, auth);
    const db = () => new Database(file, { readonly: true });
    try {
      await seq(ctx, db);
    } finally {
      auth.close();
      cleanup();
    }
    runs.push(ctx);
  }
  compareRuns(runs);
}

async function signUp(ctx, email = "a@x.com") {
  const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "A", email, password: PW }, headers: ORIGIN });
  assert.equal(up.status, 200, up.text);
  return cookieHeader(up.setCookies);
}

function sessionRow(db) {
  const h = db();
  try {
    return h.prepare(`select * from "session"`).all();
  } finally {
    h.close();
  }
}

describe("deferSessionRefresh: parity with better-auth", () => {
  test("GET answers needsRefresh without writing; POST refreshes; POST is 405 without the option", async () => {
    await parity({ session: { deferSessionRefresh: true, updateAge: 0 } }, async (ctx, db) => {
      const jar = await signUp(ctx);
      const before = sessionRow(db)[0];
      await new Promise((r) => setTimeout(r, 15));
      const get = await ctx.send("GET due", "GET", "/get-session", { headers: { cookie: jar } });
      expectOk(get);
      assert.equal(get.json.needsRefresh, true);
      assert.equal(get.setCookies.length, 0, get.setCookies.join("\n"));
      const mid = sessionRow(db)[0];
      assert.equal(mid.expiresAt, before.expiresAt, "a deferred GET does not refresh");
      assert.equal(mid.updatedAt, before.updatedAt);
      const post = await ctx.send("POST refresh", "POST", "/get-session", { headers: { cookie: jar, ...ORIGIN } });
      expectOk(post);
      assert.equal(post.json.needsRefresh, undefined);
      assert.ok(post.setCookies.some((c) => c.startsWith("better-auth.session_token=")), post.setCookies.join("\n"));
      const after = sessionRow(db)[0];
      assert.notEqual(after.updatedAt, before.updatedAt, "POST refreshed the row");
      ctx.record("row changed", after.expiresAt !== before.expiresAt);
      const disable = await ctx.send("GET disableRefresh", "GET", "/get-session?disableRefresh=true", { headers: { cookie: jar } });
      assert.equal(disable.json.needsRefresh, undefined);
    });
  });

  test("not due: needsRefresh false; an expired session is kept by GET and deleted by POST", async () => {
    await parity({ session: { deferSessionRefresh: true } }, async (ctx, db) => {
      const jar = await signUp(ctx);
      const get = await ctx.send("GET fresh", "GET", "/get-session", { headers: { cookie: jar } });
      assert.equal(get.json.needsRefresh, false);
      const h = new Database(db().name);
      h.prepare(`update "session" set "expiresAt" = ?`).run(typeof sessionRow(db)[0].expiresAt === "number" ? Date.now() - 1000 : new Date(Date.now() - 1000).toISOString());
      h.close();
      const gone = await ctx.send("GET expired", "GET", "/get-session", { headers: { cookie: jar } });
      assert.equal(gone.text, "null");
      assert.equal(sessionRow(db).length, 1, "a deferred GET keeps the expired row");
      const post = await ctx.send("POST expired", "POST", "/get-session", { headers: { cookie: jar, ...ORIGIN } });
      assert.equal(post.text, "null");
      assert.equal(sessionRow(db).length, 0, "POST deletes the expired row");
    });
  });

  test("with the cookie cache: a deferred GET rewrites the cache only", async () => {
    await parity({ session: { deferSessionRefresh: true, updateAge: 0, cookieCache: { enabled: true } } }, async (ctx) => {
      const jar = await signUp(ctx);
      const tokenOnly = jar.split("; ").filter((c) => !c.includes("session_data")).join("; ");
      const get = await ctx.send("GET due, no cache cookie", "GET", "/get-session", { headers: { cookie: tokenOnly } });
      assert.equal(get.json.needsRefresh, true);
      assert.deepEqual(get.setCookies.map((c) => c.split("=")[0]), ["better-auth.session_data"]);
      await ctx.send("GET cache hit", "GET", "/get-session", { headers: { cookie: jar } });
    });
  });

  test("without the option POST /get-session is 405", async () => {
    await parity({}, async (ctx) => {
      const jar = await signUp(ctx);
      expectError(await ctx.send("POST", "POST", "/get-session", { headers: { cookie: jar, ...ORIGIN } }), 405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED");
    });
  });
});

describe("POST /update-session: parity with better-auth", () => {
  const options = (calls) => ({
    session: {
      additionalFields: {
        theme: { type: "string", required: false },
        locked: { type: "string", required: false, input: false },
      },
    },
    databaseHooks: {
      session: {
        update: {
          before: async (data) => {
            calls.push(["before", Object.keys(data).sort().join(",")]);
            if (data.theme === "cancel") return false;
            if (data.theme === "rewrite") return { data: { ...data, theme: "rewritten" } };
          },
          after: async (s) => calls.push(["after", s.theme]),
        },
      },
    },
  });
  const columns = [`"theme" text`, `"locked" text`];

  test("fields, errors, cookies, rows and hooks", async () => {
    const calls = [];
    await parity(
      options(calls),
      async (ctx, db) => {
        calls.length = 0;
        expectError(await ctx.send("no session", "POST", "/update-session", { json: { theme: "dark" }, headers: ORIGIN }), 401, "UNAUTHORIZED");
        await ctx.send("no session, array body", "POST", "/update-session", { json: [1], headers: ORIGIN });
        await ctx.send("no session, no body", "POST", "/update-session", { headers: ORIGIN });
        const jar = await signUp(ctx);
        const h = { cookie: jar, ...ORIGIN };
        const empty = await ctx.send("empty body", "POST", "/update-session", { json: {}, headers: h });
        assert.equal(empty.status, 400);
        assert.deepEqual(empty.json, { message: "No fields to update" });
        const unknown = await ctx.send("core and unknown fields only", "POST", "/update-session", { json: { token: "x", userId: "y", nope: 1 }, headers: h });
        assert.equal(unknown.status, 400);
        expectError(await ctx.send("input:false field", "POST", "/update-session", { json: { locked: "yes" }, headers: h }), 400, "FIELD_NOT_ALLOWED");
        await ctx.send("array body", "POST", "/update-session", { json: [1, 2], headers: h });
        await ctx.send("string body", "POST", "/update-session", { json: '"theme"', headers: h });
        await ctx.send("no Origin", "POST", "/update-session", { json: { theme: "dark" }, headers: { cookie: jar } });
        const ok = await ctx.send("theme", "POST", "/update-session", { json: { theme: "dark" }, headers: h });
        expectOk(ok);
        assert.equal(ok.json.session.theme, "dark");
        assert.equal(sessionRow(db)[0].theme, "dark");
        assert.ok(ok.setCookies.some((c) => c.startsWith("better-auth.session_token=")), ok.setCookies.join("\n"));
        const got = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: jar } });
        assert.equal(got.json.session.theme, "dark");
        const rw = await ctx.send("hook rewrites", "POST", "/update-session", { json: { theme: "rewrite" }, headers: h });
        assert.equal(rw.json.session.theme, "rewritten");
        assert.equal(sessionRow(db)[0].theme, "rewritten");
        await ctx.send("hook cancels", "POST", "/update-session", { json: { theme: "cancel" }, headers: h });
        assert.equal(sessionRow(db)[0].theme, "rewritten", "a cancelled update writes nothing");
        ctx.record("hook calls", calls.splice(0));
        const api = await ctx.api("auth.api.updateSession", (api) => api.updateSession({ body: { theme: "api" }, headers: new Headers({ cookie: jar }) }));
        assert.equal(api.session.theme, "api");
      },
      { sessionColumns: columns },
    );
  });

  test("with the cookie cache, the cache cookie carries the new field", async () => {
    const calls = [];
    await parity(
      { ...options(calls), session: { ...options(calls).session, cookieCache: { enabled: true } } },
      async (ctx) => {
        const jar = await signUp(ctx);
        const ok = await ctx.send("theme", "POST", "/update-session", { json: { theme: "light" }, headers: { cookie: jar, ...ORIGIN } });
        expectOk(ok);
        const next = cookieHeader(ok.setCookies);
        const cached = await ctx.send("cache hit", "GET", "/get-session", { headers: { cookie: next } });
        assert.equal(cached.json.session.theme, "light");
        assert.equal(cached.setCookies.length, 0);
      },
      { sessionColumns: columns },
    );
  });
});

describe("session.cookieCache.version as a function: parity with better-auth", () => {
  test("the function is called with (session, user); a changed version refuses the cache", async () => {
    let current = "v1";
    const seen = [];
    await parity(
      {
        session: {
          cookieCache: {
            enabled: true,
            version: async (session, user) => {
              seen.push([typeof session?.token, user?.email]);
              return current;
            },
          },
        },
      },
      async (ctx, db) => {
        current = "v1";
        seen.length = 0;
        const jar = await signUp(ctx);
        const hit = await ctx.send("cache hit", "GET", "/get-session", { headers: { cookie: jar } });
        expectOk(hit);
        assert.equal(hit.setCookies.length, 0);
        // the row goes away: only the cache can answer now
        const h = new Database(db().name);
        h.prepare(`delete from "session"`).run();
        h.close();
        const still = await ctx.send("cache still valid", "GET", "/get-session", { headers: { cookie: jar } });
        assert.equal(still.json?.user?.email, "a@x.com");
        current = "v2";
        const refused = await ctx.send("version changed", "GET", "/get-session", { headers: { cookie: jar } });
        assert.equal(refused.text, "null");
        assert.ok(refused.setCookies.some((c) => c.startsWith("better-auth.session_data=;") || /session_data=; Max-Age=0/.test(c)), refused.setCookies.join("\n"));
        ctx.record("version calls", seen.splice(0));
      },
    );
  });
});

describe("an unusable session_data cookie: parity with better-auth", () => {
  for (const cookieCache of [{ enabled: true }, { enabled: false }]) {
    test(`garbage, a foreign payload and stale chunks are expired (cookie cache ${cookieCache.enabled ? "on" : "off"})`, async () => {
      await parity({ session: { cookieCache } }, async (ctx) => {
        const jar = await signUp(ctx);
        const token = jar.split("; ").find((c) => c.startsWith("better-auth.session_token="));
        for (const [label, extra] of [
          ["garbage", "better-auth.session_data=garbage"],
          ["base64 of another shape", "better-auth.session_data=eyJzZXNzaW9uIjp7fX0"],
          ["empty", "better-auth.session_data="],
          ["stale chunks", "better-auth.session_data.0=abc; better-auth.session_data.1=def"],
        ]) {
          const r = await ctx.send(label, "GET", "/get-session", { headers: { cookie: `${token}; ${extra}` } });
          expectOk(r);
          assert.equal(r.json.user.email, "a@x.com");
        }
        // without a session cookie: with the cache off, the stale cache cookie is still cleaned up
        await ctx.send("no session cookie, garbage cache", "GET", "/get-session", { headers: { cookie: "better-auth.session_data=garbage" } });
      });
    });
  }
});
