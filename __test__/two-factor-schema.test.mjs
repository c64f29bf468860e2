// The twoFactor plugin's `schema` option (and `twoFactorTable`): a renamed table, renamed columns
// and a renamed `user.twoFactorEnabled` column, as Better Auth's plugin takes them
// (`twoFactor({ schema: { user: { fields }, twoFactor: { modelName, fields } } })`).
//
// - Through the SQL store (SQLite, PostgreSQL and MariaDB; BA_RS_TWO_FACTOR_DBS picks them):
//   each implementation migrates its own fresh database with its own migrator; the same requests
//   must answer alike and leave the same rows under the same renamed table and columns. Rows
//   better-auth wrote are then used by better-auth-rs on the same SQLite file.
// - Through drizzleAdapter + node-postgres: a drizzle schema whose keys are the renamed names
//   (for drizzle, Better Auth's names are keys of the schema object); rows read back through
//   drizzle. Both Better Auth's `twoFactor()` object and better-auth-rs's own descriptor
//   (better-auth-rs/plugins/two-factor, which must carry the renames to the adapter) are run.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable, text, boolean, integer, timestamp } from "drizzle-orm/pg-core";
import { SECRET, BASE_URL } from "./helpers/impls.mjs";
import { Ctx, compareRuns, REFERENCE } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase, PG_URL } from "./helpers/dialects.mjs";
import { pgSchema, PG_DDL } from "./helpers/drizzle-pg.mjs";

const require = createRequire(import.meta.url);
const baTwoFactor = require("better-auth/plugins").twoFactor;
const ourTwoFactor = require("../js/plugins/two-factor.js").twoFactor;
const { drizzleAdapter } = require("../js/adapters/drizzle.js");
const ORIGIN = { origin: BASE_URL };
const PW = "correct-horse-battery";

// ----------------------------------------------------------------------------- TOTP, cookies

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

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits). */
function totp(key, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = crypto.createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const bin = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1e6).padStart(6, "0");
}
const keyOf = (uri) => base32Decode(new URL(uri).searchParams.get("secret"));
const wrong = (key) => String((Number(totp(key)) + 500000) % 1000000).padStart(6, "0");

class Jar {
  constructor() {
    this.map = new Map();
  }
  take(setCookies) {
    for (const c of setCookies) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      if (/;\s*max-age=0\b/i.test(c)) this.map.delete(pair.slice(0, i));
      else this.map.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header() {
    return [...this.map].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

async function post(ctx, label, path, json, jar) {
  const r = await ctx.send(label, "POST", path, { json, headers: { ...ORIGIN, ...(jar.map.size ? { cookie: jar.header() } : {}) } });
  jar.take(r.setCookies);
  return r;
}

/** Random values replaced by placeholders, so runs compare. */
function scrub(v) {
  return JSON.parse(
    JSON.stringify(v)
      .replace(/2fa-attempts-2fa-[A-Za-z0-9_-]{20}/g, "<2fa-attempts>")
      .replace(/2fa-[A-Za-z0-9_-]{20}/g, "<2fa>")
      .replace(/secret=[A-Z2-7]+/g, "secret=<base32>")
      .replace(/"[A-Za-z0-9]{5}-[A-Za-z0-9]+"/g, '"<code>"'),
  );
}

/**
 * Enable, first verification, sign-in interception + verify-totp, a backup code, lock-out after
 * wrong codes, disable; `rows()` is recorded after the writes (the renamed table's rows).
 */
async function flow(ctx, rows) {
  const jar = new Jar();
  assert.equal((await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar)).status, 200);
  const e = await post(ctx, "enable", "/two-factor/enable", { password: PW }, jar);
  assert.equal(e.status, 200, e.text);
  const key = keyOf(e.json.totpURI);
  ctx.record("rows after enable", await rows());
  const v = await post(ctx, "verify-totp (first)", "/two-factor/verify-totp", { code: totp(key) }, jar);
  assert.equal(v.status, 200, v.text);
  ctx.record("rows after the first verification", await rows());
  await post(ctx, "sign-out", "/sign-out", {}, jar);
  const si = await post(ctx, "sign-in (intercepted)", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
  assert.equal(si.json?.twoFactorRedirect, true, si.text);
  const ok = await post(ctx, "verify-totp", "/two-factor/verify-totp", { code: totp(key) }, jar);
  assert.equal(ok.status, 200, ok.text);
  const gs = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: jar.header() } });
  assert.equal(gs.status, 200);
  await post(ctx, "sign-out again", "/sign-out", {}, jar);
  await post(ctx, "sign-in (intercepted) again", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
  const bc = await post(ctx, "verify-backup-code", "/two-factor/verify-backup-code", { code: e.json.backupCodes[0] }, jar);
  assert.equal(bc.status, 200, bc.text);
  ctx.record("rows after a backup code", await rows());
  await post(ctx, "sign-out third", "/sign-out", {}, jar);
  await post(ctx, "sign-in (intercepted) third", "/sign-in/email", { email: "a@x.com", password: PW }, jar);
  for (let i = 1; i <= 4; i++) await post(ctx, `wrong code ${i}`, "/two-factor/verify-totp", { code: wrong(key) }, jar);
  ctx.record("rows after wrong codes", await rows());
  return { key };
}

// --------------------------------------------------------------- the SQL store (own migrators)

const SQL_RENAMES = {
  user: { fields: { twoFactorEnabled: "two_factor_enabled" } },
  twoFactor: {
    modelName: "two_factors",
    fields: { secret: "totp_secret", backupCodes: "backup_codes", userId: "user_id", verified: "is_verified", failedVerificationCount: "failed_count", lockedUntil: "locked_until" },
  },
};

/** The renamed table's rows (columns as named in the database) and the renamed user column. */
async function sqlRows(db) {
  const q = (n) => db.ident(n);
  const tf = await db.query(`select * from ${q("two_factors")}`);
  const users = await db.query(`select ${q("two_factor_enabled")} as "enabled" from ${q("user")}`);
  return {
    columns: tf[0] ? Object.keys(tf[0]).sort() : [],
    rows: tf.map((r) => ({
      verified: [true, 1, "1"].includes(r.is_verified),
      failed: Number(r.failed_count),
      locked: r.locked_until !== null,
      secretIsEnvelope: typeof r.totp_secret === "string" && r.totp_secret.length > 40,
      codesIsEnvelope: typeof r.backup_codes === "string" && !r.backup_codes.startsWith("["),
    })),
    twoFactorEnabled: users.map((u) => [true, 1, "1"].includes(u.enabled)),
  };
}

describe("twoFactor({ schema }): renamed table and columns through the SQL store", () => {
  for (const dialect of dialectsFrom(process.env.BA_RS_TWO_FACTOR_DBS)) {
    test(`${dialect}: the flows answer as better-auth and leave the same rows in the renamed table and columns`, async () => {
      const runs = [];
      for (const [kind, plugin] of [[REFERENCE, baTwoFactor], ["ours", baTwoFactor], ["ours", ourTwoFactor]]) {
        const db = await openDatabase(dialect, "tfschema");
        try {
          const { betterAuth, migrate } = await loadImpl(kind);
          const options = {
            secret: SECRET,
            baseURL: BASE_URL,
            logger: { disabled: true },
            emailAndPassword: { enabled: true },
            plugins: [plugin({ schema: SQL_RENAMES, accountLockout: { maxFailedAttempts: 3 } })],
            database: db.forAuth(kind),
          };
          const auth = betterAuth(options);
          await migrate(options, auth);
          const ctx = new Ctx(kind, auth);
          try {
            await flow(ctx, () => sqlRows(db));
          } catch (err) {
            if (err && typeof err.message === "string") err.message = `[${kind}${plugin === ourTwoFactor ? " + our descriptor" : ""}] ${err.message}`;
            throw err;
          }
          ctx.steps = scrub(ctx.steps);
          runs.push(ctx);
        } finally {
          await db.cleanup();
        }
      }
      assert.deepEqual(runs[0].steps.find((s) => s.label === "rows after the first verification").value.columns, [
        "backup_codes", "failed_count", "id", "is_verified", "locked_until", "totp_secret", "user_id",
      ]);
      compareRuns(runs);
    });
  }

  test("sqlite: better-auth-rs signs in with the renamed rows better-auth wrote (and twoFactorTable names the table)", async () => {
    const renames = { ...SQL_RENAMES, twoFactor: { ...SQL_RENAMES.twoFactor, modelName: "ignored_for_twoFactorTable" } };
    const db = await openDatabase("sqlite", "tfshared");
    try {
      const options = (kind) => ({
        secret: SECRET,
        baseURL: BASE_URL,
        logger: { disabled: true },
        emailAndPassword: { enabled: true },
        plugins: [baTwoFactor({ schema: renames, twoFactorTable: "two_factors" })],
        database: db.forAuth(kind),
      });
      const ba = await loadImpl(REFERENCE);
      const baAuth = ba.betterAuth(options(REFERENCE));
      await ba.migrate(options(REFERENCE), baAuth);
      const ctx = new Ctx(REFERENCE, baAuth);
      const jar = new Jar();
      await post(ctx, "sign-up", "/sign-up/email", { name: "A", email: "a@x.com", password: PW }, jar);
      const e = await post(ctx, "enable", "/two-factor/enable", { password: PW }, jar);
      const key = keyOf(e.json.totpURI);
      assert.equal((await post(ctx, "verify-totp (first)", "/two-factor/verify-totp", { code: totp(key) }, jar)).status, 200);
      assert.equal((await db.query(`select count(*) as n from "two_factors"`))[0].n, 1);

      const ours = await loadImpl("ours");
      const ourAuth = ours.betterAuth(options("ours"));
      await ours.migrate(options("ours"), ourAuth);
      const octx = new Ctx("ours", ourAuth);
      const ojar = new Jar();
      const si = await post(octx, "sign-in", "/sign-in/email", { email: "a@x.com", password: PW }, ojar);
      assert.equal(si.json?.twoFactorRedirect, true, si.text);
      assert.equal((await post(octx, "verify-totp (wrong)", "/two-factor/verify-totp", { code: wrong(key) }, ojar)).status, 401);
      const ok = await post(octx, "verify-totp", "/two-factor/verify-totp", { code: totp(key) }, ojar);
      assert.equal(ok.status, 200, ok.text);
      const bc = await post(octx, "sign-out", "/sign-out", {}, ojar);
      assert.equal(bc.status, 200);
      await post(octx, "sign-in again", "/sign-in/email", { email: "a@x.com", password: PW }, ojar);
      assert.equal((await post(octx, "verify-backup-code", "/two-factor/verify-backup-code", { code: e.json.backupCodes[1] }, ojar)).status, 200);
      const [r] = await db.query(`select "failed_count", "backup_codes" from "two_factors"`);
      assert.equal(Number(r.failed_count), 0, "the failed attempt was counted in the renamed column and reset");
    } finally {
      await db.cleanup();
    }
  });

  test("options that Better Auth would ignore or that cannot name a column are refused at start", async () => {
    const { betterAuth } = await loadImpl("ours");
    const start = (schema) => betterAuth({ secret: SECRET, baseURL: BASE_URL, logger: { disabled: true }, database: ":memory:", plugins: [ourTwoFactor({ schema })] });
    assert.throws(() => start({ twoFactor: { fields: { nope: "x" } } }), /schema\.twoFactor\.fields\.nope/);
    assert.throws(() => start({ twoFactor: { fields: { secret: "bad name" } } }), /schema\.twoFactor\.fields\.secret/);
    assert.throws(() => start({ session: { fields: { token: "t" } } }), /schema\.session/);
    assert.throws(() => start({ user: { modelName: "users" } }), /schema\.user\.modelName/);
    assert.throws(() => start({ twoFactor: { modelName: "session" } }), /already a core table/);
  });
});

// ------------------------------------------------------------------------- drizzleAdapter + pg

// Better Auth's names are keys of the drizzle schema object; the SQL names are drizzle's
const ADAPTER_RENAMES = {
  user: { fields: { twoFactorEnabled: "mfaEnabled" } },
  twoFactor: { modelName: "mfa", fields: { secret: "totpSecret", backupCodes: "recoveryCodes", failedVerificationCount: "failures" } },
};
const pgUserMfa = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").default(false).notNull(),
  image: text("image"),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  updatedAt: timestamp("updated_at").defaultNow().$onUpdate(() => new Date()).notNull(),
  mfaEnabled: boolean("mfa_enabled").default(false),
});
const pgMfa = pgTable("mfa_factor", {
  id: text("id").primaryKey(),
  totpSecret: text("totp_secret").notNull(),
  recoveryCodes: text("recovery_codes").notNull(),
  userId: text("user_id").notNull(),
  verified: boolean("verified").default(true),
  failures: integer("failures").default(0),
  lockedUntil: timestamp("locked_until"),
});
const MFA_DDL = [
  `ALTER TABLE "user" ADD COLUMN "mfa_enabled" boolean DEFAULT false`,
  `CREATE TABLE "mfa_factor" ("id" text PRIMARY KEY NOT NULL, "totp_secret" text NOT NULL, "recovery_codes" text NOT NULL, "user_id" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "verified" boolean DEFAULT true, "failures" integer DEFAULT 0, "locked_until" timestamp)`,
];

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});
const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
cleanups.push(() => admin.end());

async function drizzleMfaDb() {
  const ns = "ba_tfschema_" + crypto.randomBytes(5).toString("hex");
  await admin.query(`create schema ${ns}`);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10, options: `-c search_path=${ns}` });
  for (const s of [...PG_DDL, ...MFA_DDL]) await pool.query(s);
  cleanups.push(async () => {
    await pool.end();
    await admin.query(`drop schema ${ns} cascade`);
  });
  const schema = { ...pgSchema, user: pgUserMfa, mfa: pgMfa };
  const db = drizzle(pool, { schema });
  return { db, adapter: () => drizzleAdapter(db, { provider: "pg", schema }) };
}

describe("twoFactor({ schema }): renamed table and fields through drizzleAdapter + node-postgres", () => {
  test("the flows answer as better-auth; rows in drizzle's renamed table and columns", async () => {
    assert.ok(pgUserMfa.email && pgUserMfa.mfaEnabled, "the user table with the renamed column");
    const runs = [];
    for (const [kind, plugin] of [[REFERENCE, baTwoFactor], ["ours", baTwoFactor], ["ours", ourTwoFactor]]) {
      const db = await drizzleMfaDb();
      const make = kind === REFERENCE ? (await loadImpl(REFERENCE)).betterAuth : (await loadImpl("ours")).betterAuth;
      const auth = make({
        secret: SECRET,
        baseURL: BASE_URL,
        logger: { disabled: true },
        rateLimit: { enabled: false },
        emailAndPassword: { enabled: true },
        plugins: [plugin({ schema: ADAPTER_RENAMES, accountLockout: { maxFailedAttempts: 3 } })],
        database: db.adapter(),
      });
      const ctx = new Ctx(kind, auth);
      const rows = async () => {
        const [u] = await db.db.select().from(pgUserMfa);
        const tf = await db.db.select().from(pgMfa);
        return {
          mfaEnabled: u?.mfaEnabled ?? null,
          rows: tf.map((r) => ({ verified: r.verified, failures: r.failures, locked: r.lockedUntil instanceof Date, secret: r.totpSecret.length > 40, codes: !r.recoveryCodes.startsWith("["), userIdOk: r.userId === u.id })),
        };
      };
      try {
        await flow(ctx, rows);
      } catch (err) {
        if (err && typeof err.message === "string") err.message = `[${kind}${plugin === ourTwoFactor ? " + our descriptor" : ""}] ${err.message}`;
        throw err;
      }
      ctx.steps = scrub(ctx.steps);
      runs.push(ctx);
    }
    const last = runs[0].steps.find((s) => s.label === "rows after wrong codes").value;
    assert.deepEqual(last.rows.map((r) => [r.failures, r.locked]), [[3, true]], "the lock-out counted in the renamed `failures` column");
    compareRuns(runs);
  });
});
