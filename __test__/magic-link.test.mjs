// Parity of the magic-link plugin (shared/spec/plugins.md §0.1, §4, §7 Q12): the same request
// sequences go through `auth.handler(new Request(...))`, `auth.api.*` and the official client
// (`magicLinkClient()` with `createAuthClient` and a `customFetchImpl` calling `auth.handler`) of
// the real better-auth 1.7.25 and of better-auth-rs, both given Better Auth's own plugin object
// (`magicLink(opts)` from "better-auth/plugins"), each on a fresh database per dialect
// (BA_RS_MAGIC_LINK_DBS=sqlite,postgres,mysql picks them). Every response is reduced as in
// parity.test.mjs (helpers/observe.mjs): status, headers, JSON with ids/dates by shape,
// Set-Cookie with signatures checked; plus what `sendMagicLink` received (the link's token by
// shape) and, after the steps that write, the verification, user, account and session rows read
// back with plain SQL. With IMPLS=better-auth the package is compared with a second run of itself.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { createAuthClient } from "better-auth/client";
import { magicLinkClient } from "better-auth/client/plugins";
import { IMPLS, SECRET, BASE_URL } from "./helpers/impls.mjs";
import { REFERENCE, Ctx, norm, compareRuns, expectError, expectOk } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase, toMs, cookieOf } from "./helpers/dialects.mjs";

const require = createRequire(import.meta.url);
const { magicLink, admin } = require("better-auth/plugins");
const { APIError } = require("better-auth/api");

const DIALECTS = dialectsFrom(process.env.BA_RS_MAGIC_LINK_DBS);
const PW = "correct-horse-battery";
const TRUSTED = { origin: BASE_URL };
const hashToken = (t) => crypto.createHash("sha256").update(t).digest("base64url");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const randomIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

class MagicCtx extends Ctx {
  constructor(kind, db) {
    super(kind, null);
    this.db = db;
    this.mails = [];
    this.hashes = new Map(); // stored hash → the token it hides (for shaping identifiers)
    this.migrated = false;
  }

  /** Builds the auth instance: `magicLink(ml)` (Better Auth's object) plus `plugins`. */
  async configure({ ml = {}, plugins = [], ...options } = {}) {
    const m = await loadImpl(this.kind);
    const mails = this.mails;
    const opts = {
      secret: SECRET,
      baseURL: BASE_URL,
      logger: { disabled: true },
      ...options,
      emailAndPassword: { enabled: true, ...(options.emailAndPassword || {}) },
      database: this.db.forAuth(this.kind),
      plugins: [
        magicLink({
          async sendMagicLink(data, ctx) {
            mails.push({ ...data, ctxPath: ctx?.path, ctxHasRequest: ctx?.request instanceof Request });
          },
          ...ml,
        }),
        ...plugins,
      ],
    };
    if (this.kind === REFERENCE && !this.migrated) await m.migrate(opts);
    this.auth = m.betterAuth(opts);
    if (this.kind !== REFERENCE && !this.migrated) await m.migrate(opts, this.auth);
    this.migrated = true;
    return this.auth;
  }

  post(label, path, json, { cookie, headers = {} } = {}) {
    return this.send(label, "POST", path, { json, headers: { ...TRUSTED, ...(cookie ? { cookie } : {}), ...headers } });
  }

  get(label, path, query, { cookie, headers = {} } = {}) {
    const qs = query ? "?" + (typeof query === "string" ? query : new URLSearchParams(query).toString()) : "";
    return this.send(label, "GET", path + qs, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  }

  /** POST /sign-in/magic-link and the mail it sent: `{ r, mail }` (mail undefined when none). */
  async askLink(label, body, opts) {
    const before = this.mails.length;
    const r = await this.post(label, "/sign-in/magic-link", body, opts);
    const mail = this.mails.length > before ? this.mails[this.mails.length - 1] : undefined;
    if (mail) this.hashes.set(hashToken(mail.token), mail.token);
    this.record(`${label}: mail`, mail ? this.shapeMail(mail) : "<no mail>");
    return { r, mail };
  }

  /** A mail with the token (in the URL too) by shape. */
  shapeMail(mail) {
    const url = new URL(mail.url);
    const params = [...url.searchParams].map(([k, v]) => [k, k === "token" ? this.sh.string(v) : v]);
    return {
      email: mail.email,
      url: `${url.origin}${url.pathname}`,
      params,
      token: this.sh.string(mail.token),
      tokenIsLetters: /^[A-Za-z]{32}$/.test(mail.token),
      metadata: mail.metadata,
      hasMetadataKey: "metadata" in mail,
      ctxPath: mail.ctxPath,
      ctxHasRequest: mail.ctxHasRequest,
    };
  }

  /** GET /magic-link/verify with the mail's query (or `query`); returns the response with `.cookie`. */
  async verify(label, mailOrQuery, opts) {
    let query = mailOrQuery;
    if (mailOrQuery && mailOrQuery.url) query = Object.fromEntries(new URL(mailOrQuery.url).searchParams);
    const r = await this.get(label, "/magic-link/verify", query, opts);
    r.cookie = cookieOf(r.setCookies);
    if (r.headers.location) this.record(`${label}: location`, this.shapeLocation(r.headers.location));
    return r;
  }

  shapeLocation(loc) {
    return loc;
  }

  /** Records the rows the plugin touches, read with SQL (dates by shape, lifetimes in seconds). */
  async rows(label) {
    const q = this.db.ident;
    const now = Date.now();
    const verifications = (await this.db.query(`select * from ${q("verification")}`))
      .filter((v) => toMs(v.expiresAt) > now)
      .sort((a, b) => toMs(a.createdAt) - toMs(b.createdAt) || (a.value < b.value ? -1 : 1))
      .map((v) => {
        let identifier = v.identifier;
        const [prefix, ...rest] = identifier.split(":");
        const tail = rest.join(":");
        if (prefix === "magic-link") {
          if (this.hashes.has(tail) && !/^[A-Za-z]{32}$/.test(tail)) identifier = `magic-link:<hash of ${this.sh.string(this.hashes.get(tail))}>`;
          else identifier = `magic-link:${this.sh.string(tail)}`;
        }
        return { identifier, value: v.value, lifetimeSeconds: Math.round((toMs(v.expiresAt) - toMs(v.createdAt)) / 1000) };
      })
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    const users = (await this.db.query(`select * from ${q("user")}`)).sort((a, b) => (a.email < b.email ? -1 : 1));
    const emailOf = new Map(users.map((u) => [u.id, u.email]));
    const accounts = (await this.db.query(`select * from ${q("account")}`))
      .map((a) => ({ user: emailOf.get(a.userId), providerId: a.providerId, hasPassword: typeof a.password === "string" && a.password.length > 0 }))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    const sessions = (await this.db.query(`select * from ${q("session")}`))
      .map((s) => ({ user: emailOf.get(s.userId), token: this.sh.ids.has(s.token) ? this.sh.id(s.token) : "<unseen token>" }))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    const out = {
      verifications,
      users: users.map((u) => ({ email: u.email, name: u.name, emailVerified: Boolean(u.emailVerified), image: u.image, role: u.role })),
      accounts,
      sessions,
    };
    this.record(`rows: ${label}`, out);
    return out;
  }
}

async function runOnce(kind, dialect, fn, options) {
  const db = await openDatabase(dialect, "magic");
  const ctx = new MagicCtx(kind, db);
  try {
    await ctx.configure(options);
    await fn(ctx);
  } catch (e) {
    if (e && typeof e.message === "string") e.message = `[${kind} on ${dialect}] ${e.message}`;
    throw e;
  } finally {
    await db.cleanup();
  }
  return ctx;
}

/**
 * Declares a parity test for one dialect. `refFailsOn`: dialects where Better Auth cannot run
 * the sequence (a known bug, see docs/COMPATIBILITY.md): there only better-auth-rs runs it, with
 * the sequence's own assertions.
 */
function parityOn(dialect) {
  return (name, fn, options = {}, { refFailsOn = [] } = {}) =>
    test(name, async () => {
      let kinds = IMPLS.length === 1 && IMPLS[0] === REFERENCE ? [REFERENCE, REFERENCE] : IMPLS;
      if (refFailsOn.includes(dialect)) kinds = kinds.filter((k) => k !== REFERENCE);
      const runs = [];
      for (const kind of kinds) runs.push(await runOnce(kind, dialect, fn, options));
      if (process.env.BA_RS_PARITY_DUMP) {
        const fs = await import("node:fs");
        fs.mkdirSync(process.env.BA_RS_PARITY_DUMP, { recursive: true });
        runs.forEach((r, i) => {
          const file = `ml-${dialect}-${name.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 60)}-${i}-${r.kind}.json`;
          fs.writeFileSync(`${process.env.BA_RS_PARITY_DUMP}/${file}`, JSON.stringify(r.steps, null, 1));
        });
      }
      compareRuns(runs);
    });
}

function expectRedirect(r, location) {
  assert.equal(r.status, 302, `expected 302, got ${r.status}: ${r.text}`);
  if (location !== undefined) assert.equal(r.headers.location, location);
}

function defineSuite(dialect) {
  const parity = parityOn(dialect);

  describe("sign-in request and the mailed link", () => {
    parity("a new user: the mail, the stored row (email as sent), the link signs up and redirects to newUserCallbackURL", async (ctx) => {
      const { r, mail } = await ctx.askLink("request", { email: "New@X.com", name: "Newbie", callbackURL: "/dash", newUserCallbackURL: "/welcome", metadata: { inviteId: 7 } });
      expectOk(r);
      assert.deepEqual(r.json, { status: true });
      assert.ok(mail, "sendMagicLink was called");
      assert.equal(mail.email, "New@X.com");
      await ctx.rows("after the request");
      const v = await ctx.verify("verify", mail);
      expectRedirect(v, "http://localhost:3000/welcome");
      await ctx.rows("after verify");
      const gs = await ctx.get("get-session", "/get-session", null, { cookie: v.cookie });
      expectOk(gs);
      assert.equal(gs.json?.user?.email, "new@x.com");
      assert.equal(gs.json?.user?.name, "Newbie");
      assert.equal(gs.json?.user?.emailVerified, true);
      const again = await ctx.verify("the same link again", mail);
      expectRedirect(again, "http://localhost:3000/dash?error=INVALID_TOKEN");
      await ctx.rows("after reuse");
    });

    parity("without callbackURL the link answers JSON { token, user, session }; an existing verified user keeps their account", async (ctx) => {
      const { mail } = await ctx.askLink("request (new user, no name)", { email: "json@x.com" });
      const v = await ctx.verify("verify without callbackURL in the query", { token: mail.token });
      expectOk(v);
      assert.equal(v.json?.user?.name, "");
      assert.equal(typeof v.json?.session?.token, "string");
      await ctx.rows("new user");
      const second = await ctx.askLink("request again (existing, verified)", { email: "JSON@x.com", callbackURL: "/dash", newUserCallbackURL: "/welcome" });
      const v2 = await ctx.verify("verify the second link", second.mail);
      expectRedirect(v2, "http://localhost:3000/dash");
      await ctx.rows("two sessions");
      const v3 = await ctx.verify("the mailed URL, callbackURL=/ in it", await ctx.askLink("third", { email: "json@x.com" }).then((x) => x.mail));
      expectRedirect(v3, "http://localhost:3000/");
    });

    parity("an unverified password user: magic link deletes their accounts and sessions and verifies the email", async (ctx) => {
      const su = await ctx.post("sign-up with a password", "/sign-up/email", { name: "Pat", email: "pat@x.com", password: PW });
      expectOk(su);
      const oldCookie = cookieOf(su.setCookies);
      await ctx.rows("after sign-up");
      const { mail } = await ctx.askLink("request", { email: "pat@x.com", name: "Ignored", callbackURL: "/dash", newUserCallbackURL: "/welcome" });
      const v = await ctx.verify("verify", mail);
      expectRedirect(v, "http://localhost:3000/dash");
      await ctx.rows("after verify: no account, old session gone, verified");
      const old = await ctx.get("the old session", "/get-session", null, { cookie: oldCookie });
      assert.equal(old.json, null);
      const fresh = await ctx.get("the new session", "/get-session", null, { cookie: v.cookie });
      assert.equal(fresh.json?.user?.emailVerified, true);
      expectError(await ctx.post("password sign-in now fails", "/sign-in/email", { email: "pat@x.com", password: PW }), 401, "INVALID_EMAIL_OR_PASSWORD");
      // a verified user keeps the password account
      const su2 = await ctx.post("second sign-up", "/sign-up/email", { name: "Q", email: "q@x.com", password: PW });
      expectOk(su2);
      await ctx.db.query(`update ${ctx.db.ident("user")} set ${ctx.db.ident("emailVerified")} = ${ctx.db.dialect === "sqlite" ? 1 : "true"} where ${ctx.db.ident("email")} = 'q@x.com'`);
      const v2 = await ctx.verify("verify for a verified password user", { token: (await ctx.askLink("request q", { email: "q@x.com" })).mail.token });
      expectOk(v2);
      await ctx.rows("the verified user kept the password and the session");
      expectOk(await ctx.post("q signs in with the password", "/sign-in/email", { email: "q@x.com", password: PW }));
    }, {}, { refFailsOn: ["mysql"] });

    parity("generateToken, metadata and sendMagicLink's arguments", async (ctx) => {
      const { mail } = await ctx.askLink("request", { email: "gen@x.com", metadata: { a: [1, "b"], nested: { c: true } }, errorCallbackURL: "/oops" });
      assert.equal(mail.token, "tok-gen@x.com");
      await ctx.rows("custom token row");
      expectRedirect(await ctx.verify("verify the custom token", mail), "http://localhost:3000/");
      expectRedirect(await ctx.verify("a wrong token goes to errorCallbackURL", { token: "nope", callbackURL: "/", errorCallbackURL: "/oops" }), "http://localhost:3000/oops?error=INVALID_TOKEN");
    }, { ml: { generateToken: async (email) => `tok-${email}` } });
  });

  describe("single use, expiry, storage", () => {
    parity("expired links answer INVALID_TOKEN (errorCallbackURL with its query kept), and are gone", async (ctx) => {
      const { mail } = await ctx.askLink("request", { email: "late@x.com", callbackURL: "/dash?tab=1", errorCallbackURL: "/err?from=mail" });
      await sleep(1300);
      const v = await ctx.verify("verify after expiry", mail);
      expectRedirect(v, "http://localhost:3000/err?from=mail&error=INVALID_TOKEN");
      assert.equal(v.cookies.length, 0);
      await ctx.rows("nothing created");
      const fresh = await ctx.askLink("a fresh request", { email: "late@x.com", callbackURL: "/dash?tab=1" });
      const v2 = await ctx.verify("verify in time", fresh.mail);
      expectRedirect(v2, "http://localhost:3000/dash?tab=1");
      const v3 = await ctx.verify("used twice: error to callbackURL with its query", fresh.mail);
      expectRedirect(v3, "http://localhost:3000/dash?tab=1&error=INVALID_TOKEN");
    }, { ml: { expiresIn: 1 } });

    parity("storeToken: hashed keeps only SHA-256 of the token; tampered rows are refused", async (ctx) => {
      const { mail } = await ctx.askLink("request", { email: "hash@x.com", name: "H" });
      await ctx.rows("hashed identifier");
      expectOk(await ctx.verify("verify", { token: mail.token }));
      expectRedirect(await ctx.verify("the stored hash itself is not a token", { token: hashToken(mail.token), callbackURL: "/" }), "http://localhost:3000/?error=INVALID_TOKEN");
      // rows whose value is not Better Auth's record shape are refused
      const q = ctx.db.ident;
      const p = ctx.db.param;
      const future = new Date(Date.now() + 60_000);
      const dateParam = ctx.db.dialect === "sqlite" ? future.toISOString() : future;
      const nowParam = ctx.db.dialect === "sqlite" ? new Date().toISOString() : new Date();
      const bad = [
        ["extra key", JSON.stringify({ type: "magic-link", email: "x@x.com", extra: 1 })],
        ["wrong type", JSON.stringify({ type: "other", email: "x@x.com" })],
        ["bad email", JSON.stringify({ type: "magic-link", email: "nope" })],
        ["not JSON", "x@x.com"],
      ];
      for (const [label, value] of bad) {
        const token = `bad${label.replace(/\W/g, "")}`;
        await ctx.db.query(
          `insert into ${q("verification")} (${q("id")}, ${q("identifier")}, ${q("value")}, ${q("expiresAt")}, ${q("createdAt")}, ${q("updatedAt")}) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
          [crypto.randomBytes(16).toString("hex"), `magic-link:${hashToken(token)}`, value, dateParam, nowParam, nowParam],
        );
        expectRedirect(await ctx.verify(`tampered row: ${label}`, { token, callbackURL: "/" }), "http://localhost:3000/?error=INVALID_TOKEN");
      }
      await ctx.rows("tampered rows remain (found, not consumed)");
    }, { ml: { storeToken: "hashed" } });

    parity("storeToken: a custom hasher", async (ctx) => {
      const { mail } = await ctx.askLink("request", { email: "custom@x.com" });
      const rows = await ctx.rows("custom-hashed identifier");
      assert.equal(rows.verifications[0]?.identifier.startsWith("magic-link:custom-"), true);
      expectOk(await ctx.verify("verify", { token: mail.token }));
    }, { ml: { storeToken: { type: "custom-hasher", hash: async (t) => `custom-${t.length}` } } });
  });

  describe("sign-up rules and failures", () => {
    parity("disableSignUp: unknown emails get new_user_signup_disabled, known ones sign in", async (ctx) => {
      const { r, mail } = await ctx.askLink("request for an unknown email (still mailed)", { email: "nobody@x.com", callbackURL: "/dash", errorCallbackURL: "/err" });
      expectOk(r);
      expectRedirect(await ctx.verify("verify", mail), "http://localhost:3000/err?error=new_user_signup_disabled");
      await ctx.rows("no user, token consumed");
      const noErr = await ctx.askLink("request without errorCallbackURL", { email: "nobody@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("verify (error goes to callbackURL)", noErr.mail), "http://localhost:3000/dash?error=new_user_signup_disabled");
      expectOk(await ctx.post("sign-up by password", "/sign-up/email", { name: "K", email: "known@x.com", password: PW }));
      expectOk(await ctx.verify("known user", { token: (await ctx.askLink("request known", { email: "known@x.com" })).mail.token }));
      await ctx.rows("known user verified, password gone");
    }, { ml: { disableSignUp: true } }, { refFailsOn: ["mysql"] });

    parity("user.validateUserInfo refusing, databaseHooks cancelling user or session creation", async (ctx) => {
      const refused = await ctx.askLink("request (validateUserInfo refuses)", { email: "blocked@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("verify", refused.mail), "http://localhost:3000/dash?error=domain_blocked&error_description=This+domain+is+not+allowed");
      const cancelled = await ctx.askLink("request (user.create.before returns false)", { email: "cancel@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("verify", cancelled.mail), "http://localhost:3000/dash?error=failed_to_create_user");
      const nosession = await ctx.askLink("request (session.create.before returns false)", { email: "nosession@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("verify", nosession.mail), "http://localhost:3000/dash?error=failed_to_create_session");
      const thrower = await ctx.askLink("request (user.create.before throws an APIError)", { email: "throw@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("verify", thrower.mail), "http://localhost:3000/dash?error=HOOK_SAYS_NO&error_description=no+way");
      await ctx.rows("after the refusals");
    }, {
      user: {
        validateUserInfo: async ({ user, source }) => (user.email.startsWith("blocked") && source.method === "magic-link" ? { error: "domain_blocked", errorDescription: "This domain is not allowed" } : undefined),
      },
      databaseHooks: {
        user: {
          create: {
            before: async (u) => {
              if (u.email.startsWith("cancel")) return false;
              if (u.email.startsWith("throw")) throw new APIError("BAD_REQUEST", { code: "HOOK_SAYS_NO", message: "no way" });
            },
          },
        },
        session: {
          create: {
            before: async (s, hookCtx) => {
              const u = await hookCtx?.context?.internalAdapter?.findUserById(s.userId);
              if (u?.email?.startsWith("nosession")) return false;
            },
          },
        },
      },
    });

    parity("a banned user (admin plugin) gets the ban's 403 JSON, not a redirect", async (ctx) => {
      const { mail } = await ctx.askLink("request", { email: "ban@x.com", callbackURL: "/dash" });
      expectRedirect(await ctx.verify("first sign-in creates the user", mail));
      await ctx.db.query(`update ${ctx.db.ident("user")} set ${ctx.db.ident("banned")} = ${ctx.db.dialect === "sqlite" ? 1 : "true"}, ${ctx.db.ident("banReason")} = 'spam' where ${ctx.db.ident("email")} = 'ban@x.com'`);
      const again = await ctx.askLink("request again", { email: "ban@x.com", callbackURL: "/dash" });
      const v = await ctx.verify("verify while banned", again.mail);
      expectError(v, 403, "BANNED_USER");
      await ctx.rows("banned: token consumed, no new session");
    }, { plugins: [admin()] });

    parity("sendMagicLink failures are the answer (the row is written first)", async (ctx) => {
      const r = await ctx.post("mailer throws an Error", "/sign-in/magic-link", { email: "boom@x.com" });
      assert.equal(r.status, 500);
      const r2 = await ctx.post("mailer throws an APIError", "/sign-in/magic-link", { email: "api@x.com" });
      expectError(r2, 429, "SLOW_DOWN");
      await ctx.rows("rows written before the mailer ran");
    }, {
      ml: {
        async sendMagicLink({ email }) {
          if (email.startsWith("boom")) throw new Error("smtp down");
          throw new APIError("TOO_MANY_REQUESTS", { code: "SLOW_DOWN", message: "Slow down" });
        },
      },
    });
  });

  describe("validation, origins, auth.api, client, rate limits", () => {
    parity("body and query validation", async (ctx) => {
      const cases = [
        ["invalid email", { email: "nope" }],
        ["missing email", {}],
        ["email not a string", { email: 5 }],
        ["name a number", { email: "a@x.com", name: 1 }],
        ["callbackURL null", { email: "a@x.com", callbackURL: null }],
        ["metadata an array", { email: "a@x.com", metadata: [1] }],
        ["metadata a string", { email: "a@x.com", metadata: "x" }],
        ["several issues", { email: "bad", name: false, errorCallbackURL: 3 }],
      ];
      for (const [label, body] of cases) {
        const r = await ctx.post(label, "/sign-in/magic-link", body);
        assert.equal(r.status, 400, `${label}: ${r.text}`);
      }
      await ctx.send("body is an array", "POST", "/sign-in/magic-link", { json: [], headers: TRUSTED });
      await ctx.send("no body", "POST", "/sign-in/magic-link", { headers: TRUSTED });
      expectError(await ctx.verify("verify without token", {}), 400, "VALIDATION_ERROR");
      expectError(await ctx.verify("verify with two tokens", "token=a&token=b"), 400, "VALIDATION_ERROR");
      expectError(await ctx.verify("verify with two callbackURLs", "token=a&callbackURL=%2Fa&callbackURL=%2Fb"), 400, "VALIDATION_ERROR");
      expectRedirect(await ctx.verify("empty token", { token: "", callbackURL: "/x" }), "http://localhost:3000/x?error=INVALID_TOKEN");
      await ctx.verify("empty token, no callbackURL", { token: "" });
      await ctx.rows("nothing written");
    });

    parity("hostile input: the same answers, nothing half-written", async (ctx) => {
      // values a PostgreSQL/MySQL column cannot hold: Better Auth answers the driver's error (500),
      // better-auth-rs 400 VALIDATION_ERROR (docs/COMPATIBILITY.md); both refuse and store nothing
      const dbLimited = async (label, run) => {
        const at = ctx.steps.length;
        const r = await run();
        if (ctx.db.dialect !== "sqlite") ctx.steps[at] = { label, refused: r.status >= 400 };
      };
      await ctx.post("a 300-character local part", "/sign-in/magic-link", { email: "a".repeat(300) + "@x.com" });
      await dbLimited("a 100 000-character name", () => ctx.post("a 100 000-character name", "/sign-in/magic-link", { email: "big@x.com", name: "x".repeat(100000) }));
      await ctx.post("javascript: callbackURL", "/sign-in/magic-link", { email: "a@x.com", callbackURL: "javascript:alert(1)" });
      await ctx.post("backslash callbackURL", "/sign-in/magic-link", { email: "a@x.com", callbackURL: "/\\evil.com" });
      await ctx.send("invalid JSON", "POST", "/sign-in/magic-link", { json: "{bad json", headers: TRUSTED });
      await ctx.post("email as an array", "/sign-in/magic-link", { email: ["a@x.com"] });
      await dbLimited("NUL token", () => ctx.verify("NUL token", "token=%00"));
      await ctx.verify("5000-character token", { token: "a".repeat(5000) });
      await ctx.verify("backslash callbackURL", "token=x&callbackURL=%2F%5Cevil.com");
      await ctx.verify("javascript: callbackURL", "token=x&callbackURL=javascript:alert(1)");
      await ctx.verify("broken percent-encoding in errorCallbackURL", "token=x&errorCallbackURL=http://localhost:3000/%zz");
      await ctx.verify("callbackURL with its own error and a fragment", { token: "x", callbackURL: "/a?b=1&error=old#frag" });
      await ctx.rows("only the long-name link is stored (SQLite)");
    });

    parity("callback URLs: untrusted ones are refused on both endpoints; relative ones resolve against the base URL", async (ctx) => {
      expectError(await ctx.post("untrusted callbackURL", "/sign-in/magic-link", { email: "a@x.com", callbackURL: "https://evil.com/x" }), 403, "INVALID_CALLBACK_URL");
      expectError(await ctx.post("untrusted newUserCallbackURL", "/sign-in/magic-link", { email: "a@x.com", newUserCallbackURL: "https://evil.com/x" }), 403, "INVALID_NEW_USER_CALLBACK_URL");
      expectError(await ctx.post("untrusted errorCallbackURL", "/sign-in/magic-link", { email: "a@x.com", errorCallbackURL: "https://evil.com/x" }), 403, "INVALID_ERROR_CALLBACK_URL");
      expectError(await ctx.post("protocol-relative callbackURL", "/sign-in/magic-link", { email: "a@x.com", callbackURL: "//evil.com" }), 403, "INVALID_CALLBACK_URL");
      expectOk((await ctx.askLink("trusted absolute callbackURL", { email: "a@x.com", callbackURL: "http://localhost:3000/abs" })).r);
      const { mail } = await ctx.askLink("request", { email: "a@x.com", callbackURL: "/dash" });
      for (const key of ["callbackURL", "newUserCallbackURL", "errorCallbackURL"]) {
        expectError(await ctx.verify(`verify with untrusted ${key}`, { token: mail.token, [key]: "https://evil.com/" }), 403, "INVALID_CALLBACK_URL");
      }
      await ctx.rows("the token survived the refused verifications");
      // a path without a leading slash is not a trusted relative URL
      expectError(await ctx.verify("relative callbackURL without a slash", { token: mail.token, callbackURL: "dash" }), 403, "INVALID_CALLBACK_URL");
      expectRedirect(await ctx.verify("relative callbackURL with a query", { token: mail.token, callbackURL: "/in?x=1" }), "http://localhost:3000/in?x=1");
      expectRedirect(await ctx.verify("trusted other origin", { token: (await ctx.askLink("r2", { email: "a@x.com" })).mail.token, callbackURL: "https://app.example.com/in" }), "https://app.example.com/in");
      const cross = await ctx.post("cross-site navigation to sign-in", "/sign-in/magic-link", { email: "a@x.com" }, { headers: { origin: "", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } });
      expectError(cross, 403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
      expectError(await ctx.post("untrusted Origin", "/sign-in/magic-link", { email: "a@x.com" }, { headers: { origin: "https://evil.com" } }), 403, "INVALID_ORIGIN");
    }, { trustedOrigins: ["https://app.example.com"] });

    parity("auth.api: headers required, JSON without callbackURL, a thrown redirect with it", async (ctx) => {
      await ctx.api("signInMagicLink without headers", (api) => api.signInMagicLink({ body: { email: "api@x.com" } }));
      await ctx.api("signInMagicLink", (api) => api.signInMagicLink({ body: { email: "api@x.com", callbackURL: "https://evil.com/not-checked" }, headers: new Headers() }));
      const token = ctx.mails.at(-1).token;
      ctx.record("mail", ctx.shapeMail(ctx.mails.at(-1)));
      await ctx.api("magicLinkVerify without headers", (api) => api.magicLinkVerify({ query: { token } }));
      await ctx.api("magicLinkVerify (JSON)", (api) => api.magicLinkVerify({ query: { token }, headers: new Headers() }));
      await ctx.api("magicLinkVerify used token with callbackURL (thrown redirect)", (api) => api.magicLinkVerify({ query: { token, callbackURL: "/x" }, headers: new Headers() }));
      await ctx.api("signInMagicLink again", (api) => api.signInMagicLink({ body: { email: "api@x.com" }, headers: new Headers() }));
      const t2 = ctx.mails.at(-1).token;
      await ctx.api("magicLinkVerify returnHeaders + callbackURL", (api) => api.magicLinkVerify({ query: { token: t2, callbackURL: "/in" }, headers: new Headers(), asResponse: true }));
      await ctx.rows("after the api calls");
    });

    parity("the official client: signIn.magicLink and magicLink.verify", async (ctx) => {
      const jar = new Map();
      const client = createAuthClient({
        baseURL: BASE_URL,
        plugins: [magicLinkClient()],
        fetchOptions: {
          customFetchImpl: async (input, init) => {
            const req = new Request(input, init);
            const headers = new Headers(req.headers);
            headers.set("origin", BASE_URL);
            if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
            const res = await ctx.auth.handler(new Request(req, { headers }));
            for (const c of res.headers.getSetCookie()) {
              const [pair] = c.split(";");
              const i = pair.indexOf("=");
              if (/max-age=0/i.test(c)) jar.delete(pair.slice(0, i));
              else jar.set(pair.slice(0, i), pair.slice(i + 1));
            }
            return res;
          },
        },
      });
      const sent = await client.signIn.magicLink({ email: "client@x.com", name: "Cli" });
      ctx.record("client signIn.magicLink", { data: sent.data, error: sent.error });
      const mail = ctx.mails.at(-1);
      ctx.record("mail", ctx.shapeMail(mail));
      const verified = await client.magicLink.verify({ query: { token: mail.token } });
      ctx.record("client magicLink.verify", { data: norm(verified.data, ctx.sh), error: verified.error });
      assert.equal(verified.data?.user?.email, "client@x.com");
      const session = await client.getSession();
      ctx.record("client getSession", { data: norm(session.data, ctx.sh), error: session.error });
      assert.equal(session.data?.user?.name, "Cli");
      const reused = await client.magicLink.verify({ query: { token: mail.token } });
      ctx.record("client verify reused (redirect to /?error=INVALID_TOKEN)", { data: norm(reused.data, ctx.sh), error: norm(reused.error, ctx.sh) });
      const bad = await client.signIn.magicLink({ email: "not-an-email" });
      ctx.record("client invalid email", { data: bad.data, error: norm(bad.error, ctx.sh) });
      await ctx.rows("after the client");
    });

    parity("rate limit: the plugin's rule on /sign-in/magic-link and /magic-link/verify", async (ctx) => {
      const ip = { "x-forwarded-for": randomIp() }; // Better Auth's memory counters outlive the instance
      for (let i = 1; i <= 3; i++) {
        const r = await ctx.post(`request ${i}`, "/sign-in/magic-link", { email: `r${i}@x.com` }, { headers: ip });
        if (i === 3) assert.equal(r.status, 429);
      }
      for (let i = 1; i <= 3; i++) {
        const r = await ctx.verify(`verify ${i}`, { token: `t${i}`, callbackURL: "/" }, { headers: ip });
        if (i === 3) assert.equal(r.status, 429);
      }
      await ctx.rows("two tokens stored");
    }, { rateLimit: { enabled: true }, ml: { rateLimit: { window: 60, max: 2 } } });

    parity("rate limit: the default rule (5 per 60 s) replaces the built-in /sign-in rule (3 per 10 s)", async (ctx) => {
      const ip = { "x-forwarded-for": randomIp() };
      const statuses = [];
      for (let i = 1; i <= 6; i++) statuses.push((await ctx.post(`request ${i}`, "/sign-in/magic-link", { email: `d${i}@x.com` }, { headers: ip })).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    }, { rateLimit: { enabled: true } });
  });
}

/**
 * One database, both packages: a link one side mails is verified by the other (hashed tokens),
 * so an app can switch (or run both) while links are out.
 */
function defineSharedSuite(dialect) {
  test(`links issued by one package are verified by the other, on one ${dialect} database`, async () => {
    if (!IMPLS.includes("ours")) return;
    const db = await openDatabase(dialect, "mlx");
    try {
      const mails = [];
      const make = async (kind) => {
        const m = await loadImpl(kind);
        const opts = {
          secret: SECRET,
          baseURL: BASE_URL,
          logger: { disabled: true },
          emailAndPassword: { enabled: true },
          database: db.forAuth(kind),
          plugins: [magicLink({ storeToken: "hashed", sendMagicLink: (d) => void mails.push(d) })],
        };
        if (kind === REFERENCE) await m.migrate(opts);
        return m.betterAuth(opts);
      };
      const ba = await make(REFERENCE);
      const rs = await make("ours");
      const ask = (auth, email) =>
        auth.handler(new Request(`${BASE_URL}/api/auth/sign-in/magic-link`, { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body: JSON.stringify({ email }) }));
      const verify = (auth, token) => auth.handler(new Request(`${BASE_URL}/api/auth/magic-link/verify?token=${token}`));
      for (const [from, to, email] of [[ba, rs, "from-ba@x.com"], [rs, ba, "from-rs@x.com"]]) {
        assert.equal((await ask(from, email)).status, 200);
        const token = mails.at(-1).token;
        const r = await verify(to, token);
        assert.equal(r.status, 200, `${email}: ${await r.clone().text()}`);
        const body = await r.json();
        assert.equal(body.user.email, email);
        const again = await verify(from, token);
        assert.equal(again.status, 302, "used up for the issuer too");
        assert.equal(again.headers.get("location"), "http://localhost:3000/?error=INVALID_TOKEN");
      }
    } finally {
      await db.cleanup();
    }
  });
}

for (const dialect of DIALECTS) {
  describe(`magic link parity on ${dialect}`, () => defineSuite(dialect));
  describe(`magic link rows shared on ${dialect}`, () => defineSharedSuite(dialect));
}
