// nextCookies() (issue 22): auth.api calls made in a Next.js server action write their
// Set-Cookie through `cookies()` from next/headers. `next/headers` is replaced by a fake with
// Next's interface (helpers/fake-next-headers.mjs: cookies().set(name, value, options),
// headers()), and the same calls run on better-auth with its own nextCookies() and on ours (with
// our nextCookies() and with better-auth's object): the cookie writes (names, options, value
// shapes) and the session refresh skipped in a Server Component render must be the same.
import "./helpers/env.mjs";
import { register } from "node:module";
import { spawnSync } from "node:child_process";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { nextCookies as baNextCookies } from "better-auth/next-js";
import { bearer as baBearer, jwt as baJwt } from "better-auth/plugins";
import { makeAuth, tempDbFile } from "./helpers/impls.mjs";
import ourNextJs from "../js/next-js.js";
import ourPlugins from "../js/plugins.js";

register("./helpers/fake-next-headers-hooks.mjs", import.meta.url);

const files = [];
after(() => files.forEach((f) => f.cleanup()));

/** Runs `fn` in a fake Next request scope; returns [result or error, cookie writes]. */
async function inScope(headers, fn, { readOnly = false } = {}) {
  const writes = [];
  globalThis.__fakeNextRequest = {
    headers: new Headers(headers),
    cookies: {
      set(name, value, options) {
        // Next's ReadonlyRequestCookies in a Server Component render: nothing is written
        if (readOnly) throw new Error("Cookies can only be modified in a Server Action or Route Handler.");
        writes.push([name, value, options]);
      },
    },
  };
  try {
    return [await fn(), writes];
  } catch (e) {
    return [e, writes];
  } finally {
    delete globalThis.__fakeNextRequest;
  }
}

const ACTION = { "next-action": "7f00aa", rsc: "1" }; // a server action POST
const RSC = { rsc: "1" }; // a Server Component render (client navigation)

/** A write with the value reduced to its shape (tokens and signatures differ between runs). */
function shape([name, value, options]) {
  const v = value === "" ? "" : /^[A-Za-z0-9_-]+\.[A-Za-z0-9+/=_-]+$/.test(value) ? "<signed>" : "<value>";
  const o = { ...options };
  if (o.expires instanceof Date) o.expires = Number.isNaN(o.expires.getTime()) ? "<invalid date>" : "<date>";
  return [name, v, o];
}

/** `cookie` header from the writes (Next stores the value and sends it URI-encoded). */
function cookieHeader(writes, jar = new Map()) {
  for (const [name, value, options] of writes) {
    if (options.maxAge === 0) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join("; ");
}

const sessionOf = (r) => (r && r.session ? { expiresAt: r.session.expiresAt.getTime(), userEmail: r.user.email } : r);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The same story on one implementation; returns its transcript. */
async function story(kind, plugin, extra = {}) {
  const db = tempDbFile(`next-cookies-${kind}`);
  files.push(db);
  // updateAge 0: every getSession that may refresh does
  const auth = await makeAuth(kind, { dbFile: db.file, plugins: [plugin], session: { updateAge: 0 }, ...extra });
  const t = [];
  const email = "ada@example.com";
  const password = "correct-horse-battery";

  let [r, writes] = await inScope(ACTION, () => auth.api.signUpEmail({ body: { name: "Ada", email, password }, headers: new Headers(ACTION) }));
  t.push(["signUpEmail", r instanceof Error ? r.message : "ok", writes.map(shape)]);

  [r, writes] = await inScope(ACTION, () => auth.api.signInEmail({ body: { email, password }, headers: new Headers(ACTION) }));
  t.push(["signInEmail", r instanceof Error ? r.message : "ok", writes.map(shape)]);
  const jar = new Map();
  const cookie = cookieHeader(writes, jar);

  // what the database holds, read without a scope and without refreshing
  const stored = async () =>
    sessionOf(await auth.api.getSession({ headers: new Headers({ cookie }), query: { disableRefresh: true, disableCookieCache: true } }));
  const before = await stored();
  assert.ok(before, `${kind}: signed in through the written cookies`);
  await sleep(15);

  // Server Component render: the refresh that would need a cookie write is skipped (the cookie
  // cache is bypassed so that the database is read, as when the cache cookie has expired)
  const query = { disableCookieCache: true };
  [r, writes] = await inScope({ ...RSC, cookie }, () => auth.api.getSession({ headers: new Headers({ ...RSC, cookie }), query }), { readOnly: true });
  t.push(["getSession in RSC", sessionOf(r)?.expiresAt === before.expiresAt ? "not refreshed" : "refreshed", writes.map(shape)]);
  assert.equal((await stored()).expiresAt, before.expiresAt, `${kind}: the database is not refreshed in an RSC render`);

  // the same in a server action refreshes, and the new cookie is written
  [r, writes] = await inScope({ ...ACTION, cookie }, () => auth.api.getSession({ headers: new Headers({ ...ACTION, cookie }), query }));
  t.push(["getSession in a server action", sessionOf(r)?.expiresAt > before.expiresAt ? "refreshed" : "not refreshed", writes.map(shape)]);
  assert.ok((await stored()).expiresAt > before.expiresAt, `${kind}: refreshed in the database`);

  [r, writes] = await inScope(ACTION, () => auth.api.signInEmail({ body: { email, password: "wrong-password-123" }, headers: new Headers(ACTION) }));
  t.push(["signInEmail, wrong password", r instanceof Error ? `${r.status} ${r.body?.code}` : "ok", writes.map(shape)]);

  [r, writes] = await inScope(ACTION, () => auth.api.signInEmail({ body: { email, password, rememberMe: false }, headers: new Headers(ACTION) }));
  t.push(["signInEmail, rememberMe false", r instanceof Error ? r.message : "ok", writes.map(shape)]);
  const cookie2 = cookieHeader(writes, new Map());

  [r, writes] = await inScope({ ...ACTION, cookie: cookie2 }, () => auth.api.signOut({ headers: new Headers({ ...ACTION, cookie: cookie2 }) }));
  t.push(["signOut", r instanceof Error ? r.message : JSON.stringify(r), writes.map(shape)]);

  // the same call as a Response: cookies written too
  [r, writes] = await inScope(ACTION, () => auth.api.signInEmail({ body: { email, password }, headers: new Headers(ACTION), asResponse: true }));
  t.push(["signInEmail asResponse", r instanceof Response ? r.status : r.message, writes.map(shape)]);

  // outside a request scope (a script, a test): the call works, nothing is written
  let outside;
  try {
    outside = await auth.api.signInEmail({ body: { email, password }, headers: new Headers() });
  } catch (e) {
    outside = e;
  }
  t.push(["signInEmail outside a request scope", outside instanceof Error ? outside.message : "ok"]);

  auth.close?.();
  return t;
}

describe("nextCookies(): auth.api cookies through next/headers, as better-auth's", () => {
  const cases = [
    ["plain sessions", {}],
    ["cookie cache (compact)", { session: { updateAge: 0, cookieCache: { enabled: true, maxAge: 300 } } }],
  ];
  for (const [label, extra] of cases) {
    test(`${label}: same cookie writes and refresh skips as better-auth's own nextCookies`, async () => {
      const expected = await story("better-auth", baNextCookies(), extra);
      // sanity: the story writes cookies at all
      assert.ok(expected[1][2].some(([n]) => n === "better-auth.session_token"), JSON.stringify(expected[1]));
      const ours = await story("ours", ourNextJs.nextCookies(), extra);
      assert.deepEqual(ours, expected);
      const oursWithBaObject = await story("ours", baNextCookies(), extra);
      assert.deepEqual(oursWithBaObject, expected);
    });
  }

  test("the options passed for the session cookie, in full", async () => {
    const db = tempDbFile("next-cookies-full");
    files.push(db);
    const auth = await makeAuth("ours", { dbFile: db.file, plugins: [ourNextJs.nextCookies()] });
    const [, writes] = await inScope(ACTION, () =>
      auth.api.signUpEmail({ body: { name: "Ada", email: "full@example.com", password: "correct-horse-battery" }, headers: new Headers(ACTION) }),
    );
    assert.equal(writes.length, 1);
    const [name, value, options] = writes[0];
    assert.equal(name, "better-auth.session_token");
    assert.match(value, /^[A-Za-z0-9]+\.[A-Za-z0-9+/]+=*$/, "decoded, as Better Auth passes it");
    assert.deepEqual(options, {
      maxAge: 604800,
      expires: undefined,
      domain: undefined,
      path: "/",
      secure: undefined,
      httpOnly: true,
      sameSite: "lax",
      partitioned: undefined,
    });
  });

  test("the HTTP handler never writes through cookies() (its Response carries the cookies)", async () => {
    const db = tempDbFile("next-cookies-handler");
    files.push(db);
    const auth = await makeAuth("ours", { dbFile: db.file, plugins: [ourNextJs.nextCookies()] });
    const [res, writes] = await inScope(ACTION, () =>
      auth.handler(
        new Request("http://localhost:3000/api/auth/sign-up/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "http://localhost:3000" },
          body: JSON.stringify({ name: "Ada", email: "handler@example.com", password: "correct-horse-battery" }),
        }),
      ),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.getSetCookie().length, 1);
    assert.deepEqual(writes, []);
  });

  test("not last in plugins: Better Auth's warning, once; last: none", async () => {
    const warnings = [];
    const saved = console.warn;
    console.warn = (...a) => warnings.push(a.join(" "));
    let baWarnings = [];
    try {
      for (const [plugins, expectWarning] of [
        [[ourNextJs.nextCookies(), ourPlugins.bearer()], true],
        [[baNextCookies(), baJwt()], true],
        [[ourPlugins.bearer(), ourPlugins.jwt(), ourNextJs.nextCookies()], false],
        [[baBearer(), baNextCookies()], false],
      ]) {
        warnings.length = 0;
        const db = tempDbFile("next-cookies-warn");
        files.push(db);
        // the warning goes through the logger, as Better Auth's (the harness disables it)
        const auth = await makeAuth("ours", { dbFile: db.file, plugins, logger: { disabled: false } });
        await auth.api.getSession({ headers: new Headers() });
        await auth.api.getSession({ headers: new Headers() });
        assert.equal(warnings.length, expectWarning ? 1 : 0, JSON.stringify(warnings));
        if (expectWarning) assert.match(warnings[0], /Cookie integration plugin "next-cookies" should be placed last/);
      }
      // better-auth's own text (its logger, at the first get-session)
      const db = tempDbFile("next-cookies-warn-ba");
      files.push(db);
      const ba = await makeAuth("better-auth", {
        dbFile: db.file,
        plugins: [baNextCookies(), baBearer()],
        logger: { disabled: false, level: "warn", log: (level, message) => baWarnings.push(message) },
      });
      await ba.api.getSession({ headers: new Headers() });
      ba.close();
    } finally {
      console.warn = saved;
    }
    const [w, ...rest] = await (async () => {
      const out = [];
      console.warn = (...a) => out.push(a.join(" "));
      try {
        const db = tempDbFile("next-cookies-warn-2");
        files.push(db);
        await makeAuth("ours", { dbFile: db.file, plugins: [ourNextJs.nextCookies(), ourPlugins.bearer()], logger: { disabled: false } });
        // a disabled logger prints nothing
        const quiet = tempDbFile("next-cookies-warn-3");
        files.push(quiet);
        await makeAuth("ours", { dbFile: quiet.file, plugins: [ourNextJs.nextCookies(), ourPlugins.bearer()] });
      } finally {
        console.warn = saved;
      }
      return out;
    })();
    assert.equal(baWarnings.length, 1, JSON.stringify(baWarnings));
    assert.equal(w.replace("[better-auth-rs] ", ""), baWarnings[0].replace("[better-auth] ", ""));
    assert.equal(rest.length, 0, JSON.stringify(rest));
  });

  test("outside Next.js (next not installed) the plugin does nothing", () => {
    // a child process without the fake: `next` is not installed at the repository root
    const script = `
      const { betterAuth } = require("./index.js");
      const { nextCookies } = require("./js/next-js.js");
      const path = require("node:path"), os = require("node:os"), fs = require("node:fs");
      const file = path.join(os.tmpdir(), "ba-rs-next-outside-" + process.pid + ".db");
      const auth = betterAuth({ database: file, secret: "x".repeat(40), baseURL: "http://localhost:3000", emailAndPassword: { enabled: true }, plugins: [nextCookies()] });
      (async () => {
        try {
          const r = await auth.api.signUpEmail({ body: { name: "A", email: "a@example.com", password: "correct-horse-battery" }, headers: new Headers() });
          const s = await auth.api.getSession({ headers: new Headers({ cookie: "x=1" }) });
          console.log(JSON.stringify({ token: typeof r.token, session: s }));
        } finally {
          for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
        }
      })();`;
    const out = spawnSync(process.execPath, ["-e", script], { cwd: new URL("..", import.meta.url), encoding: "utf8", env: { ...process.env, NODE_ENV: "development" } });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout.trim().split("\n").pop()), { token: "string", session: null });
  });
});
