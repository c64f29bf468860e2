// Better Auth's `mongodbAdapter` (re-exported as better-auth-rs/adapters/mongodb) as `database`,
// tested at the interface level only.
//
// No MongoDB server can be installed on this project's machines (none in Debian's archive, no
// binary downloads), so this suite gives the adapter a FAKE `Db` (__test__/helpers/fake-mongo.mjs)
// that records every collection call and serves it from memory. That fake is the only one the
// project allows (issue 17): every other adapter suite runs on a real database. What this proves:
// better-auth-rs drives Better Auth's MongoDB adapter correctly — the flows answer as better-auth
// answers, and the adapter receives the SAME collection calls (collection names, filters,
// pipelines, updates, ObjectId ids) from better-auth-rs as from the real better-auth given the
// same fake. What it does not prove: that a live MongoDB server accepts them (docs/COMPATIBILITY.md
// says "works through Better Auth's adapter, untested against a live server").
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { ObjectId } from "mongodb";
import { betterAuth as referenceBetterAuth } from "better-auth";
import { BASE_URL, SECRET } from "./helpers/impls.mjs";
import { REFERENCE, Ctx, Shapes, compareRuns, cookieHeader, expectError, expectOk } from "./helpers/observe.mjs";
import { FakeDb } from "./helpers/fake-mongo.mjs";

const require = createRequire(import.meta.url);
const ours = require("../index.js");
const { mongodbAdapter } = require("../js/adapters/mongodb.js");

const PW = "correct-horse-battery";
const KINDS = [REFERENCE, "ours"];
const TRUSTED = { origin: BASE_URL };
const HEX24 = /^[0-9a-f]{24}$/;
// argon2id here, scrypt `salt:key` hex in better-auth (docs/COMPATIBILITY.md)
const PASSWORD_HASH = /^(\$argon2id\$.+|[0-9a-f]{32}:[0-9a-f]{128})$/;

function makeAuth(kind, database, extra = {}) {
  return (kind === REFERENCE ? referenceBetterAuth : ours.betterAuth)({
    secret: SECRET,
    baseURL: BASE_URL,
    database,
    emailAndPassword: { enabled: true },
    user: { deleteUser: { enabled: true } },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    ...extra,
  });
}

/**
 * A recorded value as a comparable shape: ObjectIds as `ObjectId(<oid#n>)` numbered by first
 * appearance (so the same id in two calls stays the same, and a hex *string* where the adapter
 * wants an ObjectId shows), Dates as `<Date>`, 32-character tokens as `<id#n>`, password hashes
 * as `<hash>` (scrypt in better-auth, argon2id here: docs/COMPATIBILITY.md).
 */
function shape(v, sh) {
  if (v === null || v === undefined) return v ?? null;
  if (v instanceof ObjectId) return `ObjectId(${sh.id("oid:" + v.toHexString())})`;
  if (v instanceof Date) return "<Date>";
  if (typeof v === "string" && PASSWORD_HASH.test(v)) return "<hash>";
  if (typeof v === "string") return HEX24.test(v) ? `"${sh.id("oid:" + v)}" (a string)` : sh.string(v);
  if (Array.isArray(v)) return v.map((x) => shape(x, sh));
  if (typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v)) out[k] = shape(v[k], sh);
    return out;
  }
  return v;
}

/** The calls since the last look, as shapes: `collection.method(args...)`. */
function callsOf(db, sh) {
  return db.take().map((c) => ({ call: `${c.collection}.${c.method}`, args: c.args.map((a) => shape(a, sh)) }));
}

/**
 * Requests whose collection calls differ from better-auth's ON PURPOSE (docs/COMPATIBILITY.md,
 * "Database adapters"). For these the documents after the request are compared instead of the
 * calls, and the test checks that the calls still differ, so that a request brought in line moves
 * out of this list. Every other request makes exactly better-auth's calls.
 *   - revoke-other-sessions: one `deleteMany` with `userId` and `token $ne <current>`.
 *     better-auth lists the user's sessions (the adapter's default limit: at most 100) and deletes
 *     the others by token, so sessions past the 100th, or created between its two calls, stay
 *     alive; ours leaves none behind.
 */
const CALLS_DIFFER = new Set(["revoke-other-sessions"]);

/** Every document of every collection, as shapes (ObjectIds numbered in a fixed order). */
function snapshot(db) {
  const sh = new Shapes();
  const out = {};
  for (const name of [...db.data.keys()].sort()) out[name] = db.docs(name).map((d) => shape(d, sh));
  return out;
}

/**
 * A parity context over one fake `Db`: after every request, the collection calls it caused are
 * recorded as a step of their own, so compareRuns names the first request whose calls differ
 * (for CALLS_DIFFER requests: the documents it left). 24-hex ObjectId strings in answers are
 * numbered like the 32-character ids.
 */
function mongoCtx(kind, db, extra) {
  const ctx = new Ctx(kind, makeAuth(kind, mongodbAdapter(db, extra?.adapterConfig), extra?.options));
  const string = ctx.sh.string.bind(ctx.sh);
  ctx.sh.string = (v) => (HEX24.test(v) ? ctx.sh.id("oid:" + v) : string(v));
  const calls = new Shapes();
  ctx.differing = {};
  const send = ctx.send.bind(ctx);
  ctx.send = async (label, method, path, opts = {}) => {
    // (better-auth leaves a never-set `image` out of answers on a schemaless store; ours
    // answers `image: null`: docs/COMPATIBILITY.md, as for memoryAdapter)
    const r = await send(label, method, path, { ...opts, reorder: (j) => withoutNullImage(opts.reorder ? opts.reorder(j) : j) });
    const made = callsOf(db, calls);
    if (CALLS_DIFFER.has(label)) {
      ctx.differing[label] = made;
      ctx.steps.push({ label: `${label}: documents after it`, value: snapshot(db) });
    } else ctx.steps.push({ label: `${label}: collection calls`, value: made });
    return r;
  };
  return ctx;
}

/** compareRuns, then: each CALLS_DIFFER request seen still makes other calls than better-auth's. */
function compareMongoRuns(runs) {
  compareRuns(runs);
  const [ref, run] = runs;
  for (const label of Object.keys(ref.differing)) {
    assert.notDeepStrictEqual(
      run.differing[label],
      ref.differing[label],
      `"${label}" now makes better-auth's exact collection calls: take it out of CALLS_DIFFER (and docs/COMPATIBILITY.md)`,
    );
  }
}

function withoutNullImage(j) {
  if (Array.isArray(j)) return j.map(withoutNullImage);
  if (j && typeof j === "object") {
    const out = {};
    for (const [k, v] of Object.entries(j)) if (!(k === "image" && v === null)) out[k] = withoutNullImage(v);
    return out;
  }
  return j;
}

/** The stored documents' shapes (keys and BSON-ish types), for parity of what was written. */
function docTypes(db, collection) {
  return db.docs(collection).map((d) => {
    const out = {};
    for (const k of Object.keys(d).sort()) {
      const v = d[k];
      out[k] = v instanceof ObjectId ? "ObjectId" : v instanceof Date ? "Date" : v === null ? "null" : typeof v;
    }
    return out;
  });
}

const byCreatedAt = (list) => (Array.isArray(list) ? [...list].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)) : list);

/** sign-up, get-session, sign-in, list-sessions, sign-out (and the negatives around them). */
async function coreFlows(ctx, db, names = { user: "user", session: "session", account: "account", userId: "userId" }) {
  const email = "ada@example.com";
  const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "Ada", email, password: PW }, headers: TRUSTED });
  expectOk(up);
  const c1 = cookieHeader(up.setCookies);

  // ids are ObjectIds in the store, and the hex string of the same ObjectId in answers
  const [user] = db.docs(names.user);
  assert.ok(user._id instanceof ObjectId, "user._id is an ObjectId");
  assert.equal(up.json.user.id, user._id.toHexString());
  assert.equal(user.id, undefined, "no `id` key beside `_id`");
  const [account] = db.docs(names.account);
  assert.ok(account[names.userId] instanceof ObjectId && account[names.userId].equals(user._id), "account.userId is the user's ObjectId");
  const [session] = db.docs(names.session);
  assert.ok(session._id instanceof ObjectId && session[names.userId] instanceof ObjectId && session[names.userId].equals(user._id), "session.userId is the user's ObjectId");
  ctx.record("documents after sign-up", { user: docTypes(db, names.user), account: docTypes(db, names.account), session: docTypes(db, names.session) });

  expectError(await ctx.send("duplicate sign-up", "POST", "/sign-up/email", { json: { name: "Ada", email, password: PW }, headers: TRUSTED }), 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");

  const g = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: c1 } });
  expectOk(g);
  assert.equal(g.json.user.email, email);
  assert.equal(g.json.session.userId, user._id.toHexString());

  expectError(await ctx.send("sign-in, wrong password", "POST", "/sign-in/email", { json: { email, password: "wrong-password-1" }, headers: TRUSTED }), 401, "INVALID_EMAIL_OR_PASSWORD");
  expectError(await ctx.send("sign-in, unknown email", "POST", "/sign-in/email", { json: { email: "nobody@example.com", password: PW }, headers: TRUSTED }), 401, "INVALID_EMAIL_OR_PASSWORD");
  const si = await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED });
  expectOk(si);
  const c2 = cookieHeader(si.setCookies);

  const ls = await ctx.send("list-sessions", "GET", "/list-sessions", { headers: { cookie: c1 }, reorder: byCreatedAt });
  expectOk(ls);
  assert.equal(ls.json.length, 2);

  expectOk(await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie: c2, ...TRUSTED } }));
  const gone = await ctx.send("get-session after sign-out", "GET", "/get-session", { headers: { cookie: c2 } });
  expectOk(gone);
  assert.equal(gone.json, null);
  const still = await ctx.send("list-sessions of the other session", "GET", "/list-sessions", { headers: { cookie: c1 } });
  assert.equal(still.json.length, 1);
  ctx.record("documents at the end", { user: docTypes(db, names.user), account: docTypes(db, names.account), session: docTypes(db, names.session) });
  return { c1 };
}

/** The index builds the adapter starts (in the background, once per adapter). */
function indexBuilds(db) {
  return db.indexCalls.map((c) => `${c.collection} ${JSON.stringify(c.key)} ${JSON.stringify(c.options)}`).sort();
}

describe("adapters: mongodbAdapter over a recording fake Db (no MongoDB server here)", () => {
  test("sign-up, get-session, sign-in, list-sessions, sign-out: answers and every collection call as better-auth's", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const db = new FakeDb();
      const ctx = mongoCtx(kind, db);
      try {
        await coreFlows(ctx, db);
      } catch (e) {
        if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
        throw e;
      }
      ctx.record("index builds", indexBuilds(db));
      runs.push(ctx);
    }
    compareMongoRuns(runs);
  });

  test("usePlural: the same calls on users / sessions / accounts", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const db = new FakeDb();
      const ctx = mongoCtx(kind, db, { adapterConfig: { usePlural: true } });
      try {
        await coreFlows(ctx, db, { user: "users", session: "sessions", account: "accounts", userId: "userId" });
      } catch (e) {
        if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
        throw e;
      }
      assert.deepEqual([...db.data.keys()].sort(), ["accounts", "sessions", "users"], `[${kind}] collections`);
      runs.push(ctx);
    }
    compareMongoRuns(runs);
  });

  test("renamed models and fields (user.modelName, fields): the same calls, on the renamed names", async () => {
    // (not `userId`: Mongo's adapter makes a renamed reference field an ObjectId when it writes
    // but not in `where`, so better-auth's own sign-in finds no account then)
    const options = {
      user: { modelName: "member", fields: { name: "fullName", emailVerified: "verified" }, deleteUser: { enabled: true } },
      session: { modelName: "login", fields: { token: "sessionToken", ipAddress: "ip" } },
      account: { modelName: "credential", fields: { password: "passwordHash" } },
    };
    const runs = [];
    for (const kind of KINDS) {
      const db = new FakeDb();
      const ctx = mongoCtx(kind, db, { options });
      try {
        await coreFlows(ctx, db, { user: "member", session: "login", account: "credential", userId: "userId" });
      } catch (e) {
        if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
        throw e;
      }
      const [m] = db.docs("member");
      assert.equal(m.fullName, "Ada", `[${kind}] renamed field written`);
      assert.ok(db.docs("login").every((s) => typeof s.sessionToken === "string" && typeof s.ip === "string" && s.token === undefined), `[${kind}] renamed session fields`);
      assert.ok(db.docs("credential").every((a) => typeof a.passwordHash === "string" && a.password === undefined), `[${kind}] renamed account field`);
      runs.push(ctx);
    }
    compareMongoRuns(runs);
  });

  test("update-user, change-password, revoke-sessions, delete-user: answers and collection calls as better-auth's", async () => {
    const runs = [];
    for (const kind of KINDS) {
      const db = new FakeDb();
      const ctx = mongoCtx(kind, db);
      try {
        const email = "grace@example.com";
        const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "Grace", email, password: PW }, headers: TRUSTED });
        const c1 = cookieHeader(up.setCookies);
        await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email, password: PW }, headers: TRUSTED });
        expectOk(await ctx.send("update-user", "POST", "/update-user", { json: { name: "Grace H." }, headers: { cookie: c1, ...TRUSTED } }));
        const cp = await ctx.send("change-password (revoking the others)", "POST", "/change-password", {
          json: { currentPassword: PW, newPassword: "new-password-123", revokeOtherSessions: true },
          headers: { cookie: c1, ...TRUSTED },
        });
        expectOk(cp);
        const c3 = cookieHeader(cp.setCookies);
        expectOk(await ctx.send("revoke-other-sessions", "POST", "/revoke-other-sessions", { json: {}, headers: { cookie: c3, ...TRUSTED } }));
        expectOk(await ctx.send("delete-user", "POST", "/delete-user", { json: { password: "new-password-123" }, headers: { cookie: c3, ...TRUSTED } }));
        assert.deepEqual([db.docs("user").length, db.docs("account").length, db.docs("session").length], [0, 0, 0], `[${kind}] nothing left`);
      } catch (e) {
        if (e && typeof e.message === "string") e.message = `[${kind}] ${e.message}`;
        throw e;
      }
      runs.push(ctx);
    }
    compareMongoRuns(runs);
  });

  test("20 concurrent sign-ups with one email: one user, 19 × 422 (duplicate key 11000 from the unique index), no orphan documents", async () => {
    const db = new FakeDb();
    const auth = makeAuth("ours", mongodbAdapter(db));
    await new Promise((r) => setTimeout(r, 10)); // the adapter's index builds start in the background
    const body = JSON.stringify({ name: "Race", email: "race@example.com", password: PW });
    const res = await Promise.all(
      Array.from({ length: 20 }, () => auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...TRUSTED }, body }))),
    );
    assert.deepEqual(res.map((r) => r.status).sort(), [200, ...Array(19).fill(422)]);
    const users = db.docs("user");
    assert.equal(users.length, 1);
    assert.ok(db.docs("account").every((a) => a.userId.equals(users[0]._id)) && db.docs("account").length === 1);
    assert.equal(db.docs("session").length, 1);
  });

  test("auth.api answers with Date objects and hex ids; a missing session is null", async () => {
    const db = new FakeDb();
    const auth = makeAuth("ours", mongodbAdapter(db));
    const r = await auth.api.signUpEmail({ body: { name: "Bo", email: "bo@example.com", password: PW }, returnHeaders: true });
    assert.ok(r.response.user.createdAt instanceof Date);
    assert.match(r.response.user.id, HEX24);
    const headers = new Headers({ cookie: cookieHeader(r.headers.getSetCookie()) });
    const s = await auth.api.getSession({ headers });
    assert.equal(s.user.id, r.response.user.id);
    assert.ok(s.session.expiresAt instanceof Date);
    assert.equal(await auth.api.getSession({ headers: new Headers({ cookie: "better-auth.session_token=nope.nope" }) }), null);
  });
});
