// Cookie names and attributes from the options (issue 13, item 4): `advanced.cookies.<name>`
// (`name`, `attributes`), `advanced.defaultCookieAttributes` and `advanced.crossSubDomainCookies`,
// compared with the real better-auth: the same sequences (sign-up, sign-in with and without
// rememberMe, get-session through the cookie cache, sign-out) on fresh SQLite files; every
// Set-Cookie's name, value shape and attributes in order must be equal.
import "./helpers/env.mjs";

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { IMPLS, makeAuth, tempDbFile } from "./helpers/impls.mjs";
import { Ctx, compareRuns, cookieHeader } from "./helpers/observe.mjs";

const PW = "correct-horse-battery";
const ORIGIN = { origin: "http://localhost:3000" };

async function parity(options, check) {
  const runs = [];
  for (const kind of IMPLS) {
    const { file, cleanup } = tempDbFile("cookie-opts");
    const auth = await makeAuth(kind, { dbFile: file, ...options });
    const ctx = new Ctx(kind, auth);
    try {
      const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "A", email: "a@x.com", password: PW }, headers: ORIGIN });
      assert.equal(up.status, 200, up.text);
      const jar = cookieHeader(up.setCookies);
      await ctx.send("get-session (cache hit)", "GET", "/get-session", { headers: { cookie: jar } });
      const tokenOnly = jar.split("; ").filter((c) => !c.includes("session_data") && !c.startsWith("cache=")).join("; ");
      await ctx.send("get-session (cache rewritten)", "GET", "/get-session", { headers: { cookie: tokenOnly } });
      const inNoRemember = await ctx.send("sign-in, not remembered", "POST", "/sign-in/email", { json: { email: "a@x.com", password: PW, rememberMe: false }, headers: ORIGIN });
      await ctx.send("sign-out", "POST", "/sign-out", { headers: { ...ORIGIN, cookie: cookieHeader(inNoRemember.setCookies) } });
      if (check) check(up.setCookies);
    } finally {
      auth.close();
      cleanup();
    }
    runs.push(ctx);
  }
  compareRuns(runs);
}

describe("cookie options: parity with better-auth", () => {
  test("advanced.cookies: a renamed session cookie with SameSite=Strict, a cache cookie under another path and name", async () => {
    await parity(
      {
        session: { cookieCache: { enabled: true } },
        advanced: {
          cookies: {
            session_token: { name: "sid", attributes: { sameSite: "strict" } },
            session_data: { name: "cache", attributes: { path: "/" } },
            dont_remember: { attributes: { httpOnly: false } },
          },
        },
      },
      (cookies) => {
        assert.ok(cookies.some((c) => /^sid=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/.test(c)), cookies.join("\n"));
      },
    );
  });

  test("advanced.defaultCookieAttributes: partitioned and SameSite=None make every cookie Secure", async () => {
    await parity({ session: { cookieCache: { enabled: true } }, advanced: { defaultCookieAttributes: { sameSite: "none", partitioned: true } } }, (cookies) => {
      assert.ok(cookies.every((c) => /; Secure; SameSite=None; Partitioned$/.test(c)), cookies.join("\n"));
    });
  });

  test("advanced.crossSubDomainCookies: Domain from the option, or from baseURL", async () => {
    await parity({ advanced: { crossSubDomainCookies: { enabled: true, domain: "example.com" } } }, (cookies) => {
      assert.ok(cookies.every((c) => c.includes("; Domain=example.com; Path=/")), cookies.join("\n"));
    });
    await parity({ advanced: { crossSubDomainCookies: { enabled: true } } }, (cookies) => {
      assert.ok(cookies.every((c) => c.includes("; Domain=localhost; Path=/")), cookies.join("\n"));
    });
  });

  test("a __Host- name forces Secure and Path=/ and drops the domain", async () => {
    await parity({ advanced: { crossSubDomainCookies: { enabled: true, domain: "example.com" }, cookies: { session_token: { name: "__Host-sid", attributes: { path: "/api" } } } } }, (cookies) => {
      const sid = cookies.find((c) => c.startsWith("__Host-sid="));
      assert.ok(sid && !sid.includes("Domain=") && sid.includes("; Path=/; HttpOnly; Secure; SameSite=Lax"), cookies.join("\n"));
    });
  });
});
