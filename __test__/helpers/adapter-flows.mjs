// The parity flows of the adapter suites (adapters.test.mjs, adapters-prisma.test.mjs): the same
// request sequence on the real better-auth and on better-auth-rs, each with the same kind of
// Better Auth adapter over its own fresh database; observations compared with compareRuns, rows
// read back through the ORM (`db.rows()`: `{ users, accounts, sessions }`).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { betterAuth as referenceBetterAuth } from "better-auth";
import { BASE_URL, SECRET } from "./impls.mjs";
import { REFERENCE, Ctx, compareRuns, cookieHeader, expectError, expectOk } from "./observe.mjs";

const require = createRequire(import.meta.url);
const ours = require("../../index.js");
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export const PW = "correct-horse-battery";

/**
 * The models of Better Auth's CLI output for Prisma (camelCase columns, `@@map` to the singular
 * table names); prepend a generator and a datasource.
 */
export const PRISMA_MODELS = `model User {
  id            String    @id
  name          String
  email         String
  emailVerified Boolean   @default(false)
  image         String?
  createdAt     DateTime  @default(now())
  updatedAt     DateTime  @default(now()) @updatedAt
  sessions      Session[]
  accounts      Account[]

  @@unique([email])
  @@map("user")
}

model Session {
  id        String   @id
  expiresAt DateTime
  token     String
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  ipAddress String?
  userAgent String?
  userId    String
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([token])
  @@index([userId])
  @@map("session")
}

model Account {
  id                    String    @id
  accountId             String
  providerId            String
  userId                String
  user                  User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  accessToken           String?
  refreshToken          String?
  idToken               String?
  accessTokenExpiresAt  DateTime?
  refreshTokenExpiresAt DateTime?
  scope                 String?
  password              String?
  createdAt             DateTime  @default(now())
  updatedAt             DateTime  @updatedAt

  @@index([userId])
  @@map("account")
}

model Verification {
  id         String   @id
  identifier String
  value      String
  expiresAt  DateTime
  createdAt  DateTime @default(now())
  updatedAt  DateTime @default(now()) @updatedAt

  @@index([identifier])
  @@map("verification")
}
`;

// what `prisma migrate diff` writes for that schema (the schema engine is not available offline)
export const PRISMA_PG_DDL = [
  `CREATE TABLE "user" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, "email" TEXT NOT NULL, "emailVerified" BOOLEAN NOT NULL DEFAULT false, "image" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "user_pkey" PRIMARY KEY ("id"))`,
  `CREATE TABLE "session" ("id" TEXT NOT NULL, "expiresAt" TIMESTAMP(3) NOT NULL, "token" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL, "ipAddress" TEXT, "userAgent" TEXT, "userId" TEXT NOT NULL, CONSTRAINT "session_pkey" PRIMARY KEY ("id"))`,
  `CREATE TABLE "account" ("id" TEXT NOT NULL, "accountId" TEXT NOT NULL, "providerId" TEXT NOT NULL, "userId" TEXT NOT NULL, "accessToken" TEXT, "refreshToken" TEXT, "idToken" TEXT, "accessTokenExpiresAt" TIMESTAMP(3), "refreshTokenExpiresAt" TIMESTAMP(3), "scope" TEXT, "password" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "account_pkey" PRIMARY KEY ("id"))`,
  `CREATE TABLE "verification" ("id" TEXT NOT NULL, "identifier" TEXT NOT NULL, "value" TEXT NOT NULL, "expiresAt" TIMESTAMP(3) NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "verification_pkey" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "user_email_key" ON "user"("email")`,
  `CREATE UNIQUE INDEX "session_token_key" ON "session"("token")`,
  `CREATE INDEX "session_userId_idx" ON "session"("userId")`,
  `CREATE INDEX "account_userId_idx" ON "account"("userId")`,
  `CREATE INDEX "verification_identifier_idx" ON "verification"("identifier")`,
  `ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
  `ALTER TABLE "account" ADD CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
];

export const KINDS = [REFERENCE, "ours"];

export function options(database, extra = {}) {
  return {
    secret: SECRET,
    baseURL: BASE_URL,
    database,
    emailAndPassword: { enabled: true },
    user: { deleteUser: { enabled: true } },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    ...extra,
  };
}

export function makeAuth(kind, database, extra) {
  return (kind === REFERENCE ? referenceBetterAuth : ours.betterAuth)(options(database, extra));
}

/** A row as types the ORM returned: `Date` objects stay `Date`, booleans stay booleans. */
export function rowTypes(row) {
  const out = {};
  for (const k of Object.keys(row).sort()) {
    const v = row[k];
    out[k] = v instanceof Date ? "Date" : v === null ? "null" : typeof v;
  }
  return out;
}

/** Counts and the types of the user row, through the ORM (compared between the two). */
export async function recordRows(ctx, db, label) {
  const { users, accounts, sessions } = await db.rows();
  ctx.record(label, {
    users: users.length,
    accounts: accounts.length,
    sessions: sessions.length,
    user: users[0] ? { email: users[0].email, emailVerified: users[0].emailVerified, types: rowTypes(users[0]) } : null,
    // (the hash format differs on purpose: argon2id here, scrypt in better-auth; COMPATIBILITY.md)
    credential: accounts[0] ? { providerId: accounts[0].providerId, userId: accounts[0].userId === users[0]?.id, hasPassword: typeof accounts[0].password === "string" && accounts[0].password.length > 20 } : null,
  });
  return { users, accounts, sessions };
}

/** `j` without `image: null` keys (see memoryDb). */
export function withoutNullImage(j) {
  if (Array.isArray(j)) return j.map(withoutNullImage);
  if (j && typeof j === "object") {
    const out = {};
    for (const [k, v] of Object.entries(j)) if (!(k === "image" && v === null)) out[k] = withoutNullImage(v);
    return out;
  }
  return j;
}

export const byCreatedAt = (list) => (Array.isArray(list) ? [...list].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)) : list);
export const TRUSTED = { origin: BASE_URL };

/** The flows of the parity suite, on one adapter. */
export async function flows(ctx, db) {
  const email = "ada@example.com";
  const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "Ada", email, password: PW }, headers: TRUSTED });
  expectOk(up);
  const rows = await recordRows(ctx, db, "rows after sign-up");
  assert.equal(rows.users[0].id, up.json.user.id);
  assert.ok(rows.users[0].createdAt instanceof Date || typeof rows.users[0].createdAt === "string");
  const c1 = cookieHeader(up.setCookies);

  const dup = await ctx.send("duplicate sign-up", "POST", "/sign-up/email", { json: { name: "Ada", email, password: PW }, headers: TRUSTED });
  expectError(dup, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");

  const g = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: c1 } });
  expectOk(g);
  assert.equal(g.json.user.email, email);

  expectError(await ctx.send("sign-in wrong password", "POST", "/sign-in/email", { json: { email, password: "wrong-password-1" }, headers: TRUSTED }), 401, "INVALID_EMAIL_OR_PASSWORD");
  const si = await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED });
  expectOk(si);
  const c2 = cookieHeader(si.setCookies);

  const ls = await ctx.send("list-sessions", "GET", "/list-sessions", { headers: { cookie: c1 }, reorder: byCreatedAt });
  expectOk(ls);
  assert.equal(ls.json.length, 2);

  const rv = await ctx.send("revoke-session", "POST", "/revoke-session", { json: { token: si.json.token }, headers: { cookie: c1, ...TRUSTED } });
  expectOk(rv);
  const gone = await ctx.send("get-session of the revoked one", "GET", "/get-session", { headers: { cookie: c2 } });
  expectOk(gone);
  assert.equal(gone.json, null);
  await recordRows(ctx, db, "rows after revoke-session");

  const si2 = await ctx.send("sign-in again", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED });
  expectOk(si2);
  const cp = await ctx.send("change-password (revoking the others)", "POST", "/change-password", {
    json: { currentPassword: PW, newPassword: "new-password-123", revokeOtherSessions: true },
    headers: { cookie: c1, ...TRUSTED },
  });
  expectOk(cp);
  const c3 = cookieHeader(cp.setCookies);
  await recordRows(ctx, db, "rows after change-password");
  expectError(await ctx.send("sign-in with the old password", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED }), 401, "INVALID_EMAIL_OR_PASSWORD");

  const rs = await ctx.send("revoke-sessions", "POST", "/revoke-other-sessions", { json: {}, headers: { cookie: c3, ...TRUSTED } });
  expectOk(rs);
  const so = await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie: c3, ...TRUSTED } });
  expectOk(so);
  const after = await ctx.send("get-session after sign-out", "GET", "/get-session", { headers: { cookie: c3 } });
  assert.equal(after.json, null);

  const si3 = await ctx.send("sign-in with the new password", "POST", "/sign-in/email", { json: { email, password: "new-password-123" }, headers: TRUSTED });
  expectOk(si3);
  const c4 = cookieHeader(si3.setCookies);
  const upd = await ctx.send("update-user", "POST", "/update-user", { json: { name: "Ada L." }, headers: { cookie: c4, ...TRUSTED } });
  expectOk(upd);
  const g2 = await ctx.send("get-session after update-user", "GET", "/get-session", { headers: { cookie: c4 } });
  assert.equal(g2.json.user.name, "Ada L.");
  expectError(
    await ctx.send("delete-user with a wrong password", "POST", "/delete-user", { json: { password: "wrong-password-1" }, headers: { cookie: c4, ...TRUSTED } }),
    400,
    "INVALID_PASSWORD",
  );
  const del = await ctx.send("delete-user", "POST", "/delete-user", { json: { password: "new-password-123" }, headers: { cookie: c4, ...TRUSTED } });
  expectOk(del);
  const left = await recordRows(ctx, db, "rows after delete-user");
  assert.deepEqual([left.users.length, left.accounts.length, left.sessions.length], [0, 0, 0]);
}

/** Email verification and password reset (verification rows: create, findMany, consumeOne). */
export async function mailFlows(ctx, db, mail) {
  const email = "grace@example.com";
  const up = await ctx.send("sign-up (verification mailed)", "POST", "/sign-up/email", { json: { name: "Grace", email, password: PW, callbackURL: "/welcome" }, headers: TRUSTED });
  expectOk(up);
  assert.equal(mail.verify.length, 1);
  const bad = await ctx.send("verify-email with a bad token", "GET", "/verify-email?token=garbage");
  assert.equal(bad.status, 401);
  const v = await ctx.auth.handler(new Request(mail.verify[0].url.replace("&callbackURL=%2Fwelcome", "")));
  ctx.record("verify-email", { status: v.status, body: await v.json() });
  const rows = await recordRows(ctx, db, "rows after verify-email");
  assert.ok([true, 1].includes(rows.users[0].emailVerified)); // 1 where the adapter has no booleans

  const rq = await ctx.send("request-password-reset", "POST", "/request-password-reset", { json: { email, redirectTo: "/reset" }, headers: TRUSTED });
  expectOk(rq);
  assert.equal(mail.reset.length, 1);
  const token = mail.reset[0].token;
  const link = await ctx.auth.handler(new Request(mail.reset[0].url));
  ctx.record("open the reset link", { status: link.status, location: link.headers.get("location")?.replace(token, "<token>") });
  expectError(await ctx.send("reset-password, too short", "POST", "/reset-password", { json: { token, newPassword: "short" }, headers: TRUSTED }), 400, "PASSWORD_TOO_SHORT");
  expectOk(await ctx.send("reset-password", "POST", "/reset-password", { json: { token, newPassword: "brand-new-pass-1" }, headers: TRUSTED }));
  expectError(await ctx.send("reset-password, token reused", "POST", "/reset-password", { json: { token, newPassword: "brand-new-pass-2" }, headers: TRUSTED }), 400, "INVALID_TOKEN");
  expectError(await ctx.send("sign-in, old password", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED }), 401, "INVALID_EMAIL_OR_PASSWORD");
  expectOk(await ctx.send("sign-in, new password", "POST", "/sign-in/email", { json: { email, password: "brand-new-pass-1" }, headers: TRUSTED }));
}

export function mailOptions(mail) {
  return {
    emailAndPassword: {
      enabled: true,
      sendResetPassword: async ({ url, token }) => {
        mail.reset.push({ url, token });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendVerificationEmail: async ({ url, token }) => {
        mail.verify.push({ url, token });
      },
    },
  };
}

/**
 * Runs `run(ctx, db, mail)` on better-auth and on better-auth-rs, each over a fresh `open()`
 * database with the mail options, and compares the two runs.
 */
export async function parityRun(open, run) {
  const runs = [];
  for (const kind of KINDS) {
    const db = await open();
    const mail = { verify: [], reset: [] };
    const ctx = new Ctx(kind, makeAuth(kind, db.adapter(), mailOptions(mail)));
    if (db.absentIsNull) {
      const send = ctx.send.bind(ctx);
      ctx.send = (label, method, p, opts = {}) => send(label, method, p, { ...opts, reorder: (j) => withoutNullImage(opts.reorder ? opts.reorder(j) : j) });
    }
    try {
      await run(ctx, db, mail);
    } catch (e) {
      if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
      throw e;
    }
    runs.push(ctx);
  }
  compareRuns(runs);
}

/**
 * `prisma generate` for `schema` (a schema.prisma text whose generator writes to `./client`),
 * offline, into a fresh folder under test-artifacts/; returns `{ PrismaClient, dir }` (remove
 * `dir` when done). The schema engine is never used by `generate`, but the CLI wants a file
 * there: PRISMA_SCHEMA_ENGINE_BINARY points at node. `cli` is the CLI package folder under
 * node_modules (`prisma`, or `prisma6` for the npm alias of Prisma 6); `client` the
 * @prisma/client package the generator must find beside the schema (`@prisma/client6` for
 * Prisma 6): both are then linked into the folder's node_modules under their real names
 * (`prisma`, `@prisma/client`), where Prisma 6's generate looks for them side by side (it would
 * otherwise try to install them; PRISMA_GENERATE_SKIP_AUTOINSTALL forbids that).
 */
export function generatePrismaClient(schema, { cli = "prisma", client = null, env = {} } = {}) {
  const dir = path.join(ROOT, "test-artifacts", `prisma-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  if (client) {
    fs.mkdirSync(path.join(dir, "node_modules", "@prisma"), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", client), path.join(dir, "node_modules", "@prisma", "client"), "dir");
    fs.symlinkSync(path.join(ROOT, "node_modules", cli), path.join(dir, "node_modules", "prisma"), "dir");
  }
  fs.writeFileSync(path.join(dir, "schema.prisma"), schema);
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", cli, "build/index.js"), "generate", "--schema", path.join(dir, "schema.prisma")], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_GENERATE_SKIP_AUTOINSTALL: "1", CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1", ...env },
  });
  assert.equal(r.status, 0, `prisma generate (${cli}) failed: ${r.stdout}\n${r.stderr}`);
  return { PrismaClient: require(path.join(dir, "client")).PrismaClient, dir };
}
