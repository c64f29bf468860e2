// The whole account lifecycle with the official client (`better-auth/client`, unmodified)
// against the Express example: sign up → verification mail captured by the callback → verify →
// password reset through the mailed link → old sessions revoked → sign in with the new
// password. Run on better-auth and on better-auth-rs; the client must see the same thing.
import "./helpers/env.mjs";
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { createAuthClient } from "better-auth/client";
import { IMPLS, makeAuth, nodeHelpers, tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { createApp } = require("../examples/express/app.js");

function browser(origin) {
  const jar = new Map();
  const fetchImpl = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set("origin", origin);
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(input, { ...init, headers, redirect: "manual" });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";").map((s) => s.trim());
      const i = pair.indexOf("=");
      if (attrs.some((a) => /^max-age=0$/i.test(a))) jar.delete(pair.slice(0, i));
      else jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  return { fetch: fetchImpl, jar };
}

const flows = {};
for (const kind of IMPLS) {
  describe(`full lifecycle with the official client (${kind})`, () => {
    let server, origin, auth, db;
    const mail = [];
    before(async () => {
      server = http.createServer();
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      origin = `http://127.0.0.1:${server.address().port}`;
      db = tempDbFile("flow");
      auth = await makeAuth(kind, {
        dbFile: db.file,
        baseURL: origin,
        emailAndPassword: {
          requireEmailVerification: true,
          revokeSessionsOnPasswordReset: true,
          sendResetPassword: async ({ user, url, token }) => { mail.push({ type: "reset", to: user.email, url, token }); },
        },
        emailVerification: {
          sendVerificationEmail: async ({ user, url, token }) => { mail.push({ type: "verify", to: user.email, url, token }); },
          autoSignInAfterVerification: true,
        },
      });
      const { toNodeHandler, fromNodeHeaders } = await nodeHelpers(kind);
      server.on("request", createApp({ auth, toNodeHandler, fromNodeHeaders }));
    });
    after(async () => {
      await new Promise((r) => server.close(r));
      auth?.close();
      db?.cleanup();
    });

    test("sign up → verify → reset → revoked → sign in", async () => {
      const steps = [];
      const laptop = browser(origin);
      const phone = browser(origin);
      const c = createAuthClient({ baseURL: origin, fetchOptions: { customFetchImpl: laptop.fetch } });
      const p = createAuthClient({ baseURL: origin, fetchOptions: { customFetchImpl: phone.fetch } });

      const up = await c.signUp.email({ name: "Flow", email: "flow@example.com", password: "first-password-1", callbackURL: "/verified" });
      steps.push(["sign-up", up.error?.status ?? 200, up.data?.token ?? null]);
      assert.equal(up.data.user.email, "flow@example.com");
      assert.ok(up.data.user.createdAt instanceof Date, "the client revives dates");
      const early = await c.signIn.email({ email: "flow@example.com", password: "first-password-1" });
      steps.push(["sign-in before verifying", early.error?.status, early.error?.code]);

      const verifyMail = mail.find((m) => m.type === "verify");
      assert.ok(verifyMail, "verification mail captured");
      const v = await laptop.fetch(verifyMail.url);
      steps.push(["open verification link", v.status, new URL(v.headers.get("location"), origin).pathname]);
      const s1 = await c.getSession();
      steps.push(["signed in after verification", s1.data?.user.emailVerified ?? null]);

      const ph = await p.signIn.email({ email: "flow@example.com", password: "first-password-1" });
      steps.push(["phone signs in", ph.error ? ph.error.status : 200]);

      const rq = await createAuthClient({ baseURL: origin, fetchOptions: { customFetchImpl: browser(origin).fetch } }).requestPasswordReset({ email: "flow@example.com", redirectTo: "/reset" });
      steps.push(["request reset", rq.error?.status ?? 200, rq.data?.status]);
      const resetMail = mail.find((m) => m.type === "reset");
      const link = await browser(origin).fetch(resetMail.url);
      const target = new URL(link.headers.get("location"));
      steps.push(["open reset link", link.status, target.pathname, target.searchParams.get("token") === resetMail.token]);
      const rs = await createAuthClient({ baseURL: origin, fetchOptions: { customFetchImpl: browser(origin).fetch } }).resetPassword({ newPassword: "second-password-2", token: target.searchParams.get("token") });
      steps.push(["reset password", rs.error?.status ?? 200, rs.data?.status]);

      const s2 = await p.getSession();
      steps.push(["phone after reset", s2.data]);
      const me = await phone.fetch(origin + "/api/me");
      steps.push(["phone /api/me", me.status]);
      const old = await p.signIn.email({ email: "flow@example.com", password: "first-password-1" });
      steps.push(["old password", old.error?.status, old.error?.code]);
      const ok = await p.signIn.email({ email: "flow@example.com", password: "second-password-2" });
      steps.push(["new password", ok.error ? ok.error.status : 200, ok.data?.user.email]);
      const me2 = await phone.fetch(origin + "/api/me");
      steps.push(["phone /api/me again", me2.status]);
      flows[kind] = steps;
    });
  });
}

if (IMPLS.length > 1) {
  test("the official client sees the same lifecycle on both implementations", () => {
    assert.ok(Array.isArray(flows.ours) && flows.ours.length === 13, "our flow ran");
    assert.ok(Array.isArray(flows["better-auth"]) && flows["better-auth"].length === 13, "better-auth's flow ran");
    assert.deepEqual(flows.ours, flows["better-auth"]);
  });
}
