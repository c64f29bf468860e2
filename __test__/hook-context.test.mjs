// What databaseHooks and hooks see, side by side with better-auth: the object a
// `user.create.before` hook gets (no id yet, only the additional fields that were given or
// defaulted), the endpoint context (ctx.path is the endpoint's path, ctx.context with session,
// newSession and internalAdapter), and additional fields left out of the INSERT so a column
// default applies (a NOT NULL column with a default must not turn a sign-up into a 500).
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";

// Better Auth's core SQLite schema plus the app's own columns: `role` NOT NULL with a default
// (as a Drizzle schema declares it), `plan` and `tier` nullable.
function prepareFile(file) {
  const db = new Database(file);
  db.exec(`create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null, "plan" text, "role" text not null default 'member', "tier" text)`);
  db.exec(`create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)`);
  db.exec(`create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not null, "updatedAt" date not null)`);
  db.exec(`create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" date not null)`);
  db.close();
}

const stripTimes = (o) => {
  if (!o || typeof o !== "object") return o;
  const out = {};
  for (const k of Object.keys(o).sort()) out[k] = ["createdAt", "updatedAt", "expiresAt", "id", "token", "userId"].includes(k) ? typeof o[k] : o[k];
  return out;
};

async function run(kind) {
  const { file, cleanup } = tempDbFile(`hookctx-${kind}`);
  prepareFile(file);
  const seen = [];
  const auth = await makeAuth(kind, {
    dbFile: file,
    user: {
      additionalFields: {
        plan: { type: "string", required: false },
        role: { type: "string", required: false, input: false },
        tier: { type: "string", required: false, defaultValue: "free" },
      },
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user, ctx) => {
            seen.push(["user.create.before", Object.keys(user).sort(), stripTimes(user), "image" in user, user.image,
              ctx.path, ctx.method, ctx.context.session, ctx.context.newSession ?? null, typeof ctx.context.internalAdapter?.findUserById, typeof ctx.headers?.get, ctx.body?.email]);
          },
          after: async (user, ctx) => { seen.push(["user.create.after", stripTimes(user), ctx.path]); },
        },
        update: {
          before: async (data, ctx) => {
            seen.push(["user.update.before", ctx.path, ctx.context.session?.user?.email, ctx.context.session?.session ? "session" : null]);
          },
        },
      },
      session: {
        create: {
          before: async (session, ctx) => {
            // a hook that looks the user up through Better Auth's internal adapter
            const u = await ctx.context.internalAdapter.findUserById(session.userId);
            const byEmail = await ctx.context.internalAdapter.findUserByEmail(u.email);
            seen.push(["session.create.before", ctx.path, ctx.context.session ?? null, u.email, u.role, u.createdAt instanceof Date, byEmail.user.id === u.id]);
          },
        },
      },
    },
  });
  const post = (p, b, h = {}) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...h }, body: JSON.stringify(b) }));
  try {
    const out = [];
    const r = await post("/sign-up/email", { name: "Hooked", email: "hooked@example.com", password: "password-123456", plan: "pro" });
    const body = await r.json();
    out.push(["sign-up", r.status, stripTimes(body.user)]);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token=")).split(";")[0];
    const r2 = await post("/sign-up/email", { name: "Plain", email: "plain@example.com", password: "password-123456" });
    out.push(["sign-up without plan", r2.status, stripTimes((await r2.json()).user)]);
    const u = await post("/update-user", { name: "Renamed" }, { cookie });
    out.push(["update-user", u.status]);
    const s = await post("/sign-in/email", { email: "hooked@example.com", password: "password-123456" });
    out.push(["sign-in", s.status]);
    const check = new Database(file, { readonly: true });
    out.push(["rows", check.prepare(`select "email", "plan", "role", "tier" from "user" order by "email"`).all()]);
    check.close();
    return { out, seen };
  } finally {
    auth.close?.();
    cleanup();
  }
}

describe("hook context and additional fields on insert, compared with better-auth", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`${kind}: sign-up with hooks on a table whose role column is NOT NULL with a default`, async () => {
      results[kind] = await run(kind);
      const [signUp] = results[kind].out;
      assert.equal(signUp[1], 200);
      assert.equal(signUp[2].role, "member", "the column default applies and is returned");
    });
  }
  test("same hook arguments, answers and rows", { skip: IMPLS.length < 2 }, () => {
    assert.deepEqual(results.ours.out, results["better-auth"].out);
    assert.deepEqual(results.ours.seen, results["better-auth"].seen);
    const before = results.ours.seen.find((e) => e[0] === "user.create.before");
    assert.equal(before[5], "/sign-up/email", "ctx.path is the endpoint's path");
    assert.deepEqual(before[1], ["createdAt", "email", "emailVerified", "image", "name", "plan", "tier", "updatedAt"]);
  });
});
