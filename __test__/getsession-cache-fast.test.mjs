// auth.api.getSession answered by the cookie cache synchronously (cheap crypto only, no thread
// hand-off): the same answer as the full endpoint, for every strategy; falls back to the full
// endpoint for tampered/absent cache cookies, `disableCookieCache`, hooks and response flags.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const Database = require("better-sqlite3");
const BASE = "http://localhost:3000";

for (const strategy of ["compact", "jwt", "jwe"]) {
  test(`cookie cache (${strategy}): auth.api.getSession from the cache equals the endpoint's answer`, async () => {
    const { file, cleanup } = tempDbFile(`fast-${strategy}`);
    const hookCalls = [];
    try {
      const opts = { database: file, secret: "fast-secret-0123456789-abcdefghijklmnopqrstuvwxyz", baseURL: BASE, emailAndPassword: { enabled: true }, session: { cookieCache: { enabled: true, strategy } } };
      const auth = betterAuth(opts);
      const up = await auth.handler(new Request(BASE + "/api/auth/sign-up/email", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "fast@example.com", password: "password-123456", name: "F" }),
      }));
      const cookie = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      assert.match(cookie, /session_data=/);
      const headers = new Headers({ cookie });
      const viaApi = await auth.api.getSession({ headers });
      const viaHttp = await (await auth.handler(new Request(BASE + "/api/auth/get-session", { headers }))).json();
      assert.equal(viaApi.session.createdAt instanceof Date, true);
      assert.deepEqual(JSON.parse(JSON.stringify(viaApi)), viaHttp);
      // the cache answers even once the row is gone (as Better Auth's cookie cache does) ...
      const db = new Database(file);
      db.prepare(`delete from "session"`).run();
      db.close();
      assert.equal((await auth.api.getSession({ headers })).user.email, "fast@example.com");
      // ... but not when asked to skip it, nor for a tampered cache cookie
      assert.equal(await auth.api.getSession({ headers, query: { disableCookieCache: true } }), null);
      const tampered = new Headers({ cookie: cookie.replace(/(session_data=[^;]{10})./, (m, a) => a + (m.endsWith("A") ? "B" : "A")) });
      assert.equal(await auth.api.getSession({ headers: tampered }), null);
      // response flags take the full endpoint (headers included)
      const withHeaders = await auth.api.getSession({ headers, returnHeaders: true });
      assert.equal(withHeaders.headers.get("cache-control"), "no-store");

      // hooks see getSession calls: with hooks the synchronous path stands aside
      const hooked = betterAuth({ ...opts, hooks: { after: async (ctx) => { hookCalls.push(ctx.path); } } });
      const up2 = await hooked.handler(new Request(BASE + "/api/auth/sign-up/email", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "hooked@example.com", password: "password-123456", name: "H" }),
      }));
      const cookie2 = up2.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      hookCalls.length = 0;
      assert.equal((await hooked.api.getSession({ headers: new Headers({ cookie: cookie2 }) })).user.email, "hooked@example.com");
      assert.equal(hookCalls.length, 1);

      // how much the synchronous path saves (printed, not asserted)
      const time = async (fn) => { const n = 3000; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t0) * 1000) / n; };
      const auth3 = betterAuth(opts);
      const up3 = await auth3.handler(new Request(BASE + "/api/auth/sign-up/email", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "speed@example.com", password: "password-123456", name: "S" }),
      }));
      const h3 = new Headers({ cookie: up3.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") });
      const fast = await time(() => auth3.api.getSession({ headers: h3 }));
      const full = await time(() => auth3.api.getSession({ headers: h3, query: { disableCookieCache: true } }));
      console.log(`getSession with the ${strategy} cookie cache: ${fast.toFixed(1)} µs/call synchronous, ${full.toFixed(1)} µs/call through the database`);
    } finally {
      cleanup();
    }
  });
}
