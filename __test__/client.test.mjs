// The official client (`createAuthClient` from `better-auth/client`, unmodified) against the Express
// example app (examples/express/app.js) on an ephemeral port, once per implementation in IMPLS.
// Node's fetch keeps no cookies and sends `sec-fetch-mode: cors`, so the client gets a
// `customFetchImpl` with a tiny cookie jar that also sends `Origin: <server origin>`, as a browser would.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { createAuthClient } from "better-auth/client";
import { IMPLS, makeAuth, nodeHelpers, tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { createApp } = require("../examples/express/app.js");

const ID32 = /^[A-Za-z0-9]{32}$/;

/** A cookie jar: remembers Set-Cookie values (Max-Age=0 deletes), replays them as one Cookie header. */
function cookieJar() {
  const jar = new Map();
  return {
    store(res) {
      for (const sc of res.headers.getSetCookie()) {
        const [pair, ...attrs] = sc.split(";").map((s) => s.trim());
        const i = pair.indexOf("=");
        const name = pair.slice(0, i);
        const expired = attrs.some((a) => /^max-age=0$/i.test(a)) || pair.slice(i + 1) === "";
        if (expired) jar.delete(name);
        else jar.set(name, pair.slice(i + 1));
      }
    },
    header() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    },
    names() {
      return [...jar.keys()];
    },
    clear() {
      jar.clear();
    },
  };
}

async function listen(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

for (const kind of IMPLS) {
  describe(`official client ↔ Express example (${kind})`, () => {
    let server;
    let origin;
    let auth;
    let db;
    let client;
    const jar = cookieJar();

    /** fetch with the jar and an Origin header, as a browser on `origin` would send. */
    const browserFetch = async (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("origin", origin);
      const cookie = jar.header();
      if (cookie) headers.set("cookie", cookie);
      const res = await fetch(input, { ...init, headers });
      jar.store(res);
      return res;
    };

    before(async () => {
      server = http.createServer();
      const port = await listen(server);
      origin = `http://127.0.0.1:${port}`;
      db = tempDbFile("client");
      auth = await makeAuth(kind, { dbFile: db.file, baseURL: origin });
      const { toNodeHandler, fromNodeHeaders } = await nodeHelpers(kind);
      server.on("request", createApp({ auth, toNodeHandler, fromNodeHeaders }));
      client = createAuthClient({ baseURL: origin, fetchOptions: { customFetchImpl: browserFetch } });
    });

    after(async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      auth.close?.();
      db.cleanup();
    });

    test("signUp → getSession → signOut → getSession(null) → signIn → getSession", async () => {
      const up = await client.signUp.email({ name: "Ada Lovelace", email: "ada@example.com", password: "correct-horse-battery" });
      assert.equal(up.error, null);
      assert.match(up.data.token, ID32);
      assert.equal(up.data.user.email, "ada@example.com");
      assert.equal(up.data.user.name, "Ada Lovelace");
      assert.equal(up.data.user.emailVerified, false);
      assert.ok(up.data.user.createdAt instanceof Date, "the client revives ISO dates");
      assert.deepEqual(jar.names(), ["better-auth.session_token"]);

      const s1 = await client.getSession();
      assert.equal(s1.error, null);
      assert.deepEqual(Object.keys(s1.data).sort(), ["session", "user"]);
      assert.equal(s1.data.user.id, up.data.user.id);
      assert.equal(s1.data.session.token, up.data.token);
      assert.equal(s1.data.session.userId, up.data.user.id);
      assert.ok(s1.data.session.expiresAt instanceof Date);
      const days = (s1.data.session.expiresAt - s1.data.session.createdAt) / 86400000;
      assert.ok(Math.abs(days - 7) < 0.01, `7-day session, got ${days}`);

      const out = await client.signOut();
      assert.equal(out.error, null);
      assert.deepEqual(out.data, { success: true });
      assert.deepEqual(jar.names(), []);

      const s2 = await client.getSession();
      assert.equal(s2.error, null);
      assert.equal(s2.data, null);

      const inn = await client.signIn.email({ email: "ada@example.com", password: "correct-horse-battery" });
      assert.equal(inn.error, null);
      assert.equal(inn.data.redirect, false);
      assert.match(inn.data.token, ID32);
      assert.equal(inn.data.user.id, up.data.user.id);
      assert.equal("url" in inn.data, false);

      const s3 = await client.getSession();
      assert.equal(s3.error, null);
      assert.equal(s3.data.session.token, inn.data.token);
      assert.equal(s3.data.user.email, "ada@example.com");
    });

    test("errors: wrong password 401, duplicate 422, short password 400", async () => {
      const wrong = await client.signIn.email({ email: "ada@example.com", password: "wrong-password" });
      assert.equal(wrong.data, null);
      assert.equal(wrong.error.status, 401);
      assert.equal(wrong.error.code, "INVALID_EMAIL_OR_PASSWORD");
      assert.equal(wrong.error.message, "Invalid email or password");
      assert.equal(typeof wrong.error.statusText, "string");

      const dup = await client.signUp.email({ name: "Ada again", email: "ada@example.com", password: "correct-horse-battery" });
      assert.equal(dup.data, null);
      assert.equal(dup.error.status, 422);
      assert.equal(dup.error.code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");

      const short = await client.signUp.email({ name: "Short", email: "short@example.com", password: "short" });
      assert.equal(short.error.status, 400);
      assert.equal(short.error.code, "PASSWORD_TOO_SHORT");
      assert.equal(short.error.message, "Password too short");

      const badEmail = await client.signIn.email({ email: "not-an-email", password: "whatever-123" });
      assert.equal(badEmail.error.status, 400);
      assert.equal(badEmail.error.code, "INVALID_EMAIL");
    });

    test("rememberMe:false and callbackURL through the client", async () => {
      jar.clear();
      const r = await client.signIn.email({ email: "ada@example.com", password: "correct-horse-battery", rememberMe: false });
      assert.equal(r.error, null);
      assert.deepEqual(jar.names().sort(), ["better-auth.dont_remember", "better-auth.session_token"]);
      const s = await client.getSession();
      const hours = (s.data.session.expiresAt - s.data.session.createdAt) / 3600000;
      assert.ok(Math.abs(hours - 24) < 0.1, `1-day session, got ${hours} h`);

      const cb = await client.signIn.email({ email: "ada@example.com", password: "correct-horse-battery", callbackURL: "/dashboard" });
      assert.equal(cb.error, null);
      assert.equal(cb.data.redirect, true);
      assert.equal(cb.data.url, "/dashboard");

      const evil = await client.signIn.email({ email: "ada@example.com", password: "correct-horse-battery", callbackURL: "https://evil.example/" });
      assert.equal(evil.error.status, 403);
      assert.equal(evil.error.code, "INVALID_CALLBACK_URL");
    });

    test("example app: /api/me guarded by requireAuth, / serves the page", async () => {
      jar.clear();
      let me = await browserFetch(`${origin}/api/me`);
      assert.equal(me.status, 401);
      assert.deepEqual(await me.json(), { error: "Unauthorized" });

      const r = await client.signIn.email({ email: "ada@example.com", password: "correct-horse-battery" });
      assert.equal(r.error, null);
      me = await browserFetch(`${origin}/api/me`);
      assert.equal(me.status, 200);
      const body = await me.json();
      assert.deepEqual(Object.keys(body).sort(), ["session", "user"]);
      assert.equal(body.user.email, "ada@example.com");
      assert.equal(body.session.token, r.data.token);

      await client.signOut();
      me = await browserFetch(`${origin}/api/me`);
      assert.equal(me.status, 401);

      const page = await fetch(`${origin}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type"), /^text\/html/);
      const html = await page.text();
      for (const p of ["/api/auth/sign-up/email", "/api/auth/sign-in/email", "/api/auth/sign-out", "/api/auth/get-session", "/api/me"]) {
        assert.ok(html.includes(p), `page calls ${p}`);
      }

      const missing = await fetch(`${origin}/api/nope`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { error: "Not Found" });
    });
  });
}
