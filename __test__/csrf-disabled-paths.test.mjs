// Side by side with better-auth: the form CSRF check when the origin check is off
// (`disableOriginCheck: true` with `disableCSRFCheck: false` still blocks cross-site navigations;
// without `disableCSRFCheck` both are off, with Better Auth's one-time [Deprecation] warning),
// and `disabledPaths` (a plain-text 404 over HTTP, before anything else; `auth.api` unaffected).
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import fs from "node:fs";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";
const CROSS_SITE_NAV = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

async function respond(res) {
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* text */ }
  return { status: res.status, body, type: res.headers.get("content-type") };
}

function users(file) {
  if (!fs.existsSync(file)) return []; // the engine opens its file on first use
  const db = new Database(file, { readonly: true });
  const hasUser = db.prepare(`select 1 from sqlite_master where type='table' and name='user'`).get();
  if (!hasUser) { db.close(); return []; }
  try {
    return db.prepare(`select "email" from "user" order by "email"`).all().map((r) => r.email);
  } finally {
    db.close();
  }
}

async function scenario(kind, advanced, extra = {}) {
  const { file, cleanup } = tempDbFile(`csrf-${kind}`);
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(" "));
  let auth;
  try {
    auth = await makeAuth(kind, { dbFile: file, advanced, ...extra });
  } finally {
    console.warn = warn;
  }
  const post = (p, b, h = {}) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...h }, body: new URLSearchParams(b).toString() }));
  try {
    const out = [];
    out.push(await respond(await post("/sign-up/email", { name: "X", email: "nav@example.com", password: "password-123456" }, CROSS_SITE_NAV)));
    out.push(await respond(await post("/sign-in/email", { email: "nav@example.com", password: "password-123456" }, CROSS_SITE_NAV)));
    out.push(users(file));
    return { out, warnings: warnings.filter((w) => w.includes("[Deprecation]")) };
  } finally {
    auth.close?.();
    cleanup();
  }
}

const strip = (r) => r.map((x) => (x && typeof x === "object" && !Array.isArray(x) && x.body?.token ? { ...x, body: "<session>" } : x.body?.user ? { ...x, body: "<session>" } : x));

describe("form CSRF with the origin check off, compared with better-auth", () => {
  const cases = {
    "disableOriginCheck: true, disableCSRFCheck: false": { disableOriginCheck: true, disableCSRFCheck: false },
    "disableOriginCheck: true (CSRF unset)": { disableOriginCheck: true },
    "defaults (development)": {},
  };
  for (const [label, advanced] of Object.entries(cases)) {
    test(label, async () => {
      const got = {};
      for (const kind of IMPLS) got[kind] = await scenario(kind, advanced);
      if (IMPLS.length === 2) assert.deepEqual(strip(got.ours.out), strip(got["better-auth"].out));
      const ours = got.ours ?? got["better-auth"];
      if (advanced.disableCSRFCheck === false || !advanced.disableOriginCheck) {
        assert.equal(ours.out[0].status, 403);
        assert.equal(ours.out[0].body.code, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
        assert.deepEqual(ours.out[2], [], "no user created");
      } else {
        assert.equal(ours.out[0].status, 200);
      }
    });
  }

  test("the [Deprecation] warning for disableOriginCheck without disableCSRFCheck is printed (once per process)", async () => {
    // earlier tests in this file may already have printed it in this process: run a fresh one
    const root = new URL("..", import.meta.url).pathname;
    const code = `process.env.NODE_ENV="development";const {betterAuth}=require(${JSON.stringify(root + "index.js")});for(let i=0;i<2;i++)betterAuth({secret:"x".repeat(40),database:":memory:",advanced:{disableOriginCheck:true}});betterAuth({secret:"x".repeat(40),database:":memory:",advanced:{disableOriginCheck:true,disableCSRFCheck:false}});`;
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
    const lines = r.stderr.split("\n").filter((l) => l.includes("[Deprecation]"));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /disableOriginCheck: true currently also disables CSRF checks/);
  });
});

describe("disabledPaths, compared with better-auth", () => {
  test("a disabled endpoint answers a plain-text 404 over HTTP (trailing slash too); auth.api still calls it", async () => {
    const got = {};
    for (const kind of IMPLS) {
      const { file, cleanup } = tempDbFile(`disabled-${kind}`);
      const auth = await makeAuth(kind, { dbFile: file, disabledPaths: ["/sign-up/email"], rateLimit: { enabled: false } });
      try {
        const post = (p, b) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL }, body: JSON.stringify(b) }));
        const out = [];
        out.push(await respond(await post("/sign-up/email", { name: "D", email: "d@example.com", password: "password-123456" })));
        out.push(await respond(await post("/sign-up/email/", { name: "D", email: "d@example.com", password: "password-123456" })));
        out.push(users(file));
        const viaApi = await auth.api.signUpEmail({ body: { name: "D", email: "api@example.com", password: "password-123456" } });
        out.push(viaApi.user.email);
        out.push((await respond(await post("/sign-in/email", { email: "api@example.com", password: "password-123456" }))).status);
        got[kind] = out;
      } finally {
        auth.close?.();
        cleanup();
      }
    }
    const ours = got.ours;
    assert.deepEqual(ours.slice(0, 2).map((r) => [r.status, r.body]), [[404, "Not Found"], [404, "Not Found"]]);
    assert.deepEqual(ours[2], []);
    assert.equal(ours[3], "api@example.com");
    assert.equal(ours[4], 200);
    if (IMPLS.length === 2) assert.deepEqual(ours, got["better-auth"]);
  });
});
