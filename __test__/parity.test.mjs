// Parity: the same request sequences go through `auth.handler(new Request(...))` (and `auth.api`)
// of the real better-auth and of better-auth-rs, each on a fresh SQLite file, and every response is
// reduced to an observation that must be equal between the two:
//   status, statusText, every response header (by value) except Set-Cookie, the JSON body with ids
//   (32-char alnum) and ISO dates compared by shape, all other strings/numbers/booleans by value
//   (so error `code` and `message` exactly), Set-Cookie as [name, value shape, attributes in order]
//   with signed values checked against the secret (HMAC-SHA256, base64, percent-encoded).
// Ids are numbered by first appearance (`<id#1>`, ...), so "the cookie carries the token the body
// returned" and "session.userId is user.id" are compared too. Keys whose value is `undefined`
// (only possible in `auth.api` results) count as absent, as they would in JSON.
// With IMPLS=better-auth the package is compared with a second instance of itself (harness check).
//
// Where better-auth 1.7.25 differs from shared/spec/http-api.md (the tests follow the package):
//  - Sign-up with an invalid email: 400 VALIDATION_ERROR "[body.email] Invalid email address"
//    (spec 4.2 lists INVALID_EMAIL for sign-up; only sign-in answers 400 INVALID_EMAIL "Invalid email").
//  - Sign-in checks maxPasswordLength: a 129+ char (or 1 MB) password gets 400 PASSWORD_TOO_LONG
//    "Password too long" before any lookup (spec 4.2: "Password length is not checked on sign-in").
//  - The media-type check is an exact match of the lowercased base type, not a substring match
//    (spec 1.3): "application/json-patch+json" gets 415.
// Package behaviour the spec does not spell out (also followed):
//  - An empty sign-up password is a schema error: 400 VALIDATION_ERROR
//    "[body.password] Too small: expected string to have >=1 characters"; an empty sign-in password
//    is 401 INVALID_EMAIL_OR_PASSWORD.
//  - `auth.api` results keep keys whose value is `undefined` (`signInEmail` → `url: undefined`,
//    `signOut` → `{ success: true, url: undefined, redirect: undefined }`); over HTTP they are
//    omitted. The comparison below treats such keys as absent.
//  - `auth.api` calls whose headers carry no IP store `session.ipAddress: ""`; HTTP requests in
//    development store "127.0.0.1" (the dev/test IP fallback applies to requests only).
//  - JSON key order (Kysely SQLite adapter): user `name,email,emailVerified,image,createdAt,updatedAt,id`,
//    session `expiresAt,token,createdAt,updatedAt,ipAddress,userAgent,userId,id`. Compared by
//    the key-order test at the end.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { IMPLS, BASE_URL, makeAuth, tempDbFile } from "./helpers/impls.mjs";
import {
  API,
  ID32,
  ISO,
  REFERENCE,
  Ctx,
  sign,
  cookieHeader,
  compareRuns,
  expectError,
  expectOk,
  minutesBetween,
} from "./helpers/observe.mjs";

// Better Auth's own plugin object: better-auth-rs serves it as its own `bearer()`.
const { bearer } = createRequire(import.meta.url)("better-auth/plugins");

const PW = "correct-horse-battery";

async function runOnce(kind, fn, options) {
  const { file, cleanup } = tempDbFile("parity");
  const auth = await makeAuth(kind, { dbFile: file, ...options });
  const ctx = new Ctx(kind, auth);
  try {
    await fn(ctx);
  } catch (e) {
    if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
    throw e;
  } finally {
    auth.close?.();
    cleanup();
  }
  return ctx;
}

/**
 * Declares a parity test: runs `fn(ctx)` against every selected implementation (the reference
 * twice when it is the only one) and compares the recorded steps one by one with better-auth's.
 */
function parity(name, fn, options = {}, { compare = "steps", todo } = {}) {
  test(name, { todo }, async () => {
    const kinds = IMPLS.length === 1 && IMPLS[0] === REFERENCE ? [REFERENCE, REFERENCE] : IMPLS;
    const runs = [];
    for (const kind of kinds) runs.push(await runOnce(kind, fn, options));
    compareRuns(runs, compare);
  });
}

const signUpBody = (email = "ada@example.com", extra = {}) => ({ name: "Ada Lovelace", email, password: PW, ...extra });
const TRUSTED = { origin: BASE_URL };

// ---------------------------------------------------------------------------------------------

describe("parity: sign-up", () => {
  parity("sign-up ok, then get-session with its cookie", async (ctx) => {
    const r = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() });
    expectOk(r);
    assert.match(r.json.token, ID32);
    assert.match(r.json.user.id, ID32);
    assert.match(r.json.user.createdAt, ISO);
    assert.equal(r.json.user.email, "ada@example.com");
    assert.equal(r.cookies.length, 1);
    assert.equal(r.cookies[0].name, "better-auth.session_token");
    assert.deepEqual(r.cookies[0].attributes, ["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Lax"]);
    assert.match(r.cookies[0].value, /^<id#\d+>\.<valid-sig>$/);
    const g = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: cookieHeader(r.setCookies) } });
    expectOk(g);
    assert.equal(g.headers["cache-control"], "no-store");
    assert.equal(g.json.session.token, r.json.token);
    assert.equal(g.json.session.userId, r.json.user.id);
    ctx.record("session lifetime (minutes)", minutesBetween(g.json.session.createdAt, g.json.session.expiresAt));
  });

  parity("sign-up duplicate email (also differently cased) → 422", async (ctx) => {
    expectOk(await ctx.send("first", "POST", "/sign-up/email", { json: signUpBody() }));
    const dup = await ctx.send("same email", "POST", "/sign-up/email", { json: signUpBody() });
    expectError(dup, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.");
    assert.equal(dup.cookies.length, 0);
    const upper = await ctx.send("upper-cased email", "POST", "/sign-up/email", { json: signUpBody("ADA@Example.COM") });
    expectError(upper, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
  });

  parity("sign-up email is stored lower-cased", async (ctx) => {
    const r = await ctx.send("mixed-case email", "POST", "/sign-up/email", { json: signUpBody("Grace.Hopper@Example.COM") });
    expectOk(r);
    assert.equal(r.json.user.email, "grace.hopper@example.com");
  });

  parity("sign-up password length limits (UTF-16 code units)", async (ctx) => {
    expectError(await ctx.send("7 chars", "POST", "/sign-up/email", { json: signUpBody("a@x.io", { password: "1234567" }) }), 400, "PASSWORD_TOO_SHORT", "Password too short");
    expectError(
      await ctx.send("empty", "POST", "/sign-up/email", { json: signUpBody("a@x.io", { password: "" }) }),
      400,
      "VALIDATION_ERROR",
      "[body.password] Too small: expected string to have >=1 characters",
    );
    expectError(await ctx.send("129 chars", "POST", "/sign-up/email", { json: signUpBody("a@x.io", { password: "p".repeat(129) }) }), 400, "PASSWORD_TOO_LONG", "Password too long");
    expectOk(await ctx.send("8 chars", "POST", "/sign-up/email", { json: signUpBody("b@x.io", { password: "12345678" }) }));
    expectOk(await ctx.send("128 chars", "POST", "/sign-up/email", { json: signUpBody("c@x.io", { password: "p".repeat(128) }) }));
    // 4 emoji = 8 UTF-16 code units (4 code points): long enough for JS string length.
    expectOk(await ctx.send("4 emoji (8 units)", "POST", "/sign-up/email", { json: signUpBody("d@x.io", { password: "😀".repeat(4) }) }));
    // 65 emoji = 130 code units: too long although only 65 code points.
    expectError(await ctx.send("65 emoji (130 units)", "POST", "/sign-up/email", { json: signUpBody("e@x.io", { password: "😀".repeat(65) }) }), 400, "PASSWORD_TOO_LONG");
  });

  parity("sign-up invalid email → 400 VALIDATION_ERROR", async (ctx) => {
    expectError(
      await ctx.send("not an email", "POST", "/sign-up/email", { json: signUpBody("not-an-email") }),
      400,
      "VALIDATION_ERROR",
      "[body.email] Invalid email address",
    );
  });

  parity("sign-up missing or mistyped fields → VALIDATION_ERROR messages", async (ctx) => {
    const missing = (f) => `[body.${f}] Invalid input: expected string, received undefined`;
    const { name, ...noName } = signUpBody();
    const { email, ...noEmail } = signUpBody();
    const { password, ...noPassword } = signUpBody();
    expectError(await ctx.send("no name", "POST", "/sign-up/email", { json: noName }), 400, "VALIDATION_ERROR", missing("name"));
    expectError(await ctx.send("no email", "POST", "/sign-up/email", { json: noEmail }), 400, "VALIDATION_ERROR", missing("email"));
    expectError(await ctx.send("no password", "POST", "/sign-up/email", { json: noPassword }), 400, "VALIDATION_ERROR", missing("password"));
    expectError(
      await ctx.send("empty object", "POST", "/sign-up/email", { json: {} }),
      400,
      "VALIDATION_ERROR",
      [missing("name"), missing("email"), missing("password")].join("; "),
    );
    expectError(
      await ctx.send("name is a number", "POST", "/sign-up/email", { json: signUpBody(undefined, { name: 123 }) }),
      400,
      "VALIDATION_ERROR",
      "[body.name] Invalid input: expected string, received number",
    );
    expectError(
      await ctx.send("rememberMe is a string", "POST", "/sign-up/email", { json: signUpBody(undefined, { rememberMe: "no" }) }),
      400,
      "VALIDATION_ERROR",
      "[body.rememberMe] Invalid input: expected boolean, received string",
    );
    await ctx.send("JSON array body", "POST", "/sign-up/email", { json: "[]" });
    await ctx.send("JSON null body", "POST", "/sign-up/email", { json: "null" });
    await ctx.send("sign-in without body", "POST", "/sign-in/email", {});
    // an empty name is allowed
    expectOk(await ctx.send("empty name", "POST", "/sign-up/email", { json: signUpBody("empty@x.io", { name: "" }) }));
  });

  parity("sign-up with a form-urlencoded body", async (ctx) => {
    const r = await ctx.send("form", "POST", "/sign-up/email", { form: { name: "Form User", email: "form@x.io", password: PW, unknownField: "dropped" } });
    expectOk(r);
    assert.equal(r.json.user.name, "Form User");
    assert.equal("unknownField" in r.json.user, false);
    // form values are strings: a boolean field cannot be sent
    await ctx.send("form with rememberMe=false", "POST", "/sign-up/email", { form: { name: "F", email: "form2@x.io", password: PW, rememberMe: "false" } });
    expectOk(await ctx.send("sign-in with form", "POST", "/sign-in/email", { form: { email: "form@x.io", password: PW } }));
  });
});

describe("parity: body parsing", () => {
  parity("malformed JSON → 400 BAD_REQUEST", async (ctx) => {
    expectError(await ctx.send("sign-up {bad", "POST", "/sign-up/email", { json: "{bad" }), 400, "BAD_REQUEST", "Invalid JSON in request body");
    expectError(await ctx.send("sign-in empty JSON body", "POST", "/sign-in/email", { json: "" }), 400, "BAD_REQUEST");
    expectError(await ctx.send("sign-out truncated", "POST", "/sign-out", { json: '{"a":' }), 400, "BAD_REQUEST");
  });

  parity("wrong content-type → 415 UNSUPPORTED_MEDIA_TYPE", async (ctx) => {
    const r = await ctx.send("sign-up text/plain", "POST", "/sign-up/email", { body: "hello", contentType: "text/plain" });
    expectError(r, 415, "UNSUPPORTED_MEDIA_TYPE", 'Content-Type "text/plain" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json');
    expectError(
      await ctx.send("sign-out form", "POST", "/sign-out", { form: { a: "b" } }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      'Content-Type "application/x-www-form-urlencoded" is not allowed. Allowed types: application/json',
    );
    expectError(
      await ctx.send("body without content-type", "POST", "/sign-up/email", { body: new TextEncoder().encode('{"a":1}') }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Content-Type is required. Allowed types: application/x-www-form-urlencoded, application/json",
    );
    await ctx.send("application/json-patch+json", "POST", "/sign-in/email", { json: { email: "a@x.io", password: PW }, contentType: "application/json-patch+json" });
    await ctx.send("application/vnd.api+json", "POST", "/sign-in/email", { json: { email: "a@x.io", password: PW }, contentType: "application/vnd.api+json" });
    // accepted variants (reach the endpoint: unknown user → 401)
    expectError(await ctx.send("json; charset", "POST", "/sign-in/email", { json: { email: "a@x.io", password: PW }, contentType: "application/json; charset=utf-8" }), 401, "INVALID_EMAIL_OR_PASSWORD");
    expectError(await ctx.send("upper-case type", "POST", "/sign-in/email", { json: { email: "a@x.io", password: PW }, contentType: "Application/JSON" }), 401, "INVALID_EMAIL_OR_PASSWORD");
  });
});

describe("parity: body parsing (JSON.parse and disableBody)", () => {
  parity("POST /get-session never reads its body (disableBody): 405 whatever it carries", async (ctx) => {
    const bodies = [
      ["text/plain", { body: "hello", contentType: "text/plain" }],
      ["malformed JSON", { json: "{" }],
      ["no content-type", { body: new TextEncoder().encode("x") }],
      ["form", { form: { a: "b" } }],
      ["2 MB of JSON", { json: JSON.stringify({ a: "x".repeat(2_000_000) }) }],
    ];
    for (const [label, opts] of bodies) {
      expectError(await ctx.send(`POST get-session, ${label}`, "POST", "/get-session", opts), 405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED");
    }
  });

  parity("lone-surrogate escapes (\\ud800) parse as JSON.parse parses them", async (ctx) => {
    // a password with a lone surrogate hashes as it encodes to UTF-8: U+FFFD in its place
    expectOk(await ctx.send("sign-up, lone surrogate in the password", "POST", "/sign-up/email", { json: '{"email":"sur@example.com","password":"correct-horse\\ud800","name":"Sur"}' }));
    expectOk(await ctx.send("sign-in with U+FFFD in its place", "POST", "/sign-in/email", { json: { email: "sur@example.com", password: "correct-horse\ufffd" } }));
    expectOk(await ctx.send("sign-in with the same escape", "POST", "/sign-in/email", { json: '{"email":"sur@example.com","password":"correct-horse\\udfff"}' }));
    expectError(await ctx.send("sign-in, the password without it", "POST", "/sign-in/email", { json: { email: "sur@example.com", password: "correct-horse" } }), 401, "INVALID_EMAIL_OR_PASSWORD");
    expectError(await ctx.send("an email with a lone surrogate", "POST", "/sign-up/email", { json: '{"email":"s\\ud800@example.com","password":"correct-horse-battery","name":"x"}' }), 400, "VALIDATION_ERROR");
    expectError(await ctx.send("an untrusted callbackURL with one", "POST", "/sign-up/email", { json: '{"email":"cb@example.com","password":"correct-horse-battery","name":"x","callbackURL":"https://evil.example/\\ud800"}' }), 403, "INVALID_CALLBACK_URL");
    // a pair stays one character; a key with a lone surrogate is an unknown field
    const pair = await ctx.send("a surrogate pair and a lone-surrogate key", "POST", "/sign-up/email", { json: '{"email":"pair@example.com","password":"correct-horse-battery","name":"a\\ud83d\\ude00b","\\ud800":1}' });
    expectOk(pair);
    assert.equal(pair.json.user.name, "a\u{1F600}b");
  });
});

describe("parity: bearer()", () => {
  parity("a native client's sign-in (Authorization, no Origin, no cookie) passes the form CSRF check", async (ctx) => {
    const su = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() });
    expectOk(su);
    assert.equal(su.headers["set-auth-token"], "<id#1>.<valid sig>");
    const authorization = `Bearer ${su.json.token}.${sign(su.json.token)}`; // what set-auth-token carried
    const creds = { email: "ada@example.com", password: PW };
    expectOk(await ctx.send("sign-in, Authorization only", "POST", "/sign-in/email", { json: creds, headers: { authorization } }));
    expectOk(await ctx.send("sign-in, raw token", "POST", "/sign-in/email", { json: creds, headers: { authorization: `Bearer ${su.json.token}` } }));
    expectOk(await ctx.send("sign-up, Authorization only", "POST", "/sign-up/email", { json: signUpBody("bob@example.com"), headers: { authorization } }));
    // the request's own headers still decide: Fetch Metadata without Origin, or a real cookie
    expectError(await ctx.send("sign-in, Authorization + sec-fetch-mode", "POST", "/sign-in/email", { json: creds, headers: { authorization, "sec-fetch-mode": "cors" } }), 403, "MISSING_OR_NULL_ORIGIN");
    expectError(await ctx.send("sign-in, Authorization + cookie", "POST", "/sign-in/email", { json: creds, headers: { authorization, cookie: "theme=dark" } }), 403, "MISSING_OR_NULL_ORIGIN");
    expectOk(await ctx.send("sign-in, Authorization + trusted Origin", "POST", "/sign-in/email", { json: creds, headers: { authorization, ...TRUSTED } }));
    const s = await ctx.send("get-session with Authorization", "GET", "/get-session", { headers: { authorization } });
    expectOk(s);
    assert.equal(s.json.user.email, "ada@example.com");
  }, { plugins: [bearer()] });
});

describe("parity: sign-in", () => {
  parity("sign-in ok / wrong password / unknown email / invalid email", async (ctx) => {
    expectOk(await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() }));
    const ok = await ctx.send("sign-in ok", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW } });
    expectOk(ok);
    assert.equal(ok.json.redirect, false);
    assert.equal("url" in ok.json, false);
    assert.deepEqual(ok.cookies[0].attributes, ["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Lax"]);
    expectOk(await ctx.send("sign-in upper-cased email", "POST", "/sign-in/email", { json: { email: "ADA@example.com", password: PW } }));
    const wrong = await ctx.send("wrong password", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: "wrong-password" } });
    expectError(wrong, 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
    assert.equal(wrong.cookies.length, 0);
    expectError(await ctx.send("unknown email", "POST", "/sign-in/email", { json: { email: "nobody@example.com", password: PW } }), 401, "INVALID_EMAIL_OR_PASSWORD");
    expectError(await ctx.send("invalid email", "POST", "/sign-in/email", { json: { email: "nope", password: PW } }), 400, "INVALID_EMAIL", "Invalid email");
    expectError(await ctx.send("missing password", "POST", "/sign-in/email", { json: { email: "ada@example.com" } }), 400, "VALIDATION_ERROR");
    expectError(await ctx.send("empty password", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: "" } }), 401, "INVALID_EMAIL_OR_PASSWORD");
  });

  parity("sign-in rememberMe:false → dont_remember cookie, no Max-Age, 1-day session", async (ctx) => {
    expectOk(await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() }));
    const r = await ctx.send("sign-in rememberMe:false", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, rememberMe: false } });
    expectOk(r);
    assert.deepEqual(r.cookies.map((c) => c.name), ["better-auth.session_token", "better-auth.dont_remember"]);
    for (const c of r.cookies) assert.deepEqual(c.attributes, ["Path=/", "HttpOnly", "SameSite=Lax"]);
    assert.equal(r.cookies[1].value, "true.<valid-sig>");
    const g = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: cookieHeader(r.setCookies) } });
    expectOk(g);
    ctx.record("session lifetime (minutes)", minutesBetween(g.json.session.createdAt, g.json.session.expiresAt));
    const u = await ctx.send("sign-up rememberMe:false", "POST", "/sign-up/email", { json: signUpBody("b@x.io", { rememberMe: false }) });
    expectOk(u);
  });

  parity("sign-in with callbackURL → redirect:true, url, Location", async (ctx) => {
    expectOk(await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() }));
    const rel = await ctx.send("relative callbackURL", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, callbackURL: "/dashboard" } });
    expectOk(rel);
    assert.equal(rel.json.redirect, true);
    assert.equal(rel.json.url, "/dashboard");
    assert.equal(rel.headers.location, "/dashboard");
    const abs = await ctx.send("absolute trusted callbackURL", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, callbackURL: BASE_URL + "/home?x=1" } });
    expectOk(abs);
    expectError(
      await ctx.send("untrusted callbackURL", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, callbackURL: "https://evil.example/steal" } }),
      403,
      "INVALID_CALLBACK_URL",
    );
    expectError(
      await ctx.send("protocol-relative callbackURL", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, callbackURL: "//evil.example" } }),
      403,
      "INVALID_CALLBACK_URL",
    );
  });

  parity("sign-up/sign-in CSRF without cookies", async (ctx) => {
    expectError(
      await ctx.send("untrusted Origin", "POST", "/sign-up/email", { json: signUpBody(), headers: { origin: "https://evil.example" } }),
      403,
      "INVALID_ORIGIN",
      "Invalid origin",
    );
    expectError(
      await ctx.send("sec-fetch-mode without Origin", "POST", "/sign-up/email", { json: signUpBody(), headers: { "sec-fetch-mode": "cors" } }),
      403,
      "MISSING_OR_NULL_ORIGIN",
      "Missing or null Origin",
    );
    expectError(
      await ctx.send("cross-site navigation", "POST", "/sign-in/email", { form: { email: "a@x.io", password: PW }, headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } }),
      403,
      "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    );
    expectOk(await ctx.send("trusted Origin", "POST", "/sign-up/email", { json: signUpBody(), headers: { origin: BASE_URL, "sec-fetch-mode": "cors" } }));
  });
});

describe("parity: get-session", () => {
  parity("get-session without / with valid / tampered / truncated / unknown cookie", async (ctx) => {
    const none = await ctx.send("no cookie", "GET", "/get-session");
    assert.equal(none.status, 200);
    assert.equal(none.text, "null");
    assert.equal(none.headers["cache-control"], "no-store");
    const su = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() });
    const cookie = cookieHeader(su.setCookies);
    const [name, value] = [cookie.slice(0, cookie.indexOf("=")), decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1))];
    const [token, sig] = [value.slice(0, value.lastIndexOf(".")), value.slice(value.lastIndexOf(".") + 1)];
    const withCookie = (v) => ({ headers: { cookie: `${name}=${encodeURIComponent(v)}` } });

    const ok = await ctx.send("valid cookie", "GET", "/get-session", { headers: { cookie } });
    expectOk(ok);
    assert.deepEqual(Object.keys(ok.json).sort(), ["session", "user"]);
    assert.equal(ok.json.session.token, token);

    const flip = (s, i) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    const t1 = await ctx.send("tampered token", "GET", "/get-session", withCookie(flip(token, 0) + "." + sig));
    assert.equal(t1.text, "null");
    assert.equal(t1.cookies.length, 0);
    await ctx.send("tampered signature", "GET", "/get-session", withCookie(token + "." + flip(sig, 3)));
    await ctx.send("truncated signature", "GET", "/get-session", withCookie(token + "." + sig.slice(0, 20)));
    await ctx.send("cookie cut in half", "GET", "/get-session", { headers: { cookie: cookie.slice(0, Math.floor(cookie.length / 2)) } });
    await ctx.send("token without signature", "GET", "/get-session", withCookie(token));
    await ctx.send("percent garbage", "GET", "/get-session", { headers: { cookie: `${name}=%%%zz` } });
    await ctx.send("other cookies only", "GET", "/get-session", { headers: { cookie: "theme=dark; foo=bar" } });
    const unknown = "A".repeat(32);
    const u = await ctx.send("validly signed unknown token", "GET", "/get-session", withCookie(unknown + "." + sign(unknown)));
    assert.equal(u.text, "null");
    await ctx.send("POST get-session (no deferSessionRefresh)", "POST", "/get-session", { json: {}, headers: { cookie, ...TRUSTED } });
    const again = await ctx.send("valid cookie again", "GET", "/get-session", { headers: { cookie } });
    expectOk(again);
  });
});

describe("parity: sign-out", () => {
  parity("sign-out with and without cookie, origin checks", async (ctx) => {
    const bare = await ctx.send("no cookie, no body", "POST", "/sign-out");
    expectOk(bare);
    assert.deepEqual(bare.json, { success: true });
    assert.equal(bare.cookies.length, 3);
    await ctx.send("no cookie, {} body", "POST", "/sign-out", { json: {} });

    const su = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() });
    const cookie = cookieHeader(su.setCookies);
    expectError(await ctx.send("cookie, no Origin", "POST", "/sign-out", { json: {}, headers: { cookie } }), 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin");
    expectError(await ctx.send("cookie, Origin null", "POST", "/sign-out", { json: {}, headers: { cookie, origin: "null" } }), 403, "MISSING_OR_NULL_ORIGIN");
    expectError(await ctx.send("cookie, untrusted Origin", "POST", "/sign-out", { json: {}, headers: { cookie, origin: "https://evil.example" } }), 403, "INVALID_ORIGIN", "Invalid origin");
    expectError(await ctx.send("cookie, untrusted Referer", "POST", "/sign-out", { json: {}, headers: { cookie, referer: "https://evil.example/x" } }), 403, "INVALID_ORIGIN");
    // the session survived the rejected attempts
    expectOk(await ctx.send("still signed in", "GET", "/get-session", { headers: { cookie } }));

    const out = await ctx.send("cookie, trusted Origin", "POST", "/sign-out", { json: {}, headers: { cookie, ...TRUSTED } });
    expectOk(out);
    assert.deepEqual(out.json, { success: true });
    assert.deepEqual(out.cookies.map((c) => c.name), ["better-auth.session_token", "better-auth.session_data", "better-auth.dont_remember"]);
    for (const c of out.cookies) {
      assert.equal(c.value, "");
      assert.deepEqual(c.attributes, ["Max-Age=0", "Path=/", "HttpOnly", "SameSite=Lax"]);
    }
    const after = await ctx.send("get-session after sign-out", "GET", "/get-session", { headers: { cookie } });
    assert.equal(after.text, "null");
    await ctx.send("sign-out again (trusted Referer)", "POST", "/sign-out", { json: {}, headers: { cookie, referer: BASE_URL + "/page" } });
  });
});

describe("parity: routing", () => {
  parity("GET /ok, unknown routes, trailing slash, wrong methods", async (ctx) => {
    const ok = await ctx.send("GET /ok", "GET", "/ok");
    expectOk(ok);
    assert.deepEqual(ok.json, { ok: true });
    await ctx.send("GET /ok?x=1", "GET", "/ok?x=1");
    const unknown = await ctx.send("unknown route", "GET", "/does-not-exist");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.text, "");
    assert.equal(unknown.headers["content-type"], undefined);
    await ctx.send("unknown POST route", "POST", "/sign-up/phone", { json: {} });
    await ctx.send("trailing slash", "GET", "/get-session/");
    await ctx.send("trailing slash POST", "POST", "/sign-in/email/", { json: { email: "a@x.io", password: PW } });
    await ctx.send("GET /sign-out", "GET", "/sign-out");
    await ctx.send("GET /sign-in/email", "GET", "/sign-in/email");
    await ctx.send("PUT /sign-in/email", "PUT", "/sign-in/email", { json: {} });
    await ctx.send("DELETE /sign-out", "DELETE", "/sign-out");
    await ctx.send("HEAD /ok", "HEAD", "/ok");
    await ctx.send("OPTIONS /sign-in/email", "OPTIONS", "/sign-in/email");
    await ctx.send("bare base path", "GET", "");
    await ctx.send("base path with slash", "GET", "/");
    await ctx.send("double slash", "GET", "//ok");
    await ctx.send("outside base path", "GET", "/../../ok");
  });
});

describe("parity: cookie options", () => {
  parity(
    "useSecureCookies: true → __Secure- names and Secure",
    async (ctx) => {
      const r = await ctx.send("sign-up rememberMe:false", "POST", "/sign-up/email", { json: signUpBody(undefined, { rememberMe: false }) });
      expectOk(r);
      assert.deepEqual(r.cookies.map((c) => c.name), ["__Secure-better-auth.session_token", "__Secure-better-auth.dont_remember"]);
      for (const c of r.cookies) assert.deepEqual(c.attributes, ["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
      const cookie = cookieHeader(r.setCookies);
      expectOk(await ctx.send("get-session", "GET", "/get-session", { headers: { cookie } }));
      const plain = await ctx.send("non-secure name is ignored", "GET", "/get-session", { headers: { cookie: cookie.replaceAll("__Secure-", "") } });
      assert.equal(plain.text, "null");
      const si = await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW } });
      assert.deepEqual(si.cookies[0].attributes, ["Max-Age=604800", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
      const out = await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie, ...TRUSTED } });
      expectOk(out);
      for (const c of out.cookies) assert.ok(c.name.startsWith("__Secure-") && c.attributes.includes("Secure"));
    },
    { advanced: { useSecureCookies: true } },
  );

  parity(
    "https baseURL → secure cookies by default",
    async (ctx) => {
      const r = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody(), base: "https://auth.example.com" });
      expectOk(r);
      assert.equal(r.cookies[0].name, "__Secure-better-auth.session_token");
    },
    { baseURL: "https://auth.example.com" },
  );

  parity(
    "advanced.cookiePrefix",
    async (ctx) => {
      const r = await ctx.send("sign-in rememberMe:false", "POST", "/sign-up/email", { json: signUpBody(undefined, { rememberMe: false }) });
      expectOk(r);
      assert.deepEqual(r.cookies.map((c) => c.name), ["my-app.session_token", "my-app.dont_remember"]);
      const cookie = cookieHeader(r.setCookies);
      expectOk(await ctx.send("get-session", "GET", "/get-session", { headers: { cookie } }));
      const wrongPrefix = await ctx.send("default-prefix cookie ignored", "GET", "/get-session", { headers: { cookie: cookie.replaceAll("my-app.", "better-auth.") } });
      assert.equal(wrongPrefix.text, "null");
      const out = await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie, ...TRUSTED } });
      assert.deepEqual(out.cookies.map((c) => c.name), ["my-app.session_token", "my-app.session_data", "my-app.dont_remember"]);
    },
    { advanced: { cookiePrefix: "my-app" } },
  );
});

describe("parity: large input", () => {
  parity("1 MB password on sign-up and on sign-in", async (ctx) => {
    const huge = "x".repeat(1024 * 1024);
    const t0 = Date.now();
    expectError(await ctx.send("sign-up 1 MB password", "POST", "/sign-up/email", { json: signUpBody(undefined, { password: huge }) }), 400, "PASSWORD_TOO_LONG");
    expectOk(await ctx.send("sign-up normal", "POST", "/sign-up/email", { json: signUpBody() }));
    expectError(await ctx.send("sign-in 1 MB password", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: huge } }), 400, "PASSWORD_TOO_LONG");
    expectError(await ctx.send("sign-in 1 MB password, unknown user", "POST", "/sign-in/email", { json: { email: "nobody@example.com", password: huge } }), 400, "PASSWORD_TOO_LONG");
    assert.ok(Date.now() - t0 < 5000, "1 MB passwords must be rejected without hashing them");
  });
});

// ---------------------------------------------------------------------------------------------

describe("parity: auth.api", () => {
  parity("getSession: null without cookie, object with Date fields with one", async (ctx) => {
    const none = await ctx.api("getSession, empty headers", (api) => api.getSession({ headers: new Headers() }));
    assert.equal(none, null);
    const su = await ctx.api("signUpEmail", (api) => api.signUpEmail({ body: signUpBody() }));
    assert.match(su.token, ID32);
    assert.ok(su.user.createdAt instanceof Date, "user.createdAt is a Date");
    assert.ok(su.user.updatedAt instanceof Date, "user.updatedAt is a Date");
    const si = await ctx.api("signInEmail returnHeaders", (api) => api.signInEmail({ body: { email: "ada@example.com", password: PW }, returnHeaders: true }));
    assert.ok(si.headers instanceof Headers);
    const setCookies = si.headers.getSetCookie();
    assert.equal(setCookies.length, 1);
    assert.match(setCookies[0], /^better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(si.response.redirect, false);
    assert.match(si.response.token, ID32);
    const cookie = cookieHeader(setCookies);
    const s = await ctx.api("getSession with cookie", (api) => api.getSession({ headers: new Headers({ cookie }) }));
    assert.ok(s && s.session && s.user);
    for (const k of ["createdAt", "updatedAt", "expiresAt"]) assert.ok(s.session[k] instanceof Date, `session.${k} is a Date`);
    for (const k of ["createdAt", "updatedAt"]) assert.ok(s.user[k] instanceof Date, `user.${k} is a Date`);
    assert.equal(s.session.token, si.response.token);
    await ctx.api("getSession with a plain-object headers init", (api) => api.getSession({ headers: { cookie } }));
    await ctx.api("getSession with tampered cookie", (api) => api.getSession({ headers: new Headers({ cookie: cookie.replace(/=./, "=%") }) }));
    await ctx.api("getSession without headers", (api) => api.getSession({}));
    await ctx.api("getSession returnHeaders", (api) => api.getSession({ headers: new Headers({ cookie }), returnHeaders: true }));
    await ctx.api("getSession asResponse (no cookie)", (api) => api.getSession({ headers: new Headers(), asResponse: true }));
  });

  parity("signInEmail with a wrong password throws an APIError", async (ctx) => {
    await ctx.api("signUpEmail", (api) => api.signUpEmail({ body: signUpBody() }));
    const e = await ctx.api("signInEmail wrong password", (api) => api.signInEmail({ body: { email: "ada@example.com", password: "wrong-password" } }));
    assert.ok(e instanceof Error, "throws");
    assert.equal(e.name, "APIError");
    assert.equal(e.status, "UNAUTHORIZED");
    assert.equal(e.statusCode, 401);
    assert.equal(e.body.code, "INVALID_EMAIL_OR_PASSWORD");
    assert.equal(e.body.message, "Invalid email or password");
    assert.equal(e.message, "Invalid email or password");
    const dup = await ctx.api("signUpEmail duplicate", (api) => api.signUpEmail({ body: signUpBody() }));
    assert.equal(dup.status, "UNPROCESSABLE_ENTITY");
    assert.equal(dup.statusCode, 422);
    await ctx.api("signUpEmail short password", (api) => api.signUpEmail({ body: signUpBody("b@x.io", { password: "short" }) }));
    await ctx.api("signUpEmail missing name", (api) => api.signUpEmail({ body: { email: "c@x.io", password: PW } }));
    await ctx.api("signInEmail invalid email", (api) => api.signInEmail({ body: { email: "nope", password: PW } }));
  });

  parity("signOut, asResponse and returnHeaders", async (ctx) => {
    await ctx.api("signUpEmail asResponse", (api) => api.signUpEmail({ body: signUpBody(), asResponse: true }));
    const res = await ctx.api("signInEmail asResponse", (api) => api.signInEmail({ body: { email: "ada@example.com", password: PW }, asResponse: true }));
    assert.ok(res instanceof Response);
    const wrong = await ctx.api("signInEmail asResponse, wrong password", (api) => api.signInEmail({ body: { email: "ada@example.com", password: "nope-nope" }, asResponse: true }));
    assert.ok(wrong instanceof Response);
    assert.equal(wrong.status, 401);
    const si = await ctx.api("signInEmail returnHeaders", (api) => api.signInEmail({ body: { email: "ada@example.com", password: PW }, returnHeaders: true }));
    const cookie = cookieHeader(si.headers.getSetCookie());
    const cb = await ctx.api("signInEmail with callbackURL", (api) => api.signInEmail({ body: { email: "ada@example.com", password: PW, callbackURL: "/next" } }));
    assert.equal(cb.redirect, true);
    assert.equal(cb.url, "/next");
    // no request → no origin check, even with a cookie and no Origin
    const out = await ctx.api("signOut with cookie", (api) => api.signOut({ headers: new Headers({ cookie }) }));
    assert.equal(out.success, true);
    const gone = await ctx.api("getSession after signOut", (api) => api.getSession({ headers: new Headers({ cookie }) }));
    assert.equal(gone, null);
    await ctx.api("signOut returnHeaders, no cookie", (api) => api.signOut({ headers: new Headers(), returnHeaders: true }));
    await ctx.api("signOut without headers", (api) => api.signOut({}));
    await ctx.api("signOut asResponse", (api) => api.signOut({ headers: new Headers(), asResponse: true }));
    await ctx.api("ok", (api) => api.ok());
  });
});

// ---------------------------------------------------------------------------------------------
// Informational: JSON key order is not part of the parity contract above (clients parse JSON), but
// byte-identical bodies are nicer for snapshot tests. Marked `todo`, so a difference is reported
// without failing the run.

describe("parity: JSON key order", () => {
  parity(
    "key order of sign-up, sign-in, get-session and error bodies",
    async (ctx) => {
      const su = await ctx.send("sign-up", "POST", "/sign-up/email", { json: signUpBody() });
      await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email: "ada@example.com", password: PW, callbackURL: "/x" } });
      await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: cookieHeader(su.setCookies) } });
      await ctx.send("error", "POST", "/sign-in/email", { json: { email: "nope", password: PW } });
      await ctx.send("sign-out", "POST", "/sign-out");
    },
    {},
    { compare: "keyOrders" },
  );
});
