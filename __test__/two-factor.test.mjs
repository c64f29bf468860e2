// The twoFactor plugin (issue 16.1, shared/spec/plugins.md §3): the same request sequences go to
// the real better-auth (its own `twoFactor()` object, migrated by its own migrator) and to
// better-auth-rs (the same object), each on a fresh database (SQLite, PostgreSQL and MariaDB;
// BA_RS_TWO_FACTOR_DBS=sqlite,postgres,mysql picks them); statuses, JSON bodies, cookies
// and rows must be equal. Random values (TOTP secrets, backup codes, challenge and trust-device
// identifiers) are replaced by placeholders before the runs are compared; TOTP codes are
// computed here from the secret in the URI (RFC 6238 over HMAC-SHA1, node:crypto).
//
// Not served (refused by betterAuth()): custom backup-code functions and custom storeOTP
// functions. The OTP method calls the app's otpOptions.sendOTP (the codes are captured here).
import "./helpers/env.mjs";

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { IMPLS, SECRET, BASE_URL, tempDbFile } from "./helpers/impls.mjs";
import { Ctx, compareRuns, REFERENCE } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase } from "./helpers/dialects.mjs";

const require = createRequire(import.meta.url);
const { twoFactor } = require("better-auth/plugins");
const ORIGIN = { origin: BASE_URL };
const PW = "correct-horse-battery";

async function openAuth(kind, file, pluginOptions = {}, extra = {}) {
  const options = {
    secret: SECRET,
    baseURL: BASE_URL,
    logger: { disabled: true },
    emailAndPassword: { enabled: true },
    plugins: [twoFactor(pluginOptions)],
    ...extra,
  };
  if (kind === REFERENCE) {
    const db = new Database(file);
    options.database = db;
    const { getMigrations } = await import("better-auth/db/migration");
    await (await getMigrations(options)).runMigrations();
    const { betterAuth } = await import("better-auth");
    return { auth: betterAuth(options), rows: (sql) => db.prepare(sql).all(), close: () => db.close() };
  }
  const { betterAuth } = require("../index.js");
  const auth = betterAuth({ ...options, database: file });
  let reader;
  return {
    auth,
    rows: (sql) => (reader ??= new Database(file, { readonly: true })).prepare(sql).all(),
    close: () => reader?.close(),
  };
}

// ------------------------------------------------------------------------------------- TOTP

function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(key, { period = 30, digits = 6, at = Date.now() } = {}) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / period)));
  const h = crypto.createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const bin = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 10 ** digits).padStart(digits, "0");
}

const keyOf = (uri) => base32Decode(new URL(uri).searchParams.get("secret"));
/** A code no window accepts (the current one shifted by half the code space). */
const wrong = (key) => String((Number(totp(key)) + 500000) % 1000000).padStart(6, "0");

// ------------------------------------------------------------------------------ the runner

/** Random values replaced by placeholders, so the two runs compare. */
function scrub(v) {
  return JSON.parse(
    JSON.stringify(v)
      .replace(/[A-Za-z0-9_-]{43}!trust-device-[A-Za-z0-9_-]{32}/g, "<trust>")
      .replace(/trust-device-[A-Za-z0-9_-]{32}/g, "<trust-id>")
      .replace(/2fa-attempts-2fa-[A-Za-z0-9_-]{20}/g, "<2fa-attempts>")
      .replace(/2fa-[A-Za-z0-9_-]{20}/g, "<2fa>")
      .replace(/secret=[A-Z2-7]+/g, "secret=<base32>")
      .replace(/"[A-Za-z0-9]{5}-[A-Za-z0-9]+"/g, '"<code>"'),
  );
}

const DIALECTS = dialectsFrom(process.env.BA_RS_TWO_FACTOR_DBS);

async function parityOn(dialect, seq, pluginOptions = {}, extra = {}) {
  const runs = [];
  for (const kind of IMPLS) {
    const db = await openDatabase(dialect, "twofactor");
    try {
      const { betterAuth, migrate } = await loadImpl(kind);
      const options = {
        secret: SECRET,
        baseURL: BASE_URL,
        logger: { disabled: true },
        emailAndPassword: { enabled: true },
        plugins: [twoFactor(pluginOptions)],
        ...extra,
        database: db.forAuth(kind),
      };
      const auth = betterAuth(options);
      await migrate(options, auth);
      const ctx = new Ctx(kind, auth);
      const rows = (sql) => db.query(sql.replaceAll('"', dialect === "mysql" ? "`" : '"'));
      await seq(ctx, rows);
      ctx.steps = scrub(ctx.steps);
      runs.push(ctx);
    } finally {
      await db.cleanup();
    }
  }
  compareRuns(runs);
}

async function parity(seq, pluginOptions, extra) {
  for (const d of DIALECTS) await parityOn(d, seq, pluginOptions, extra);
}

/** A cookie jar: Set-Cookie entries applied in order (Max-Age=0 deletes). */
class Jar {
  constructor() {
    this.map = new Map();
  }
  take(setCookies) {
    for (const c of setCookies) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      if (/;\s*max-age=0\b/i.test(c)) this.map.delete(name);
      else this.map.set(name, pair.slice(i + 1));
    }
    return this;
  }
  header() {
    return [...this.map].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(name) {
    return this.map.has(name);
  }
  without(name) {
    const j = new Jar();
    for (const [k, v] of this.map) if (k !== name) j.map.set(k, v);
    return j;
  }
}

async function post(ctx, label, path, json, jar) {
  const r = await ctx.send(label, "POST", path, { json, headers: { ...ORIGIN, ...(jar && jar.map.size ? { cookie: jar.header() } : {}) } });
  if (jar) jar.take(r.setCookies);
  return r;
}

async function signUpAndEnable(ctx, email = "a@x.com") {
  const jar = new Jar();
  const s = await post(ctx, "sign-up", "/sign-up/email", { name: "A", email, password: PW }, jar);
  assert.equal(s.status, 200, s.text);
  const e = await post(ctx, "enable", "/two-factor/enable", { password: PW }, jar);
  assert.equal(e.status, 200, e.text);
  const key = keyOf(e.json.totpURI);
  const v = await post(ctx, "verify-totp (session mode, first)", "/two-factor/verify-totp", { code: totp(key) }, jar);
  assert.equal(v.status, 200, v.text);
  return { jar, key, codes: e.json.backupCodes, userId: s.json.user.id };
}

const row = (rows) =>
  rows(`select "verified", "failedVerificationCount", "lockedUntil" is not null as "locked", length("secret") as "secretLen", "backupCodes" not like '[%' as "hex" from "twoFactor"`);

describe("twoFactor plugin: parity with better-auth", () => {
  test("enable, first verification, sign-in interception, verify-totp, trust device, get-totp-uri", async () => {
    await parity(async (ctx, rows) => {
      const jar = new Jar();
      await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
      await post(ctx, "enable: no password", "/two-factor/enable", {}, jar);
      await post(ctx, "enable: wrong password", "/two-factor/enable", { password: "nope-nope-nope" }, jar);
      await post(ctx, "enable: overlong password", "/two-factor/enable", { password: "x".repeat(200) }, jar);
      await post(ctx, "enable: otp without sendOTP", "/two-factor/enable", { password: PW, method: "otp" }, jar);
      await post(ctx, "enable: no session", "/two-factor/enable", { password: PW });
      const e = await post(ctx, "enable", "/two-factor/enable", { password: PW, issuer: "My App" }, jar);
      assert.equal(e.status, 200, e.text);
      assert.equal(e.json.method, "totp");
      assert.equal(e.json.backupCodes.length, 10);
      assert.match(e.json.totpURI, /^otpauth:\/\/totp\/My%20App:a%40x\.com\?secret=[A-Z2-7]{52}&issuer=My\+App&digits=6&period=30$/);
      ctx.record("rows after enable", { tf: await row(rows), user: await rows(`select "twoFactorEnabled" from "user"`) });
      const key = keyOf(e.json.totpURI);
      // still unverified: sign-in is not intercepted
      const plain = await post(ctx, "sign-in before verification", "/sign-in/email", { email: "a@x.com", password: PW });
      assert.equal(plain.json.redirect, false);
      await post(ctx, "verify-totp: wrong code", "/two-factor/verify-totp", { code: wrong(key) }, jar);
      await post(ctx, "verify-totp: not a string", "/two-factor/verify-totp", { code: 123456 }, jar);
      const v = await post(ctx, "verify-totp (session mode)", "/two-factor/verify-totp", { code: totp(key) }, jar);
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.user.twoFactorEnabled, false, "Better Auth's quirk: the pre-update user");
      ctx.record("rows after verification", { tf: await row(rows), user: await rows(`select "twoFactorEnabled" from "user"`) });
      await post(ctx, "enable again: already enabled", "/two-factor/enable", { password: PW }, jar);
      const uri = await post(ctx, "get-totp-uri", "/two-factor/get-totp-uri", { password: PW }, jar);
      assert.deepEqual(keyOf(uri.json.totpURI), key);
      await post(ctx, "get-totp-uri: wrong password", "/two-factor/get-totp-uri", { password: "nope-nope-nope" }, jar);

      // sign-in: withheld behind the two_factor challenge
      const browser = new Jar();
      const si = await post(ctx, "sign-in (2FA on)", "/sign-in/email", { email: "a@x.com", password: PW, rememberMe: false }, browser);
      assert.deepEqual(si.json, { twoFactorRedirect: true, twoFactorMethods: ["totp"] });
      assert.ok(browser.has("better-auth.two_factor") && !browser.has("better-auth.session_token"));
      ctx.record("verification rows", await rows(`select identifier, value = (select id from "user") as "forUser" from verification order by identifier like '2fa-attempts-%'`));
      await post(ctx, "get-session while challenged", "/get-session", undefined, browser);
      await post(ctx, "verify-totp: no cookie", "/two-factor/verify-totp", { code: totp(key) });
      await post(ctx, "verify-totp: wrong code (sign-in)", "/two-factor/verify-totp", { code: wrong(key) }, browser);
      ctx.record("attempts row", await rows(`select value from verification where identifier like '2fa-attempts-%'`));
      const done = await post(ctx, "verify-totp completes sign-in, trust device", "/two-factor/verify-totp", { code: totp(key), trustDevice: true }, browser);
      assert.equal(done.status, 200, done.text);
      assert.ok(browser.has("better-auth.session_token") && browser.has("better-auth.trust_device") && !browser.has("better-auth.two_factor"));
      await post(ctx, "verify-totp: challenge used up", "/two-factor/verify-totp", { code: totp(key) }, browser.without("better-auth.session_token"));
      const gs = await ctx.send("get-session after 2FA", "GET", "/get-session", { headers: { cookie: browser.header() } });
      assert.equal(gs.json.user.email, "a@x.com");

      // a trusted device signs in directly (and its trust is renewed)
      const trusted = await post(ctx, "sign-in from the trusted device", "/sign-in/email", { email: "a@x.com", password: PW }, browser.without("better-auth.session_token"));
      assert.equal(trusted.json.redirect, false);
      // a forged trust cookie is expired and the sign-in challenged
      await ctx.send("sign-in with a badly signed trust cookie", "POST", "/sign-in/email", {
        json: { email: "a@x.com", password: PW },
        headers: { ...ORIGIN, cookie: "better-auth.trust_device=abc!trust-device-x.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D" },
      });
      ctx.record("rows at the end", await row(rows));
    });
  });

  test("backup codes: sign-in with one, single use, regenerate; disable", async () => {
    await parity(async (ctx, rows) => {
      const { jar, codes } = await signUpAndEnable(ctx);
      const b1 = new Jar();
      await post(ctx, "sign-in", "/sign-in/email", { email: "a@x.com", password: PW }, b1);
      await post(ctx, "verify-backup-code: wrong", "/two-factor/verify-backup-code", { code: "aaaaa-bbbbb" }, b1);
      await post(ctx, "verify-backup-code: lower-cased", "/two-factor/verify-backup-code", { code: codes[0].toLowerCase() === codes[0] ? "zzzzz-zzzzz" : codes[0].toLowerCase() }, b1);
      const ok = await post(ctx, "verify-backup-code", "/two-factor/verify-backup-code", { code: codes[0] }, b1);
      assert.equal(ok.status, 200, ok.text);
      const b2 = new Jar();
      await post(ctx, "sign-in again", "/sign-in/email", { email: "a@x.com", password: PW }, b2);
      await post(ctx, "verify-backup-code: used code", "/two-factor/verify-backup-code", { code: codes[0] }, b2);
      await post(ctx, "verify-backup-code: disableSession", "/two-factor/verify-backup-code", { code: codes[1], disableSession: true }, b2);
      ctx.record("challenge still there", await rows(`select count(*) as n from verification where identifier like '2fa-%' and identifier not like '2fa-attempts-%'`));
      await post(ctx, "verify-backup-code (session mode)", "/two-factor/verify-backup-code", { code: codes[2] }, jar);
      await post(ctx, "generate-backup-codes: wrong password", "/two-factor/generate-backup-codes", { password: "nope-nope-nope" }, jar);
      const g = await post(ctx, "generate-backup-codes", "/two-factor/generate-backup-codes", { password: PW }, jar);
      assert.equal(g.json.backupCodes.length, 10);
      await post(ctx, "old code after regeneration", "/two-factor/verify-backup-code", { code: codes[3] }, jar);
      await post(ctx, "new code", "/two-factor/verify-backup-code", { code: g.json.backupCodes[0] }, jar);
      await post(ctx, "disable: wrong password", "/two-factor/disable", { password: "nope-nope-nope" }, jar);
      await post(ctx, "disable: overlong password", "/two-factor/disable", { password: "x".repeat(200) }, jar);
      await post(ctx, "generate-backup-codes: overlong password", "/two-factor/generate-backup-codes", { password: "x".repeat(200) }, jar);
      await post(ctx, "disable", "/two-factor/disable", { password: PW }, jar);
      ctx.record("rows after disable", { tf: await rows(`select count(*) as n from "twoFactor"`), user: await rows(`select "twoFactorEnabled" from "user"`) });
      await post(ctx, "generate-backup-codes: not enabled", "/two-factor/generate-backup-codes", { password: PW }, jar);
      await post(ctx, "get-totp-uri: not enabled", "/two-factor/get-totp-uri", { password: PW }, jar);
      const plain = await post(ctx, "sign-in after disable", "/sign-in/email", { email: "a@x.com", password: PW });
      assert.equal(plain.json.redirect, false);
    });
  });

  test("attempt limits per challenge and the account lock-out", async () => {
    await parity(async (ctx, rows) => {
      const { key } = await signUpAndEnable(ctx);
      const b1 = new Jar();
      await post(ctx, "sign-in 1", "/sign-in/email", { email: "a@x.com", password: PW }, b1);
      for (let i = 1; i <= 5; i++) await post(ctx, `challenge 1 failure ${i}`, "/two-factor/verify-totp", { code: wrong(key) }, b1);
      await post(ctx, "challenge 1: too many attempts (right code)", "/two-factor/verify-totp", { code: totp(key) }, b1);
      await post(ctx, "challenge 1: gone", "/two-factor/verify-totp", { code: totp(key) }, b1);
      const b2 = new Jar();
      await post(ctx, "sign-in 2", "/sign-in/email", { email: "a@x.com", password: PW }, b2);
      for (let i = 1; i <= 4; i++) await post(ctx, `challenge 2 failure ${i}`, "/two-factor/verify-totp", { code: wrong(key) }, b2);
      await post(ctx, "challenge 2 backup-code failure (10th)", "/two-factor/verify-backup-code", { code: "aaaaa-bbbbb" }, b2);
      ctx.record("row after 10 failures", await row(rows));
      const b3 = new Jar();
      await post(ctx, "sign-in 3", "/sign-in/email", { email: "a@x.com", password: PW }, b3);
      await post(ctx, "locked (right code)", "/two-factor/verify-totp", { code: totp(key) }, b3);
      await post(ctx, "locked (backup code)", "/two-factor/verify-backup-code", { code: "aaaaa-bbbbb" }, b3);
    });
  });

  test("options: skipVerificationOnEnable, totp disabled, plain backup codes, custom issuer and digits", async () => {
    await parity(
      async (ctx, rows) => {
        const jar = new Jar();
        await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
        const e = await post(ctx, "enable (skip verification)", "/two-factor/enable", { password: PW }, jar);
        assert.match(e.json.totpURI, /issuer=Issuer&digits=8&period=60$/);
        ctx.record("rows", { tf: await rows(`select "verified", "backupCodes" like '[%' as "plain" from "twoFactor"`), user: await rows(`select "twoFactorEnabled" from "user"`) });
        const key = keyOf(e.json.totpURI);
        const b = new Jar();
        const si = await post(ctx, "sign-in", "/sign-in/email", { email: "a@x.com", password: PW }, b);
        assert.deepEqual(si.json.twoFactorMethods, ["totp"]);
        const v = await post(ctx, "verify-totp (8 digits, 60 s)", "/two-factor/verify-totp", { code: totp(key, { digits: 8, period: 60 }) }, b);
        assert.equal(v.status, 200, v.text);
      },
      { skipVerificationOnEnable: true, issuer: "Issuer", totpOptions: { digits: 8, period: 60 }, backupCodeOptions: { storeBackupCodes: "plain", amount: 3, length: 12 } },
    );
    await parity(
      async (ctx) => {
        const jar = new Jar();
        await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
        await post(ctx, "enable: totp disabled", "/two-factor/enable", { password: PW }, jar);
        await post(ctx, "verify-totp: totp disabled", "/two-factor/verify-totp", { code: "123456" }, jar);
        await post(ctx, "get-totp-uri: totp disabled", "/two-factor/get-totp-uri", { password: PW }, jar);
      },
      { totpOptions: { disable: true } },
    );
  });

  test("auth.api: enableTwoFactor, verifyTOTP, viewBackupCodes, generateTOTP", async () => {
    await parity(async (ctx) => {
      const { jar, userId } = await signUpAndEnable(ctx);
      const headers = new Headers({ cookie: jar.header() });
      await ctx.api("viewBackupCodes", (api) => api.viewBackupCodes({ body: { userId } }));
      await ctx.api("viewBackupCodes: unknown user", (api) => api.viewBackupCodes({ body: { userId: "nobody" } }));
      await ctx.api("getTOTPURI", (api) => api.getTOTPURI({ body: { password: PW }, headers }));
      await ctx.api("generateTOTP", async (api) => ((await api.generateTOTP({ body: { secret: "x".repeat(32) } })).code === totp(Buffer.from("x".repeat(32))) ? "matches" : "differs"));
      await ctx.api("verifyTOTP: wrong code", (api) => api.verifyTOTP({ body: { code: "12" }, headers }));
    });
  });
});

describe("twoFactor plugin: the OTP method (otpOptions.sendOTP)", () => {
  const sent = [];
  const otpOptions = (extra = {}) => ({ otpOptions: { sendOTP: ({ user, otp }) => void sent.push({ email: user.email, otp }), ...extra } });
  const lastOtp = () => sent.at(-1).otp;

  for (const storeOTP of ["plain", "hashed", "encrypted"]) {
    test(`enable by OTP, sign-in challenge, send-otp / verify-otp, attempts (storeOTP: ${storeOTP})`, async () => {
      await parity(async (ctx, rows) => {
        const jar = new Jar();
        await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
        const e = await post(ctx, "enable (otp)", "/two-factor/enable", { password: PW, method: "otp" }, jar);
        assert.deepEqual(e.json, { method: "otp" });
        ctx.record("rows after enable", { tf: await rows(`select count(*) as n from "twoFactor"`), user: await rows(`select "twoFactorEnabled" from "user"`) });
        await post(ctx, "send-otp (session mode)", "/two-factor/send-otp", {}, jar);
        ctx.record("sent", { count: sent.length > 0, digits: /^\d{6}$/.test(lastOtp()) });
        ctx.record("otp row", await rows(`select length(value) as len, value like '%:0' as "zero" from verification where identifier like '2fa-otp-%'`));
        await post(ctx, "verify-otp (session mode)", "/two-factor/verify-otp", { code: lastOtp() }, jar);
        const b = new Jar();
        const si = await post(ctx, "sign-in", "/sign-in/email", { email: "a@x.com", password: PW }, b);
        assert.deepEqual(si.json.twoFactorMethods, ["otp"]);
        await post(ctx, "verify-otp before send", "/two-factor/verify-otp", { code: "123456" }, b);
        await post(ctx, "send-otp (sign-in)", "/two-factor/send-otp", undefined, b);
        assert.equal(sent.at(-1).email, "a@x.com");
        const good = lastOtp();
        const bad = good === "000000" ? "111111" : "000000";
        await post(ctx, "verify-otp: wrong", "/two-factor/verify-otp", { code: bad }, b);
        ctx.record("counter", await rows(`select value like '%:1' as "one" from verification where identifier like '2fa-otp-%'`));
        const ok = await post(ctx, "verify-otp", "/two-factor/verify-otp", { code: good, trustDevice: true }, b);
        assert.equal(ok.status, 200, ok.text);
        assert.ok(b.has("better-auth.session_token") && b.has("better-auth.trust_device"));
        const b2 = new Jar();
        await post(ctx, "sign-in 2", "/sign-in/email", { email: "a@x.com", password: PW }, b2);
        await post(ctx, "send-otp 2", "/two-factor/send-otp", {}, b2);
        const good2 = lastOtp();
        const bad2 = good2 === "000000" ? "111111" : "000000";
        for (let i = 1; i <= 5; i++) await post(ctx, `verify-otp failure ${i}`, "/two-factor/verify-otp", { code: bad2 }, b2);
        await post(ctx, "verify-otp after 5 failures (right code)", "/two-factor/verify-otp", { code: good2 }, b2);
        await post(ctx, "verify-otp: consumed", "/two-factor/verify-otp", { code: good2 }, b2);
        await post(ctx, "disable", "/two-factor/disable", { password: PW }, jar);
      }, otpOptions({ storeOTP }));
    });
  }

  test("verify-otp enables 2FA in session mode and re-issues the session", async () => {
    await parity(async (ctx, rows) => {
      const jar = new Jar();
      await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
      await post(ctx, "send-otp: 2FA off", "/two-factor/send-otp", {}, jar);
      const v = await post(ctx, "verify-otp: enables", "/two-factor/verify-otp", { code: lastOtp() }, jar);
      assert.equal(v.json.user.twoFactorEnabled, true);
      ctx.record("user", await rows(`select "twoFactorEnabled" from "user"`));
      await post(ctx, "send-otp: no session, no cookie", "/two-factor/send-otp", {});
    }, otpOptions());
    await parity(async (ctx) => {
      const jar = new Jar();
      await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
      await post(ctx, "send-otp: not configured", "/two-factor/send-otp", {}, jar);
    });
  });
});

describe("twoFactor plugin: rows shared with better-auth", () => {
  test("secrets and backup codes written by either package are read by the other", async () => {
    if (!IMPLS.includes(REFERENCE) || !IMPLS.includes("ours")) return;
    const { file, cleanup } = tempDbFile("two-factor-shared");
    try {
      const ba = await openAuth(REFERENCE, file);
      // scrypt: hashes better-auth verifies too (the default argon2id is a better-auth-rs extension)
      const ours = await openAuth("ours", file, {}, { emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } } });
      const run = async (auth, email) => {
        const ctx = new Ctx("x", auth);
        const r = await signUpAndEnable(ctx, email);
        const uri = await post(ctx, "uri", "/two-factor/get-totp-uri", { password: PW }, r.jar);
        return { ...r, uri: uri.json.totpURI };
      };
      for (const [writer, reader] of [
        [ba, ours],
        [ours, ba],
      ]) {
        const email = writer === ba ? "ba@x.com" : "rs@x.com";
        const w = await run(writer.auth, email);
        const rctx = new Ctx("reader", reader.auth);
        const view = await reader.auth.api.viewBackupCodes({ body: { userId: w.userId } });
        assert.deepEqual(view.backupCodes, w.codes);
        const uri = await post(rctx, "uri (reader)", "/two-factor/get-totp-uri", { password: PW }, w.jar);
        assert.equal(uri.status, 200, `${email}: ${uri.text}`);
        assert.deepEqual(keyOf(uri.json.totpURI), w.key);
        // the reader completes a sign-in with the writer's secret and backup codes
        const b = new Jar();
        const si = await post(rctx, "sign-in (reader)", "/sign-in/email", { email, password: PW }, b);
        assert.equal(si.json.twoFactorRedirect, true);
        const v = await post(rctx, "verify-totp (reader)", "/two-factor/verify-totp", { code: totp(w.key) }, b);
        assert.equal(v.status, 200, v.text);
        const b2 = new Jar();
        await post(rctx, "sign-in (reader) 2", "/sign-in/email", { email, password: PW }, b2);
        const bc = await post(rctx, "verify-backup-code (reader)", "/two-factor/verify-backup-code", { code: w.codes[4] }, b2);
        assert.equal(bc.status, 200, bc.text);
        const left = await writer.auth.api.viewBackupCodes({ body: { userId: w.userId } });
        assert.deepEqual(left.backupCodes, w.codes.filter((c) => c !== w.codes[4]));
      }
      ba.close();
      ours.close();
    } finally {
      cleanup();
    }
  });
});

describe("twoFactor plugin: the official client", () => {
  test("twoFactorClient(): enable, verify, sign-in redirect, verifyTotp", async () => {
    const { createAuthClient } = await import("better-auth/client");
    const { twoFactorClient } = await import("better-auth/client/plugins");
    for (const kind of IMPLS) {
      const { file, cleanup } = tempDbFile("two-factor-client");
      const { auth, close } = await openAuth(kind, file);
      try {
        const jar = new Jar();
        const customFetchImpl = async (url, init) => {
          const req = new Request(url, init);
          const h = new Headers(req.headers);
          if (jar.map.size) h.set("cookie", jar.header());
          h.set("origin", BASE_URL);
          const res = await auth.handler(new Request(req, { headers: h }));
          jar.take(res.headers.getSetCookie());
          return res;
        };
        let redirected = null;
        const client = createAuthClient({
          baseURL: BASE_URL,
          fetchOptions: { customFetchImpl },
          plugins: [twoFactorClient({ onTwoFactorRedirect: (ctx) => (redirected = ctx) })],
        });
        const su = await client.signUp.email({ name: "A", email: "a@x.com", password: PW });
        assert.equal(su.error, null);
        const en = await client.twoFactor.enable({ password: PW });
        assert.equal(en.error, null, JSON.stringify(en.error));
        const key = keyOf(en.data.totpURI);
        const v = await client.twoFactor.verifyTotp({ code: totp(key) });
        assert.equal(v.error, null, JSON.stringify(v.error));
        await client.signOut();
        assert.ok(!jar.has("better-auth.session_token"));
        const si = await client.signIn.email({ email: "a@x.com", password: PW });
        assert.equal(si.data.twoFactorRedirect, true, kind);
        assert.deepEqual(redirected, { twoFactorMethods: ["totp"] });
        const bad = await client.twoFactor.verifyTotp({ code: wrong(key) });
        assert.equal(bad.error.status, 401);
        assert.equal(bad.error.code, "INVALID_CODE");
        const ok = await client.twoFactor.verifyTotp({ code: totp(key), trustDevice: true });
        assert.equal(ok.error, null, JSON.stringify(ok.error));
        assert.equal(ok.data.user.email, "a@x.com");
        const s = await client.getSession();
        assert.equal(s.data.user.twoFactorEnabled, true, kind);
        const codes = await client.twoFactor.generateBackupCodes({ password: PW });
        assert.equal(codes.data.backupCodes.length, 10);
        const off = await client.twoFactor.disable({ password: PW });
        assert.equal(off.data.status, true);
      } finally {
        close();
        cleanup();
      }
    }
  });
});

describe("twoFactor plugin: options better-auth-rs does not serve", () => {
  test("custom backup-code and OTP storage functions make betterAuth() throw", () => {
    const { betterAuth } = require("../index.js");
    const { twoFactor: ours } = require("../js/plugins/two-factor.js");
    const { file, cleanup } = tempDbFile("two-factor-refused");
    try {
      for (const make of [twoFactor, ours]) {
        assert.throws(() => betterAuth({ secret: SECRET, database: file, plugins: [make({ otpOptions: { storeOTP: { hash: async (s) => s } } })] }), /storeOTP/);
        assert.throws(
          () => betterAuth({ secret: SECRET, database: file, plugins: [make({ backupCodeOptions: { customBackupCodesGenerate: () => ["a"] } })] }),
          /customBackupCodesGenerate/,
        );
        assert.throws(
          () => betterAuth({ secret: SECRET, database: file, plugins: [make({ backupCodeOptions: { storeBackupCodes: { encrypt: (s) => s, decrypt: (s) => s } } })] }),
          /storeBackupCodes/,
        );
      }
      assert.ok(betterAuth({ secret: SECRET, database: file, plugins: [ours({ otpOptions: { period: 5, sendOTP: () => {} } })] }));
    } finally {
      cleanup();
    }
  });
});
