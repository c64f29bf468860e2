// databaseHooks side by side with better-auth: a before hook that cancels (false), one that
// changes the data ({ data }), after hooks with the written rows, in Better Auth's order.
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";

async function run(kind) {
  const events = [];
  const db = tempDbFile(`dbh-${kind}`);
  const auth = await makeAuth(kind, {
    dbFile: db.file,
    emailAndPassword: { sendResetPassword: async () => {} },
    user: { additionalFields: { plan: { type: "string", required: false, input: false } } },
    databaseHooks: {
      user: {
        create: {
          before: async (user, ctx) => {
            events.push(["user.create.before", user.email, user.createdAt instanceof Date, typeof ctx?.body]);
            if (user.email.endsWith("@nope.example")) return false;
            return { data: { ...user, name: user.name.toUpperCase(), plan: "free" } };
          },
          after: async (user) => { events.push(["user.create.after", user.email, user.name, user.plan]); },
        },
        update: {
          before: async (data) => { events.push(["user.update.before", Object.keys(data).filter((k) => k !== "updatedAt").sort()]); return { data: { ...data, name: data.name + "!" } }; },
          after: async (user) => { events.push(["user.update.after", user.name]); },
        },
      },
      account: {
        create: { after: async (account) => { events.push(["account.create.after", account.providerId, typeof account.password]); } },
        update: { after: async (account) => { events.push(["account.update.after", account.providerId]); } },
      },
      verification: {
        create: { after: async (v) => { events.push(["verification.create.after", v.identifier.split(":")[0]]); } },
      },
      session: {
        create: {
          before: async (session) => { events.push(["session.create.before", typeof session.token, session.userId ? "userId" : null]); },
          after: async (session) => { events.push(["session.create.after", session.token.length]); },
        },
        delete: {
          after: async (session) => { events.push(["session.delete.after", session.token.length]); },
        },
      },
    },
  });
  if (kind === "better-auth") {
    // Better Auth does not migrate by itself: add the additional column as its migrator would
    const conn = new Database(db.file);
    conn.exec(`alter table "user" add column "plan" text`);
    conn.close();
  }
  const post = (p, b, h = {}) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...h }, body: JSON.stringify(b) }));
  try {
    const out = [];
    let r = await post("/sign-up/email", { name: "no", email: "x@nope.example", password: "password-123" });
    out.push(["cancelled", r.status, (await r.json()).code]);
    r = await post("/sign-up/email", { name: "ada", email: "ada@example.com", password: "password-123" });
    const b = await r.json();
    out.push(["created", r.status, b.user.name, b.user.plan]);
    const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    r = await post("/update-user", { name: "Ada L" }, { cookie });
    out.push(["updated", r.status]);
    const s = await auth.api.getSession({ headers: { cookie } });
    out.push(["name after update", s.user.name]);
    r = await post("/change-password", { currentPassword: "password-123", newPassword: "password-456" }, { cookie });
    out.push(["password changed", r.status]);
    r = await post("/sign-out", {}, { cookie });
    out.push(["signed out", r.status]);
    r = await post("/request-password-reset", { email: "ada@example.com" });
    out.push(["reset requested", r.status]);
    out.push(["events", events]);
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("databaseHooks", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`database hooks on ${kind}`, async () => {
      results[kind] = await run(kind);
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs runs database hooks as better-auth does", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0);
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});
