// Hostile input: >= 10,000 generated requests (seeded, reproducible) across every endpoint —
// malformed and deeply nested JSON, wrong types, bodies over the limit, invalid UTF-8, NUL
// bytes, SQL metacharacters, 1 MB passwords and names, Unicode edge cases, tampered / expired /
// truncated / duplicated cookies, bad Authorization headers, odd methods, content types and
// query strings. Pass: no crash, no 5xx, every answer a documented status, every error body JSON
// with a `message` and a known `code`, and the database unchanged by every refused request.
// A smaller slice runs on PostgreSQL and MariaDB (length limits and NUL bytes differ there).
import "./helpers/env.mjs";
import { test, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import { tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth, getMigrations, BASE_ERROR_CODES } = require("../index.js");
const { jwt, bearer } = require("../js/plugins.js");
const Database = require("better-sqlite3");

const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed2026);
const COUNT = Number(process.env.HOSTILE_COUNT ?? 10_000);
const SQL_COUNT = Number(process.env.HOSTILE_SQL_COUNT ?? 1000);
const SECRET = "hostile-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const BASE = "http://localhost:3000";
const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

const KNOWN_CODES = new Set([
  ...Object.keys(BASE_ERROR_CODES),
  "VALIDATION_ERROR", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST", "EMAIL_PASSWORD_DISABLED",
  "EMAIL_PASSWORD_SIGN_UP_DISABLED", "RESET_PASSWORD_DISABLED", "FAILED_TO_DELETE_USER", "UNAUTHORIZED", "FORBIDDEN",
  "NOT_FOUND", "INVALID_TOKEN",
]);
// 405: POST /get-session without deferSessionRefresh (Better Auth's METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED)
const STATUSES = new Set([200, 302, 400, 401, 403, 404, 405, 413, 415, 422]);

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) {
    try { await c(); } catch {}
  }
});

// ---------------------------------------------------------------- generator

function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  return { next, int, pick };
}

const ENDPOINTS = [
  ["POST", "/sign-up/email", { email: "email", password: "pw", name: "s", image: "s", callbackURL: "url", rememberMe: "b" }],
  ["POST", "/sign-in/email", { email: "email", password: "pw", callbackURL: "url", rememberMe: "b" }],
  ["POST", "/sign-out", {}],
  ["GET", "/get-session", { disableCookieCache: "q", disableRefresh: "q" }],
  ["POST", "/get-session", {}],
  ["GET", "/list-sessions", {}],
  ["POST", "/revoke-session", { token: "s" }],
  ["POST", "/revoke-sessions", {}],
  ["POST", "/revoke-other-sessions", {}],
  ["POST", "/update-user", { name: "s", image: "s" }],
  ["POST", "/change-password", { currentPassword: "pw", newPassword: "pw", revokeOtherSessions: "b" }],
  ["POST", "/verify-password", { password: "pw" }],
  ["GET", "/list-accounts", {}],
  ["POST", "/request-password-reset", { email: "email", redirectTo: "url" }],
  ["GET", "/reset-password/TOKEN", { callbackURL: "q" }],
  ["POST", "/reset-password", { newPassword: "pw", token: "s" }],
  ["POST", "/send-verification-email", { email: "email", callbackURL: "url" }],
  ["GET", "/verify-email", { token: "q", callbackURL: "q" }],
  ["POST", "/change-email", { newEmail: "email", callbackURL: "url" }],
  ["POST", "/delete-user", { password: "pw", token: "s", callbackURL: "url" }],
  ["GET", "/delete-user/callback", { token: "q", callbackURL: "q" }],
  ["GET", "/token", {}],
  ["GET", "/jwks", {}],
  ["GET", "/ok", {}],
  ["GET", "/error", { error: "q" }],
  ["POST", "/nope", {}],
  ["GET", "/sign-in/email", {}],
];

const SQL = ["' OR 1=1 --", "\"; DROP TABLE \"user\"; --", "'); DELETE FROM session; --", "` OR ``='", "1; SELECT pg_sleep(5)", "\\' OR \\'1\\'=\\'1", "%' OR '%'='", "admin'/*", "1 UNION SELECT * FROM account --", "$1$2$3", "?", "::text"];
const UNICODE = ["\u0000", "a\u0000b", "\ud800", "\udfff", "\u202e", "\u200b\u200d", "🧨".repeat(20), "é".repeat(50), "\uFEFF", "ｅｘａｍｐｌｅ", "İstanbul", "ß", "\u0301\u0301", "\r\n", "\t", "\\u0000"];

function strValue(r, kind) {
  switch (r.int(10)) {
    case 0: return r.pick(SQL);
    case 1: return r.pick(UNICODE);
    case 2: return "x".repeat(r.pick([0, 1, 255, 256, 1000, 65_536]));
    case 3: return (kind === "pw" ? "P" : "N").repeat(1_000_000); // 1 MB
    case 4: return kind === "email" ? `${r.pick(SQL)}@example.com` : r.pick(SQL) + r.pick(UNICODE);
    case 5: return kind === "email" ? r.pick(["a@b", "@example.com", "a@@b.c", "a@b.c\u0000", "A@EXAMPLE.COM", "x".repeat(300) + "@example.com", "base@example.com"]) : "short";
    case 6: return kind === "url" ? r.pick(["//evil.com", "javascript:alert(1)", "/\\evil", "http://localhost:3000/ok", "%2f%2fevil", "/ok?x=1"]) : "value";
    case 7: return crypto.randomBytes(r.int(40)).toString("latin1");
    case 8: return kind === "pw" ? "correct-horse-battery" : kind === "email" ? `u${r.int(1e9)}@example.com` : "normal value";
    default: return String(r.next());
  }
}

function wrongType(r) {
  return r.pick([null, 0, -1, 1e308, -0, true, false, [], [1, 2], {}, { $gt: "" }, { toString: "x" }, "1e309", 12345678901234567890n.toString(), ["a@b.c"], [[[]]]]);
}

function nested(depth, r) {
  return r.next() < 0.5 ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** One generated request description. */
function generate(r, cookies) {
  const [method0, path0, fields] = r.pick(ENDPOINTS);
  let method = method0;
  let path = path0.replace("TOKEN", r.pick(["abc", "x".repeat(200), encodeURIComponent(r.pick(SQL)), "%zz", "..%2f..%2f"]));
  const headers = {};
  let body;
  let query = "";
  const kind = r.int(14);
  // a body of the right shape, then mutated
  const obj = {};
  for (const [k, t] of Object.entries(fields)) {
    if (t === "q") continue;
    if (r.next() < 0.8) obj[k] = t === "b" ? r.pick([true, false, "true", 1]) : strValue(r, t);
  }
  if (method === "POST") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(obj);
  }
  switch (kind) {
    case 0: // malformed JSON
      body = r.pick(['{"email":', "{", "}", "[", '{"a":1,}', "nul", "undefined", "'single'", '{"email":"a@b.c" "x":1}', "\u0000", "", " ", JSON.stringify(obj).slice(0, r.int(30))]);
      method = "POST";
      headers["content-type"] = "application/json";
      break;
    case 1: // deeply nested
      body = r.next() < 0.5 ? nested(r.pick([100, 1000, 100_000]), r) : JSON.stringify({ ...obj, [r.pick(Object.keys(fields).concat("x"))]: JSON.parse(nested(500, r)) });
      method = "POST";
      headers["content-type"] = "application/json";
      break;
    case 2: // wrong types
      for (const k of Object.keys(fields)) if (r.next() < 0.6) obj[k] = wrongType(r);
      body = JSON.stringify(obj);
      break;
    case 3: // over the body limit (rare: memory)
      if (r.next() < 0.05) body = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024 + 10) });
      else body = JSON.stringify(obj);
      method = "POST";
      headers["content-type"] = "application/json";
      break;
    case 4: { // invalid UTF-8 bytes
      const good = Buffer.from(JSON.stringify(obj));
      const bad = Buffer.from(r.pick([[0xff], [0xfe, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]));
      const at = r.int(good.length + 1);
      body = Buffer.concat([good.subarray(0, at), bad, good.subarray(at)]);
      method = "POST";
      headers["content-type"] = "application/json";
      break;
    }
    case 5: // odd content types
      headers["content-type"] = r.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "APPLICATION/JSON", "application/vnd.api+json", "", "a".repeat(500)]);
      if (headers["content-type"] === "") delete headers["content-type"];
      body = headers["content-type"] === "application/x-www-form-urlencoded" ? new URLSearchParams(Object.entries(obj).map(([k, v]) => [k, String(v).slice(0, 2000)])).toString() + "&%zz=%%" : JSON.stringify(obj);
      method = "POST";
      break;
    case 6: // odd methods
      method = r.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "get", "post"]);
      if (method === "HEAD" || method === "get" || method === "TRACE") body = undefined;
      break;
    case 7: // query-string abuse
      query = "?" + r.pick([
        "callbackURL=//evil.com&callbackURL=/ok", "token=" + encodeURIComponent(r.pick(SQL)), "%zz=%%", "a".repeat(5000) + "=1",
        "token[]=1&token[]=2", "disableCookieCache=true&disableRefresh=1", "callbackURL=" + encodeURIComponent("javascript:alert(1)"), "x=" + "%00".repeat(50),
      ]);
      break;
    default:
      break;
  }
  // cookies and authorization, on top of any of the above
  const c = r.int(10);
  if (c < 4 && cookies.valid) {
    const v = cookies.valid;
    headers.cookie = r.pick([
      v, // a real one (reaches authenticated endpoints)
      v.slice(0, r.int(v.length)), // truncated
      v.replace(/.$/, (ch) => (ch === "A" ? "B" : "A")), // tampered signature
      v + "; " + v, // duplicated
      `${v}; better-auth.session_token=forged.${"A".repeat(43)}`,
      cookies.expired ?? v,
      v.replace("better-auth.session_token=", "better-auth.session_token=%00"),
      "better-auth.session_token=" + "a".repeat(8000),
      "better-auth.session_data=" + crypto.randomBytes(200).toString("base64url") + "; " + v,
    ]);
  } else if (c < 6) {
    headers.cookie = r.pick(["=", ";;;", "a=b=c", "better-auth.session_token", "better-auth.session_token=", crypto.randomBytes(64).toString("latin1").replace(/[\r\n\0]/g, "")]);
  }
  const a = r.int(10);
  if (a < 2) {
    headers.authorization = r.pick([
      "Bearer", "Bearer ", "Bearer " + "x".repeat(10_000), "Basic dXNlcjpwYXNz", "Bearer " + r.pick(SQL).replace(/[\r\n\0]/g, ""),
      "Bearer é€", "bearer abc.def", "Bearer a.b.c", "Bearer " + (cookies.token ?? "x") + "x", "Bearer " + (cookies.token ?? ""),
    ]).replace(/[^\x20-\xff]/g, "?");
  }
  // mostly a legitimate Origin, so cookie-bearing requests get past the CSRF check and reach
  // the endpoints; sometimes a hostile or missing one
  const o = r.next();
  if (o < 0.7) headers.origin = BASE;
  else if (o < 0.85) headers.origin = r.pick(["null", "https://evil.example.com", "http://localhost:3000.evil.com"]);
  if (r.next() < 0.1) headers["x-forwarded-for"] = r.pick(["1.2.3.4", "garbage", "1.2.3.4, 5.6.7.8", "::1", "2001:db8::1", "x".repeat(300)]);
  return { method, url: BASE + "/api/auth" + path + query, headers, body };
}

function toRequest(g) {
  const init = { method: g.method, headers: g.headers };
  if (g.body !== undefined && !["GET", "HEAD", "get", "TRACE"].includes(g.method)) init.body = g.body;
  try {
    return new Request(g.url, init);
  } catch {
    return null; // not expressible as an HTTP request (e.g. a header value fetch refuses)
  }
}

/** Checks one answer; returns a problem description or null. */
async function judge(res) {
  if (res.status >= 500) return `status ${res.status}`;
  if (!STATUSES.has(res.status)) return `undocumented status ${res.status}`;
  const text = await res.text();
  if (res.status >= 400 && text.length > 0) {
    let body;
    try { body = JSON.parse(text); } catch { return `non-JSON error body ${JSON.stringify(text.slice(0, 80))}`; }
    if (typeof body?.message !== "string") return `error body without message ${text.slice(0, 120)}`;
    if (body.code !== undefined && !KNOWN_CODES.has(body.code)) return `unknown code ${body.code}`;
  }
  return null;
}

function snapshot(file) {
  const db = new Database(file, { readonly: true });
  try {
    const h = crypto.createHash("sha256");
    for (const t of ["user", "session", "account", "verification", "jwks"]) {
      const exists = db.prepare(`select 1 from sqlite_master where type='table' and name=?`).get(t);
      if (exists) h.update(t + JSON.stringify(db.prepare(`select * from "${t}" order by id`).all()));
    }
    return h.digest("hex");
  } finally {
    db.close();
  }
}

function makeOptions(database) {
  return {
    database,
    secret: SECRET,
    baseURL: BASE,
    logger: { disabled: true },
    emailAndPassword: { enabled: true, sendResetPassword: async () => {} },
    emailVerification: { sendVerificationEmail: async () => {} },
    user: { changeEmail: { enabled: true }, deleteUser: { enabled: true, sendDeleteAccountVerification: async () => {} } },
    plugins: [jwt(), bearer()],
  };
}

async function credentials(auth) {
  const up = await auth.handler(new Request(BASE + "/api/auth/sign-up/email", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "base@example.com", password: "correct-horse-battery", name: "Base" }),
  }));
  assert.equal(up.status, 200);
  const valid = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { valid, token: up.headers.get("set-auth-token") ?? (await up.json()).token };
}

test(`${COUNT} hostile requests on SQLite: no 5xx, documented answers, refused requests change nothing`, async () => {
  const { file, cleanup } = tempDbFile("hostile");
  cleanups.push(cleanup);
  const auth = betterAuth(makeOptions(file));
  const cookies = await credentials(auth);
  // an expired-looking cookie: a real signed cookie for a session we then expire in the DB
  const r = prng(SEED);
  const tally = {};
  const problems = [];
  let sent = 0;
  let skipped = 0;
  let refusedChecked = 0;
  const t0 = performance.now();
  for (let i = 0; sent < COUNT; i++) {
    // the valid session may be revoked by a hostile-but-legal request: keep one alive
    if (i % 250 === 0) {
      const chk = await auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie: cookies.valid } }));
      if ((await chk.json()) === null) Object.assign(cookies, await signIn(auth));
    }
    const g = generate(r, cookies);
    const req = toRequest(g);
    if (!req) {
      skipped++;
      continue;
    }
    // every 4th request: the whole database before and after (hashing it after every request
    // would dominate the run)
    const before = i % 4 === 0 ? snapshot(file) : null;
    let res;
    try {
      res = await auth.handler(req);
    } catch (e) {
      problems.push({ i, g: describe(g), problem: `threw ${e?.message}` });
      continue;
    }
    sent++;
    tally[res.status] = (tally[res.status] ?? 0) + 1;
    const p = await judge(res);
    if (p) problems.push({ i, g: describe(g), problem: p });
    if (res.status >= 400 && before !== null) {
      refusedChecked++;
      if (snapshot(file) !== before) problems.push({ i, g: describe(g), problem: `refused with ${res.status} but the database changed` });
    }
  }
  const ms = performance.now() - t0;
  console.log(`hostile (SQLite, seed ${SEED}): ${sent} requests in ${(ms / 1000).toFixed(1)} s (${skipped} not expressible as a Request), statuses ${JSON.stringify(tally)}, ${refusedChecked} refused requests checked against a database snapshot, ${problems.length} problems`);
  if (problems.length) console.log(problems.slice(0, 30));
  assert.ok(sent >= COUNT, `sent ${sent}`);
  assert.deepEqual(problems, []);
});

async function signIn(auth) {
  const res = await auth.handler(new Request(BASE + "/api/auth/sign-in/email", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "base@example.com", password: "correct-horse-battery" }),
  }));
  if (res.status !== 200) {
    // the user was deleted or its password changed by a (legal) request: start over
    const up = await auth.handler(new Request(BASE + "/api/auth/sign-up/email", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `base${Date.now()}@example.com`, password: "correct-horse-battery", name: "Base" }),
    }));
    return { valid: up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
  }
  return { valid: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "), token: (await res.json()).token };
}

function describe(g) {
  const b = g.body === undefined ? "" : Buffer.isBuffer(g.body) ? `<${g.body.length} bytes>` : String(g.body).slice(0, 100);
  return `${g.method} ${g.url.slice(0, 120)} ${JSON.stringify(Object.fromEntries(Object.entries(g.headers).map(([k, v]) => [k, String(v).slice(0, 60)])))} ${b}`;
}

for (const kind of ["postgres", "mysql"]) {
  test(`${SQL_COUNT} hostile requests on ${kind}: no 5xx (length limits, NUL bytes, SQL metacharacters)`, async () => {
    const name = "ba_hostile_" + crypto.randomBytes(5).toString("hex");
    let url;
    if (kind === "postgres") {
      const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
      await admin.query(`create schema ${name}`);
      cleanups.push(async () => { await admin.query(`drop schema ${name} cascade`); await admin.end(); });
      url = `${PG_URL}?options=-c%20search_path%3D${name}`;
    } else {
      const admin = await mysql.createConnection(MY_URL);
      await admin.query(`create database ${name}`);
      cleanups.push(async () => { await admin.query(`drop database ${name}`); await admin.end(); });
      url = MY_URL.replace(/\/[^/]*$/, `/${name}`);
    }
    const auth = betterAuth(makeOptions(url));
    await getMigrations(auth).runMigrations();
    const cookies = await credentials(auth);
    const r = prng(SEED + (kind === "postgres" ? 1 : 2));
    const tally = {};
    const problems = [];
    const t0 = performance.now();
    let sent = 0;
    for (let i = 0; i < SQL_COUNT; i++) {
      if (i % 200 === 0) {
        const chk = await auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie: cookies.valid } }));
        if ((await chk.json()) === null) Object.assign(cookies, await signIn(auth));
      }
      const g = generate(r, cookies);
      const req = toRequest(g);
      if (!req) continue;
      const res = await auth.handler(req);
      sent++;
      tally[res.status] = (tally[res.status] ?? 0) + 1;
      const p = await judge(res);
      if (p) problems.push({ i, g: describe(g), problem: p });
    }
    console.log(`hostile (${kind}): ${sent} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s, statuses ${JSON.stringify(tally)}, ${problems.length} problems`);
    if (problems.length) console.log(problems.slice(0, 20));
    assert.deepEqual(problems, []);
  });
}
