// Parity of the email-otp plugin (shared/spec/plugins.md §0.1, §5, §7 Q13–Q15): the same request
// sequences go through `auth.handler(new Request(...))`, `auth.api.*` and the official client
// (`emailOTPClient()` with `createAuthClient` and a `customFetchImpl` calling `auth.handler`) of
// the real better-auth 1.7.25 and of better-auth-rs, both given Better Auth's own plugin object
// (`emailOTP(opts)` from "better-auth/plugins"), each on a fresh database per dialect
// (BA_RS_EMAIL_OTP_DBS=sqlite,postgres,mysql picks them). Responses are reduced as in
// parity.test.mjs (helpers/observe.mjs); what `sendVerificationOTP` received is recorded with the
// code by shape, and the verification rows (`<type>-otp-<email>` = `<stored>:<attempts>`), users,
// accounts and sessions are read back with plain SQL after the steps that write.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { createAuthClient } from "better-auth/client";
import { emailOTPClient } from "better-auth/client/plugins";
import { IMPLS, SECRET, BASE_URL } from "./helpers/impls.mjs";
import { REFERENCE, Ctx, norm, compareRuns, expectError, expectOk } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase, toMs, cookieOf, applySetCookies, jarHeader } from "./helpers/dialects.mjs";

const require = createRequire(import.meta.url);
const { emailOTP } = require("better-auth/plugins");

const DIALECTS = dialectsFrom(process.env.BA_RS_EMAIL_OTP_DBS);
const PW = "correct-horse-battery";
const NEW_PW = "another-horse-battery";
const TRUSTED = { origin: BASE_URL };
const hashCode = (t) => crypto.createHash("sha256").update(t).digest("base64url");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const randomIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

class OtpCtx extends Ctx {
  constructor(kind, db) {
    super(kind, null);
    this.db = db;
    this.mails = [];
    this.codes = new Map(); // code → "<code#n>"
    this.migrated = false;
  }

  async configure({ otp = {}, plugins = [], ...options } = {}) {
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
        emailOTP({
          async sendVerificationOTP(data, ctx) {
            mails.push({ ...data, ctxPath: ctx?.path });
          },
          ...otp,
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

  code(c) {
    if (typeof c !== "string") return c;
    if (!this.codes.has(c)) this.codes.set(c, `<code#${this.codes.size + 1}:${c.length}>`);
    return this.codes.get(c);
  }

  post(label, path, json, { cookie, headers = {} } = {}) {
    return this.send(label, "POST", path, { json, headers: { ...TRUSTED, ...(cookie ? { cookie } : {}), ...headers } });
  }

  get(label, path, query, { cookie } = {}) {
    const qs = query ? "?" + new URLSearchParams(query).toString() : "";
    return this.send(label, "GET", path + qs, { headers: cookie ? { cookie } : {} });
  }

  /** A POST that may mail a code: `{ r, mail }`, with the mail recorded (code by shape). */
  async mailing(label, path, body, opts) {
    const before = this.mails.length;
    const r = await this.post(label, path, body, opts);
    const mail = this.mails.length > before ? this.mails.at(-1) : undefined;
    this.record(`${label}: mail`, mail ? this.shapeMail(mail) : "<no mail>");
    return { r, mail };
  }

  /** POST /email-otp/send-verification-otp. */
  sendOtp(label, email, type, opts) {
    return this.mailing(label, "/email-otp/send-verification-otp", { email, type }, opts);
  }

  /** `Ctx.api` with codes in the result (a bare code, `{ otp }`) by shape. */
  async api(label, fn) {
    const r = await super.api(label, fn);
    const step = this.steps.at(-1);
    if (typeof r === "string" && /^\d+$/.test(r)) step.result = this.code(r);
    else if (r && typeof r.otp === "string") step.result = { ...step.result, otp: this.code(r.otp) };
    return r;
  }

  shapeMail(mail) {
    return { email: mail.email, type: mail.type, otp: this.code(mail.otp), ctxPath: mail.ctxPath };
  }

  /** Records the verification rows (codes by shape), users, accounts and sessions. */
  async rows(label) {
    const q = this.db.ident;
    const now = Date.now();
    const hashes = new Map([...this.codes.keys()].map((c) => [hashCode(c), c]));
    const verifications = (await this.db.query(`select * from ${q("verification")}`))
      .filter((v) => toMs(v.expiresAt) > now)
      .sort((a, b) => toMs(a.createdAt) - toMs(b.createdAt) || (a.value < b.value ? -1 : 1))
      .map((v) => {
        const i = v.value.lastIndexOf(":");
        const stored = i < 0 ? v.value : v.value.slice(0, i);
        const attempts = i < 0 ? undefined : v.value.slice(i + 1);
        let shaped;
        const enc = /^enc\[(\d+)\]$/.exec(stored);
        if (this.codes.has(stored)) shaped = this.codes.get(stored);
        else if (enc) shaped = `enc[${this.code([...enc[1]].reverse().join(""))}]`;
        else if (hashes.has(stored)) shaped = `<hash of ${this.codes.get(hashes.get(stored))}>`;
        else if (/^[0-9a-f]{60,}$/.test(stored)) shaped = `<hex:${stored.length}>`;
        else if (/^\d+$/.test(stored)) shaped = `<unseen code:${stored.length}>`;
        else shaped = stored;
        const identifier = v.identifier.replace(/change-email-otp-[^:]+:/, "change-email-otp-<user id>:");
        return { identifier, stored: shaped, attempts, lifetimeSeconds: Math.round((toMs(v.expiresAt) - toMs(v.createdAt)) / 1000) };
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
      users: users.map((u) => {
        const o = { email: u.email, name: u.name, emailVerified: Boolean(u.emailVerified), image: u.image };
        for (const k of ["plan", "tier", "nickname"]) if (k in u) o[k] = u[k];
        return o;
      }),
      accounts,
      sessions,
    };
    this.record(`rows: ${label}`, out);
    return out;
  }

  /** Sign-up by password; returns the cookie. */
  async signUp(email, extra = {}) {
    const r = await this.post(`sign-up ${email}`, "/sign-up/email", { name: `U ${email.split("@")[0]}`, email, password: PW, ...extra });
    return cookieOf(r.setCookies);
  }
}

async function runOnce(kind, dialect, fn, options) {
  const db = await openDatabase(dialect, "otp");
  const ctx = new OtpCtx(kind, db);
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
          const file = `otp-${dialect}-${name.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 60)}-${i}-${r.kind}.json`;
          fs.writeFileSync(`${process.env.BA_RS_PARITY_DUMP}/${file}`, JSON.stringify(r.steps, null, 1));
        });
      }
      compareRuns(runs);
    });
}

function expectMessage(r, status, message) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.deepEqual(r.json, { message });
}

/** A code that is not `code` (same length). */
const wrong = (code) => code.split("").map((d) => String((Number(d) + 1) % 10)).join("");

function defineSuite(dialect) {
  const parity = parityOn(dialect);

  describe("sign-in by code", () => {
    parity("a new user: code mailed, wrong codes counted, the 4th try is TOO_MANY_ATTEMPTS even with the right code", async (ctx) => {
      const { r, mail } = await ctx.sendOtp("send sign-in code (new email, mixed case)", "New@X.com", "sign-in");
      expectOk(r);
      assert.deepEqual(r.json, { success: true });
      assert.equal(mail.email, "new@x.com");
      assert.match(mail.otp, /^\d{6}$/);
      await ctx.rows("after send");
      for (let i = 1; i <= 3; i++) {
        expectError(await ctx.post(`wrong code ${i}`, "/sign-in/email-otp", { email: "new@x.com", otp: wrong(mail.otp) }), 400, "INVALID_OTP", "Invalid OTP");
        await ctx.rows(`after wrong code ${i}`);
      }
      expectError(await ctx.post("right code, 4th try", "/sign-in/email-otp", { email: "new@x.com", otp: mail.otp }), 403, "TOO_MANY_ATTEMPTS", "Too many attempts");
      expectError(await ctx.post("right code, 5th try", "/sign-in/email-otp", { email: "new@x.com", otp: mail.otp }), 400, "INVALID_OTP");
      await ctx.rows("the code is gone");
      const again = await ctx.sendOtp("send again", "new@x.com", "sign-in");
      const ok = await ctx.post("sign in with the right code", "/sign-in/email-otp", { email: "NEW@x.com", otp: again.mail.otp, name: "Newbie", image: "https://img/x.png", unknownKey: 1 });
      expectOk(ok);
      assert.equal(ok.json?.user?.emailVerified, true);
      await ctx.rows("user created, signed in");
      const gs = await ctx.get("get-session", "/get-session", null, { cookie: cookieOf(ok.setCookies) });
      assert.equal(gs.json?.user?.name, "Newbie");
      expectError(await ctx.post("the code is single use", "/sign-in/email-otp", { email: "new@x.com", otp: again.mail.otp }), 400, "INVALID_OTP");
    });

    parity("an unverified password user: their accounts and sessions go, the email is verified", async (ctx) => {
      const oldCookie = await ctx.signUp("pat@x.com");
      await ctx.rows("after sign-up");
      const { mail } = await ctx.sendOtp("send", "pat@x.com", "sign-in");
      const ok = await ctx.post("sign in", "/sign-in/email-otp", { email: "pat@x.com", otp: mail.otp, name: "Ignored" });
      expectOk(ok);
      await ctx.rows("revoked and verified");
      const old = await ctx.get("old session", "/get-session", null, { cookie: oldCookie });
      assert.equal(old.json, null);
      expectError(await ctx.post("password no longer works", "/sign-in/email", { email: "pat@x.com", password: PW }), 401, "INVALID_EMAIL_OR_PASSWORD");
      // a second sign-in of the now verified user keeps the new session
      const m2 = await ctx.sendOtp("send again", "pat@x.com", "sign-in");
      expectOk(await ctx.post("sign in again", "/sign-in/email-otp", { email: "pat@x.com", otp: m2.mail.otp }));
      await ctx.rows("two sessions");
    }, {}, { refFailsOn: ["mysql"] });

    parity("disableSignUp: unknown emails get no mail (the row is dropped) and INVALID_OTP", async (ctx) => {
      const { mail } = await ctx.sendOtp("send for an unknown email", "ghost@x.com", "sign-in");
      assert.equal(mail, undefined);
      await ctx.rows("no row");
      expectError(await ctx.post("sign in with a guess", "/sign-in/email-otp", { email: "ghost@x.com", otp: "123456" }), 400, "INVALID_OTP");
      const created = await ctx.api("createVerificationOTP for the unknown email", (api) => api.createVerificationOTP({ body: { email: "ghost@x.com", type: "sign-in" } }));
      expectError(await ctx.post("the right code still cannot sign up", "/sign-in/email-otp", { email: "ghost@x.com", otp: created }), 400, "INVALID_OTP");
      await ctx.signUp("known@x.com");
      const k = await ctx.sendOtp("send for a known email", "known@x.com", "sign-in");
      expectOk(await ctx.post("known user signs in", "/sign-in/email-otp", { email: "known@x.com", otp: k.mail.otp }));
      await ctx.rows("after");
    }, { otp: { disableSignUp: true } }, { refFailsOn: ["mysql"] });

    parity("sign-up fields: additional fields by their rules, no email format check (Q13)", async (ctx) => {
      const a = await ctx.api("createVerificationOTP", (api) => api.createVerificationOTP({ body: { email: "Tier@X.com", type: "sign-in" } }));
      expectError(await ctx.post("input:false field without a default set", "/sign-in/email-otp", { email: "tier@x.com", otp: a, tier: "gold" }), 400, "FIELD_NOT_ALLOWED");
      await ctx.rows("the code was used, no user");
      const b = await ctx.api("createVerificationOTP again", (api) => api.createVerificationOTP({ body: { email: "plan@x.com", type: "sign-in" } }));
      const ok = await ctx.post("input:false field with a default: the default wins", "/sign-in/email-otp", { email: "plan@x.com", otp: b, plan: "pro", tier: "", nickname: "n" });
      expectOk(ok);
      assert.equal(ok.json?.user?.plan, "free");
      const odd = await ctx.api("createVerificationOTP for a non-email", (api) => api.createVerificationOTP({ body: { email: "not an email", type: "sign-in" } }));
      await ctx.post("sign-in/email-otp takes any email string", "/sign-in/email-otp", { email: "not an email", otp: odd });
      await ctx.rows("users");
    }, {
      user: {
        additionalFields: {
          plan: { type: "string", input: false, defaultValue: "free", required: false },
          tier: { type: "string", input: false, required: false },
          nickname: { type: "string", required: false },
        },
      },
    });
  });

  describe("email verification and checks", () => {
    parity("verify-email: only known emails are mailed; the code verifies; the own session's cookie cache is refreshed", async (ctx) => {
      const { mail: none } = await ctx.sendOtp("send for an unknown email", "nobody@x.com", "email-verification");
      assert.equal(none, undefined);
      const signUp = await ctx.post("sign-up", "/sign-up/email", { name: "Vera", email: "Vera@X.com", password: PW });
      const signUpCookies = signUp.setCookies;
      const cookie = cookieOf(signUpCookies);
      const { mail } = await ctx.sendOtp("send", "VERA@x.com", "email-verification");
      assert.equal(mail.email, "vera@x.com");
      await ctx.rows("one row");
      expectError(await ctx.post("wrong code", "/email-otp/verify-email", { email: "vera@x.com", otp: wrong(mail.otp) }), 400, "INVALID_OTP");
      const ok = await ctx.post("right code with the own session", "/email-otp/verify-email", { email: "vera@x.com", otp: mail.otp }, { cookie });
      expectOk(ok);
      assert.equal(ok.json?.token, null);
      assert.equal(ok.json?.user?.emailVerified, true);
      await ctx.rows("verified");
      const jar = applySetCookies(applySetCookies(new Map(), signUpCookies), ok.setCookies);
      const gs = await ctx.get("get-session", "/get-session", null, { cookie: jarHeader(jar) });
      assert.equal(gs.json?.user?.emailVerified, true);
      expectError(await ctx.post("invalid email", "/email-otp/verify-email", { email: "nope", otp: "1" }), 400, "INVALID_EMAIL", "Invalid email");
      const c = await ctx.api("createVerificationOTP for an unknown user", (api) => api.createVerificationOTP({ body: { email: "gone@x.com", type: "email-verification" } }));
      expectError(await ctx.post("right code, no user", "/email-otp/verify-email", { email: "gone@x.com", otp: c }), 400, "USER_NOT_FOUND");
    }, { session: { cookieCache: { enabled: true } } });

    parity("verify-email with autoSignInAfterVerification starts a session; before/after hooks are called", async (ctx) => {
      await ctx.signUp("auto@x.com");
      const { mail } = await ctx.sendOtp("send", "auto@x.com", "email-verification");
      const ok = await ctx.post("verify", "/email-otp/verify-email", { email: "auto@x.com", otp: mail.otp });
      expectOk(ok);
      assert.equal(typeof ok.json?.token, "string");
      ctx.record("hooks", (globalThis.__otpHooks ?? []).splice(0));
      await ctx.rows("signed in");
    }, {
      emailVerification: {
        autoSignInAfterVerification: true,
        async beforeEmailVerification(user) {
          (globalThis.__otpHooks ??= []).push(["before", user.email, user.emailVerified]);
        },
        async afterEmailVerification(user) {
          (globalThis.__otpHooks ??= []).push(["after", user.email, user.emailVerified]);
        },
      },
    });

    parity("check-verification-otp keeps the code usable; attempts still count", async (ctx) => {
      await ctx.signUp("chk@x.com");
      const { mail } = await ctx.sendOtp("send", "chk@x.com", "forget-password");
      expectOk(await ctx.post("check (right)", "/email-otp/check-verification-otp", { email: "chk@x.com", type: "forget-password", otp: mail.otp }));
      await ctx.rows("the code is back");
      expectError(await ctx.post("check (wrong)", "/email-otp/check-verification-otp", { email: "chk@x.com", type: "forget-password", otp: wrong(mail.otp) }), 400, "INVALID_OTP");
      await ctx.rows("one attempt");
      expectOk(await ctx.post("check again (right)", "/email-otp/check-verification-otp", { email: "chk@x.com", type: "forget-password", otp: mail.otp }));
      const c = await ctx.api("createVerificationOTP (unknown user)", (api) => api.createVerificationOTP({ body: { email: "nouser@x.com", type: "sign-in" } }));
      expectError(await ctx.post("check for an unknown user (after the code)", "/email-otp/check-verification-otp", { email: "nouser@x.com", type: "sign-in", otp: c }), 400, "USER_NOT_FOUND");
      await ctx.rows("the unknown user's code was put back");
      expectError(await ctx.post("check with a bad type", "/email-otp/check-verification-otp", { email: "chk@x.com", type: "other", otp: "1" }), 400, "VALIDATION_ERROR");
    });

    parity("expired codes: OTP_EXPIRED (rows deleted), then INVALID_OTP", async (ctx) => {
      await ctx.signUp("late@x.com");
      const { mail } = await ctx.sendOtp("send", "late@x.com", "email-verification");
      await sleep(1300);
      expectError(await ctx.post("verify after expiry", "/email-otp/verify-email", { email: "late@x.com", otp: mail.otp }), 400, "OTP_EXPIRED", "OTP expired");
      expectError(await ctx.post("verify again", "/email-otp/verify-email", { email: "late@x.com", otp: mail.otp }), 400, "INVALID_OTP");
      await ctx.api("getVerificationOTP for an expired code", (api) => api.getVerificationOTP({ query: { email: "late@x.com", type: "email-verification" } }));
      await ctx.rows("nothing left");
    }, { otp: { expiresIn: 1 } });
  });

  describe("password reset and email change", () => {
    parity("request-password-reset / forget-password and reset-password", async (ctx) => {
      const cookie = await ctx.signUp("reset@x.com");
      const { mail: none } = await ctx.mailing("request for an unknown email", "/email-otp/request-password-reset", { email: "nobody@x.com" });
      assert.equal(none, undefined);
      expectError(await ctx.post("request with an invalid email", "/email-otp/request-password-reset", { email: "nope" }), 400, "INVALID_EMAIL");
      const { mail } = await ctx.mailing("request", "/email-otp/request-password-reset", { email: "RESET@x.com" });
      assert.equal(mail.type, "forget-password");
      const { mail: old } = await ctx.mailing("deprecated path", "/forget-password/email-otp", { email: "reset@x.com" });
      await ctx.rows("two codes, the newest wins");
      expectError(await ctx.post("too short (before the code is touched)", "/email-otp/reset-password", { email: "reset@x.com", otp: old.otp, password: "short" }), 400, "PASSWORD_TOO_SHORT");
      expectError(await ctx.post("too long", "/email-otp/reset-password", { email: "reset@x.com", otp: old.otp, password: "x".repeat(129) }), 400, "PASSWORD_TOO_LONG");
      expectError(await ctx.post("the older code", "/email-otp/reset-password", { email: "reset@x.com", otp: mail.otp, password: NEW_PW }), 400, "INVALID_OTP");
      await ctx.rows("one attempt on the newest");
      expectOk(await ctx.post("reset", "/email-otp/reset-password", { email: "reset@x.com", otp: old.otp, password: NEW_PW }));
      await ctx.rows("password changed, verified, sessions revoked");
      expectOk(await ctx.post("sign in with the new password", "/sign-in/email", { email: "reset@x.com", password: NEW_PW }));
      const gs = await ctx.get("the old session", "/get-session", null, { cookie });
      ctx.record("old session alive", gs.json !== null);
      expectError(await ctx.post("the code is used up", "/email-otp/reset-password", { email: "reset@x.com", otp: old.otp, password: NEW_PW }), 400, "INVALID_OTP");
      const c = await ctx.api("createVerificationOTP for an unknown user", (api) => api.createVerificationOTP({ body: { email: "ghost@x.com", type: "forget-password" } }));
      expectError(await ctx.post("reset for an unknown user", "/email-otp/reset-password", { email: "ghost@x.com", otp: c, password: NEW_PW }), 400, "USER_NOT_FOUND");
    }, { emailAndPassword: { revokeSessionsOnPasswordReset: true } });

    parity("a user without a password gets a credential account from the reset", async (ctx) => {
      const c0 = await ctx.api("createVerificationOTP", (api) => api.createVerificationOTP({ body: { email: "nopw@x.com", type: "sign-in" } }));
      expectOk(await ctx.post("sign up by code", "/sign-in/email-otp", { email: "nopw@x.com", otp: c0 }));
      const { mail } = await ctx.mailing("request", "/email-otp/request-password-reset", { email: "nopw@x.com" });
      expectOk(await ctx.post("reset", "/email-otp/reset-password", { email: "nopw@x.com", otp: mail.otp, password: NEW_PW }));
      await ctx.rows("credential account created");
      expectOk(await ctx.post("sign in with it", "/sign-in/email", { email: "nopw@x.com", password: NEW_PW }));
    });

    parity("email change: guards, verifyCurrentEmail, the change and the cookie", async (ctx) => {
      expectError(await ctx.post("request without a session", "/email-otp/request-email-change", { newEmail: "b@x.com" }), 401, "UNAUTHORIZED");
      const c0 = await ctx.api("createVerificationOTP", (api) => api.createVerificationOTP({ body: { email: "a@x.com", type: "sign-in" } }));
      const si = await ctx.post("sign up a@x.com", "/sign-in/email-otp", { email: "a@x.com", otp: c0 });
      const cookie = cookieOf(si.setCookies);
      await ctx.signUp("taken@x.com");
      expectError(await ctx.post("invalid newEmail", "/email-otp/request-email-change", { newEmail: "nope", otp: "1" }, { cookie }), 400, "INVALID_EMAIL");
      expectMessage(await ctx.post("same email", "/email-otp/request-email-change", { newEmail: "A@x.com" }, { cookie }), 400, "Email is the same");
      expectMessage(await ctx.post("no current-email code", "/email-otp/request-email-change", { newEmail: "b@x.com" }, { cookie }), 400, "OTP is required to verify current email");
      expectError(await ctx.post("a wrong current-email code", "/email-otp/request-email-change", { newEmail: "b@x.com", otp: "000000" }, { cookie }), 400, "INVALID_OTP");
      const cur = await ctx.sendOtp("current-email code", "a@x.com", "email-verification");
      const taken = await ctx.mailing("request for a taken email (silent)", "/email-otp/request-email-change", { newEmail: "taken@x.com", otp: cur.mail.otp }, { cookie });
      expectOk(taken.r);
      const cur2 = await ctx.sendOtp("current-email code again", "a@x.com", "email-verification");
      const { r, mail } = await ctx.mailing("request", "/email-otp/request-email-change", { newEmail: "B@x.com", otp: cur2.mail.otp }, { cookie });
      expectOk(r);
      assert.equal(mail.type, "change-email");
      await ctx.rows("change-email row");
      expectError(await ctx.post("change with a wrong code", "/email-otp/change-email", { newEmail: "b@x.com", otp: wrong(mail.otp) }, { cookie }), 400, "INVALID_OTP");
      expectMessage(await ctx.post("change to the same email", "/email-otp/change-email", { newEmail: "a@x.com", otp: mail.otp }, { cookie }), 400, "Email is the same");
      const ok = await ctx.post("change", "/email-otp/change-email", { newEmail: "b@x.com", otp: mail.otp }, { cookie });
      expectOk(ok);
      await ctx.rows("email changed");
      const gs = await ctx.get("get-session with the re-set cookie", "/get-session", null, { cookie: cookieOf(ok.setCookies) });
      assert.equal(gs.json?.user?.email, "b@x.com");
      expectError(await ctx.post("send-verification-otp refuses change-email", "/email-otp/send-verification-otp", { email: "b@x.com", type: "change-email" }), 400, undefined);
      // taken between request and change
      const c2 = await ctx.api("createVerificationOTP for b", (api) => api.createVerificationOTP({ body: { email: "b@x.com", type: "email-verification" } }));
      const req2 = await ctx.mailing("request c@x.com", "/email-otp/request-email-change", { newEmail: "c@x.com", otp: c2 }, { cookie: cookieOf(ok.setCookies) });
      await ctx.signUp("c@x.com");
      expectMessage(await ctx.post("change to an email taken meanwhile", "/email-otp/change-email", { newEmail: "c@x.com", otp: req2.mail.otp }, { cookie: cookieOf(ok.setCookies) }), 400, "Email already in use");
    }, { otp: { changeEmail: { enabled: true, verifyCurrentEmail: true } } });

    parity("email change disabled", async (ctx) => {
      const cookie = await ctx.signUp("d@x.com");
      expectMessage(await ctx.post("request", "/email-otp/request-email-change", { newEmail: "e@x.com" }, { cookie }), 400, "Change email with OTP is disabled");
      expectMessage(await ctx.post("change", "/email-otp/change-email", { newEmail: "e@x.com", otp: "1" }, { cookie }), 400, "Change email with OTP is disabled");
      expectError(await ctx.post("change without a session", "/email-otp/change-email", { newEmail: "e@x.com", otp: "1" }), 401, "UNAUTHORIZED");
    });
  });

  describe("storage, generation, resend", () => {
    parity("storeOTP hashed: rows hold SHA-256; getVerificationOTP refuses; codes still work", async (ctx) => {
      await ctx.signUp("h@x.com");
      const { mail } = await ctx.sendOtp("send", "h@x.com", "email-verification");
      await ctx.rows("hashed");
      await ctx.api("getVerificationOTP", (api) => api.getVerificationOTP({ query: { email: "h@x.com", type: "email-verification" } }));
      expectError(await ctx.post("wrong", "/email-otp/verify-email", { email: "h@x.com", otp: wrong(mail.otp) }), 400, "INVALID_OTP");
      expectOk(await ctx.post("right", "/email-otp/verify-email", { email: "h@x.com", otp: mail.otp }));
    }, { otp: { storeOTP: "hashed" } });

    parity("storeOTP encrypted: XChaCha20 hex in the row; getVerificationOTP and resendStrategy reuse read it back", async (ctx) => {
      await ctx.signUp("enc@x.com");
      const { mail } = await ctx.sendOtp("send", "enc@x.com", "email-verification");
      await ctx.rows("encrypted");
      const got = await ctx.api("getVerificationOTP", (api) => api.getVerificationOTP({ query: { email: "enc@x.com", type: "email-verification" } }));
      assert.equal(got.otp, mail.otp);
      const again = await ctx.sendOtp("resend (reuse)", "enc@x.com", "email-verification");
      assert.equal(again.mail.otp, mail.otp);
      await ctx.rows("still one row");
      expectError(await ctx.post("wrong", "/email-otp/verify-email", { email: "enc@x.com", otp: wrong(mail.otp) }), 400, "INVALID_OTP");
      expectOk(await ctx.post("right", "/email-otp/verify-email", { email: "enc@x.com", otp: mail.otp }));
    }, { otp: { storeOTP: "encrypted", resendStrategy: "reuse" } });

    {
      const calls = [];
      parity("resendStrategy reuse runs databaseHooks.verification.update (before may change expiresAt)", async (ctx) => {
        calls.length = 0;
        await ctx.signUp("hk@x.com");
        const { mail } = await ctx.sendOtp("send", "hk@x.com", "email-verification");
        const again = await ctx.sendOtp("resend (reuse)", "hk@x.com", "email-verification");
        assert.equal(again.mail?.otp, mail.otp, `${again.r?.status} ${again.r?.text}`);
        ctx.record("hook calls", calls.map(([w, keys, t]) => [w, keys, t]));
        assert.deepEqual(calls.map((c) => c[0]), ["before", "after"]);
        const rows = await ctx.db.query(`select * from ${ctx.db.ident("verification")}`);
        assert.ok(rows.some((r) => new Date(toMs(r.expiresAt)).getUTCFullYear() === 2037), "the before hook's expiresAt was written");
      }, {
        otp: { resendStrategy: "reuse" },
        databaseHooks: {
          verification: {
            update: {
              before: async (data) => {
                calls.push(["before", Object.keys(data).sort().join(","), data.expiresAt instanceof Date]);
                return { data: { expiresAt: new Date(Date.UTC(2037, 0, 1)) } }; // within MySQL TIMESTAMP's range
              },
              after: async (row) => calls.push(["after", Object.keys(row).sort().join(","), row.expiresAt instanceof Date]),
            },
          },
        },
      });
    }

    parity("storeOTP encrypted rows are Better Auth's: a row written by the other side decrypts", async (ctx) => {
      await ctx.signUp("x@x.com");
      // a row written with Better Auth's symmetricEncrypt for the same secret
      const { symmetricEncrypt } = await import("better-auth/crypto");
      const sealed = await symmetricEncrypt({ key: SECRET, data: "424242" });
      const q = ctx.db.ident;
      const p = ctx.db.param;
      const d = (ms) => (ctx.db.dialect === "sqlite" ? new Date(ms).toISOString() : new Date(ms));
      await ctx.db.query(
        `insert into ${q("verification")} (${q("id")}, ${q("identifier")}, ${q("value")}, ${q("expiresAt")}, ${q("createdAt")}, ${q("updatedAt")}) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
        [crypto.randomBytes(16).toString("hex"), "email-verification-otp-x@x.com", `${sealed}:0`, d(Date.now() + 60_000), d(Date.now()), d(Date.now())],
      );
      const got = await ctx.api("getVerificationOTP", (api) => api.getVerificationOTP({ query: { email: "x@x.com", type: "email-verification" } }));
      assert.equal(got.otp, "424242");
      expectOk(await ctx.post("verify with it", "/email-otp/verify-email", { email: "x@x.com", otp: "424242" }));
    }, { otp: { storeOTP: "encrypted" } });

    parity("custom storage: { hash } and { encrypt, decrypt }; generateOTP and otpLength", async (ctx) => {
      await ctx.signUp("c@x.com");
      const { mail } = await ctx.sendOtp("send (generated by generateOTP)", "c@x.com", "email-verification");
      assert.equal(mail.otp, "c@x.com-email-verification");
      await ctx.rows("custom hash");
      expectOk(await ctx.post("verify", "/email-otp/verify-email", { email: "c@x.com", otp: mail.otp }));
      const d = await ctx.sendOtp("send (generateOTP falls back: otpLength digits)", "c@x.com", "forget-password");
      assert.match(d.mail.otp, /^\d{8}$/);
    }, {
      otp: {
        otpLength: 8,
        generateOTP: ({ email, type }) => (type === "email-verification" ? `${email}-${type}` : undefined),
        storeOTP: { hash: async (c) => `h(${c.length})` },
      },
    });

    parity("custom encrypt/decrypt", async (ctx) => {
      await ctx.signUp("e@x.com");
      const { mail } = await ctx.sendOtp("send", "e@x.com", "email-verification");
      await ctx.rows("custom encrypted");
      const got = await ctx.api("getVerificationOTP", (api) => api.getVerificationOTP({ query: { email: "e@x.com", type: "email-verification" } }));
      assert.equal(got.otp, mail.otp);
      expectOk(await ctx.post("verify", "/email-otp/verify-email", { email: "e@x.com", otp: mail.otp }));
    }, { otp: { storeOTP: { encrypt: async (c) => `enc[${[...c].reverse().join("")}]`, decrypt: async (s) => [...s.slice(4, -1)].reverse().join("") } } });

    parity("resendStrategy rotate (default): every send is a new row; the newest wins", async (ctx) => {
      await ctx.signUp("r@x.com");
      const a = await ctx.sendOtp("first", "r@x.com", "email-verification");
      const b = await ctx.sendOtp("second", "r@x.com", "email-verification");
      await ctx.rows("two rows");
      expectError(await ctx.post("the first code", "/email-otp/verify-email", { email: "r@x.com", otp: a.mail.otp }), 400, "INVALID_OTP");
      await ctx.rows("first try counted on the newest, older rows consumed");
      expectOk(await ctx.post("the second code", "/email-otp/verify-email", { email: "r@x.com", otp: b.mail.otp }));
    });
  });

  describe("hooks into the core", () => {
    parity("sendVerificationOnSignUp: a code after /sign-up/email", async (ctx) => {
      await ctx.signUp("s@x.com");
      ctx.record("mails", ctx.mails.map((m) => ctx.shapeMail(m)));
      await ctx.rows("email-verification row");
      await ctx.post("a refused sign-up sends nothing", "/sign-up/email", { name: "X", email: "bad" , password: PW });
      ctx.record("mails after", ctx.mails.length);
    }, { otp: { sendVerificationOnSignUp: true } });

    parity("overrideDefaultEmailVerification: the core's verification mails become codes", async (ctx) => {
      await ctx.signUp("o@x.com");
      ctx.record("mails after sign-up", ctx.mails.map((m) => ctx.shapeMail(m)));
      await ctx.post("send-verification-email", "/send-verification-email", { email: "o@x.com" });
      ctx.record("mails after send-verification-email", ctx.mails.map((m) => ctx.shapeMail(m)));
      await ctx.post("sign-in while unverified (requireEmailVerification)", "/sign-in/email", { email: "o@x.com", password: PW });
      ctx.record("mails after sign-in", ctx.mails.map((m) => ctx.shapeMail(m)));
      await ctx.rows("codes");
    }, {
      otp: { overrideDefaultEmailVerification: true, sendVerificationOnSignUp: true },
      emailVerification: { sendOnSignUp: true, sendOnSignIn: true },
      emailAndPassword: { requireEmailVerification: true },
    });

    parity("the app's sendVerificationEmail wins over overrideDefaultEmailVerification (Q15)", async (ctx) => {
      await ctx.signUp("w@x.com");
      ctx.record("codes mailed", ctx.mails.length);
      ctx.record("links mailed", globalThis.__otpLinks?.splice(0).length ?? 0);
      await ctx.rows("no code row");
    }, {
      otp: { overrideDefaultEmailVerification: true },
      emailVerification: { sendOnSignUp: true, sendVerificationEmail: async ({ url }) => (globalThis.__otpLinks ??= []).push(url) },
    });
  });

  describe("validation, auth.api, client, rate limits", () => {
    parity("schemas and email checks", async (ctx) => {
      const cases = [
        ["/email-otp/send-verification-otp", {}],
        ["/email-otp/send-verification-otp", { email: "a@x.com", type: "nope" }],
        ["/email-otp/send-verification-otp", { email: 1, type: 2 }],
        ["/email-otp/send-verification-otp", { email: "nope", type: "sign-in" }],
        ["/email-otp/send-verification-otp", []],
        ["/email-otp/check-verification-otp", { email: "a@x.com", type: "sign-in" }],
        ["/email-otp/verify-email", { email: "a@x.com" }],
        ["/sign-in/email-otp", {}],
        ["/sign-in/email-otp", { email: "a@x.com", otp: "1", name: 5 }],
        ["/sign-in/email-otp", []],
        ["/sign-in/email-otp", "text"],
        ["/email-otp/request-password-reset", { email: null }],
        ["/forget-password/email-otp", {}],
        ["/email-otp/reset-password", { email: "a@x.com", otp: "1" }],
        ["/email-otp/reset-password", { email: "nope", otp: "1", password: NEW_PW }],
        ["/email-otp/request-email-change", { otp: 1 }],
        ["/email-otp/change-email", {}],
      ];
      for (const [path, body] of cases) {
        const r = await ctx.post(`${path} ${JSON.stringify(body)}`, path, body);
        assert.ok(r.status >= 400, `${path}: ${r.status}`);
      }
      await ctx.rows("nothing written");
    });

    parity("hostile input: the same answers, nothing half-written", async (ctx) => {
      await ctx.signUp("h@x.com");
      const cookie = cookieOf((await ctx.post("sign in", "/sign-in/email", { email: "h@x.com", password: PW })).setCookies);
      await ctx.post("a 10 000-digit code", "/sign-in/email-otp", { email: "h@x.com", otp: "1".repeat(10000) });
      await ctx.post("a numeric code", "/sign-in/email-otp", { email: "h@x.com", otp: 123456 });
      await ctx.post("empty email and code", "/sign-in/email-otp", { email: "", otp: "" });
      await ctx.post("image null", "/sign-in/email-otp", { email: "h@x.com", otp: "1", image: null });
      await ctx.post("a 700-character email", "/email-otp/verify-email", { email: "a@x.com".repeat(100), otp: "1" });
      await ctx.post("an empty code", "/email-otp/check-verification-otp", { email: "h@x.com", type: "sign-in", otp: "" });
      await ctx.post("a 200-character password", "/email-otp/reset-password", { email: "h@x.com", otp: "1", password: "x".repeat(200) });
      await ctx.post("extra keys", "/email-otp/send-verification-otp", { email: "h@x.com", type: "sign-in", extra: { a: 1 } });
      await ctx.post("newEmail an object", "/email-otp/request-email-change", { newEmail: { a: 1 } }, { cookie });
      await ctx.post("otp null", "/email-otp/change-email", { newEmail: "n@x.com", otp: null }, { cookie });
      await ctx.send("invalid JSON", "POST", "/sign-in/email-otp", { json: "{", headers: TRUSTED });
      await ctx.send("a form body", "POST", "/email-otp/send-verification-otp", { form: { email: "h@x.com", type: "sign-in" }, headers: TRUSTED });
      await ctx.rows("one sign-in code stored");
    });

    parity("auth.api: createVerificationOTP / getVerificationOTP, HTTP cannot reach them", async (ctx) => {
      const code = await ctx.api("createVerificationOTP", (api) => api.createVerificationOTP({ body: { email: "API@x.com", type: "email-verification" } }));
      assert.match(code, /^\d{6}$/);
      ctx.record("code", ctx.code(code));
      const got = await ctx.api("getVerificationOTP", (api) => api.getVerificationOTP({ query: { email: "api@x.com", type: "email-verification" } }));
      assert.equal(got.otp, code);
      await ctx.api("getVerificationOTP none", (api) => api.getVerificationOTP({ query: { email: "none@x.com", type: "sign-in" } }));
      await ctx.api("getVerificationOTP bad type", (api) => api.getVerificationOTP({ query: { email: "none@x.com", type: "x" } }));
      await ctx.api("createVerificationOTP bad body", (api) => api.createVerificationOTP({ body: { email: "a@x.com" } }));
      await ctx.api("sendVerificationOTP", (api) => api.sendVerificationOTP({ body: { email: "api@x.com", type: "sign-in" } }));
      await ctx.api("signInEmailOTP", (api) => api.signInEmailOTP({ body: { email: "api@x.com", otp: ctx.mails.at(-1).otp } }));
      await ctx.post("no HTTP route for createVerificationOTP", "/email-otp/create-verification-otp", { email: "a@x.com", type: "sign-in" });
      await ctx.get("no HTTP route for getVerificationOTP", "/email-otp/get-verification-otp", { email: "a@x.com", type: "sign-in" });
      await ctx.rows("after the api calls");
    });

    parity("sendVerificationOTP failures are logged, not answered", async (ctx) => {
      await ctx.signUp("f@x.com");
      expectOk((await ctx.sendOtp("mailer throws", "f@x.com", "email-verification")).r);
      await ctx.rows("row kept");
    }, { otp: { sendVerificationOTP: async () => { throw new Error("smtp down"); } } });

    parity("the official client: emailOtp.* and signIn.emailOtp", async (ctx) => {
      const jar = new Map();
      const client = createAuthClient({
        baseURL: BASE_URL,
        plugins: [emailOTPClient()],
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
      const rec = (label, r) => ctx.record(label, { data: norm(r.data, ctx.sh), error: norm(r.error, ctx.sh) });
      rec("sendVerificationOtp", await client.emailOtp.sendVerificationOtp({ email: "cli@x.com", type: "sign-in" }));
      const code = ctx.mails.at(-1).otp;
      rec("signIn.emailOtp wrong", await client.signIn.emailOtp({ email: "cli@x.com", otp: wrong(code) }));
      rec("signIn.emailOtp", await client.signIn.emailOtp({ email: "cli@x.com", otp: code, name: "Cli" }));
      rec("getSession", await client.getSession());
      rec("requestPasswordReset", await client.emailOtp.requestPasswordReset({ email: "cli@x.com" }));
      const reset = ctx.mails.at(-1).otp;
      rec("checkVerificationOtp", await client.emailOtp.checkVerificationOtp({ email: "cli@x.com", type: "forget-password", otp: reset }));
      rec("resetPassword", await client.emailOtp.resetPassword({ email: "cli@x.com", otp: reset, password: NEW_PW }));
      rec("verifyEmail (no code)", await client.emailOtp.verifyEmail({ email: "cli@x.com", otp: "000000" }));
      await ctx.rows("after the client");
    });

    parity("rate limit: the plugin's rule (rateLimit: max 2) on its nine paths, exact matches", async (ctx) => {
      const ip = { "x-forwarded-for": randomIp() }; // Better Auth's memory counters outlive the instance
      const statuses = [];
      for (let i = 1; i <= 4; i++) statuses.push((await ctx.post(`sign-in ${i}`, "/sign-in/email-otp", { email: "rl@x.com", otp: "1" }, { headers: ip })).status);
      assert.deepEqual(statuses, [400, 400, 429, 429]);
      const s2 = [];
      for (let i = 1; i <= 3; i++) s2.push((await ctx.post(`check ${i}`, "/email-otp/check-verification-otp", { email: "rl@x.com", type: "sign-in", otp: "1" }, { headers: ip })).status);
      assert.deepEqual(s2, [400, 400, 429]);
    }, { rateLimit: { enabled: true }, otp: { rateLimit: { window: 60, max: 2 } } });

    parity("rate limit: default rule", async (ctx) => {
      const ip = { "x-forwarded-for": randomIp() };
      const statuses = [];
      for (let i = 1; i <= 4; i++) statuses.push((await ctx.post(`send ${i}`, "/email-otp/send-verification-otp", { email: `rl${i}@x.com`, type: "sign-in" }, { headers: ip })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    }, { rateLimit: { enabled: true } });
  });
}

/**
 * One database, both packages: a code one side stored (encrypted with the shared secret) is
 * accepted by the other, and attempts counted by one are seen by the other.
 */
function defineSharedSuite(dialect) {
  test(`codes stored by one package are used by the other, on one ${dialect} database`, async () => {
    if (!IMPLS.includes("ours")) return;
    const db = await openDatabase(dialect, "otpx");
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
          plugins: [emailOTP({ storeOTP: "encrypted", sendVerificationOTP: (d) => void mails.push(d) })],
        };
        if (kind === REFERENCE) await m.migrate(opts);
        return m.betterAuth(opts);
      };
      const ba = await make(REFERENCE);
      const rs = await make("ours");
      const post = (auth, path, body) =>
        auth.handler(new Request(`${BASE_URL}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body: JSON.stringify(body) }));
      for (const [from, to, email] of [[ba, rs, "from-ba@x.com"], [rs, ba, "from-rs@x.com"]]) {
        assert.equal((await post(from, "/email-otp/send-verification-otp", { email, type: "sign-in" })).status, 200);
        const code = mails.at(-1).otp;
        const bad = await post(from, "/sign-in/email-otp", { email, otp: wrong(code) });
        assert.equal(bad.status, 400);
        const got = await to.api.getVerificationOTP({ query: { email, type: "sign-in" } });
        assert.equal(got.otp, code, "the other side decrypts the code");
        const r = await post(to, "/sign-in/email-otp", { email, otp: code });
        assert.equal(r.status, 200, `${email}: ${await r.clone().text()}`);
        assert.equal((await r.json()).user.email, email);
        assert.equal((await post(from, "/sign-in/email-otp", { email, otp: code })).status, 400, "used up for the issuer too");
      }
    } finally {
      await db.cleanup();
    }
  });
}

for (const dialect of DIALECTS) {
  describe(`email OTP parity on ${dialect}`, () => defineSuite(dialect));
  describe(`email OTP rows shared on ${dialect}`, () => defineSharedSuite(dialect));
}
