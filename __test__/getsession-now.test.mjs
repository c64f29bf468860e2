// auth.api.getSession answered on the JS thread when the engine can do it without waiting
// (cookie cache off, an SQLite file the engine reads itself): the same answer as the full
// endpoint, and the full endpoint whenever more is needed — refresh due, a missing or expired
// session (its cookies are cleared). (That it never waits on a locked file — busy timeout 0,
// then the full endpoint — is checked in src/store/sqlite_fast.rs: with the engine's files in
// WAL mode another process cannot make a reader wait, so there is no lock to take here.)
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const { bearer } = require("../js/plugins.js");
const BASE = "http://localhost:3000";
const SECRET = "now-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

async function signUp(auth, email, extra = {}) {
  const res = await auth.handler(new Request(BASE + "/api/auth/sign-up/email", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "password-123456", name: "N", ...extra }),
  }));
  assert.equal(res.status, 200);
  const token = res.headers.get("set-auth-token");
  return { cookie: res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; "), token, body: await res.json() };
}

/** A row of the file, read through Python's sqlite3 in another process (no SQLite library loaded here). */
async function pyQuery(file, sql) {
  const child = spawn("python3", ["-c", `import sqlite3, json, sys\nc = sqlite3.connect(sys.argv[1])\nrows = c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint(json.dumps(rows))`, file, sql]);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
  return JSON.parse(out);
}

test("getSession on this thread: the full endpoint's answer, dates as Date, bearer tokens too", async () => {
  const { file, cleanup } = tempDbFile("now-same");
  try {
    const auth = betterAuth({
      database: file, secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, plugins: [bearer()], logger: { disabled: true },
      user: { additionalFields: { birthday: { type: "date", required: false }, score: { type: "number", required: false }, vip: { type: "boolean", required: false }, tags: { type: "string[]", required: false } } },
    });
    const { cookie, token } = await signUp(auth, "same@example.com", { birthday: "1990-05-17T00:00:00.000Z", score: 12.5, vip: true, tags: ["a", "b"] });
    const headers = new Headers({ cookie });
    const now = await auth.api.getSession({ headers });
    const full = await auth.api.getSession({ headers, returnHeaders: true });
    assert.equal(full.headers.getSetCookie().length, 0, "a live session whose refresh is not due sets no cookie");
    assert.deepEqual(now, full.response);
    // the same objects as the endpoint's text revived: key order, types, Dates (additional fields too)
    assert.equal(JSON.stringify(now), JSON.stringify(full.response));
    assert.ok(now.session.expiresAt instanceof Date && now.user.createdAt instanceof Date);
    assert.ok(now.user.birthday instanceof Date);
    assert.equal(now.user.birthday.toISOString(), "1990-05-17T00:00:00.000Z");
    assert.equal(now.user.score, 12.5);
    assert.equal(now.user.vip, true);
    assert.deepEqual(now.user.tags, ["a", "b"]);
    assert.equal(now.user.email, "same@example.com");
    // a plain header object and IncomingHttpHeaders-style keys read the same
    assert.deepEqual(await auth.api.getSession({ headers: { cookie } }), now);
    // the bearer plugin's Authorization header becomes the session cookie here as well
    assert.ok(token);
    assert.deepEqual(await auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${token}` }) }), now);
    // query flags as the endpoint reads them
    assert.deepEqual(await auth.api.getSession({ headers, query: { disableRefresh: "true" } }), now);
    // no cookie, or a forged one: null
    assert.equal(await auth.api.getSession({ headers: new Headers() }), null);
    assert.equal(await auth.api.getSession({ headers: new Headers({ cookie: cookie.replace(/\.[^.;]+(;|$)/, ".forged$1") }) }), null);
  } finally {
    cleanup();
  }
});

test("getSession on this thread stands aside when the endpoint must write: refresh due, session gone or expired", async () => {
  const { file, cleanup } = tempDbFile("now-write");
  try {
    // updateAge 0: every read is due for a refresh (expiresAt moves forward, a new cookie is sent)
    const auth = betterAuth({ database: file, secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, session: { updateAge: 0 }, logger: { disabled: true } });
    const { cookie, body } = await signUp(auth, "due@example.com");
    const headers = new Headers({ cookie });
    const [[before]] = await pyQuery(file, `select "expiresAt" from "session"`);
    await new Promise((r) => setTimeout(r, 20));
    // disableRefresh: answered without the write
    const fixed = await auth.api.getSession({ headers, query: { disableRefresh: true } });
    assert.equal(fixed.session.expiresAt.toISOString(), before);
    assert.deepEqual(await pyQuery(file, `select "expiresAt" from "session"`), [[before]]);
    // otherwise the refresh happens (full endpoint), in the answer and in the row
    const refreshed = await auth.api.getSession({ headers });
    assert.ok(refreshed.session.expiresAt.getTime() > new Date(before).getTime(), `${refreshed.session.expiresAt.toISOString()} > ${before}`);
    const [[after]] = await pyQuery(file, `select "expiresAt" from "session"`);
    assert.equal(after, refreshed.session.expiresAt.toISOString());
    assert.equal(body.user.email, "due@example.com");

    // expired: null, the row deleted by the full endpoint
    const plain = betterAuth({ database: file, secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, logger: { disabled: true } });
    await pyQuery(file, `update "session" set "expiresAt" = '2020-01-01T00:00:00.000Z'`);
    assert.equal(await plain.api.getSession({ headers }), null);
    assert.deepEqual(await pyQuery(file, `select count(*) from "session"`), [[0]]);

    // gone: null, and the full endpoint's cookie clearing is what a caller asking for headers gets
    const second = await signUp(plain, "gone@example.com");
    const h2 = new Headers({ cookie: second.cookie });
    assert.equal((await plain.api.getSession({ headers: h2 })).user.email, "gone@example.com");
    await pyQuery(file, `delete from "session"`);
    assert.equal(await plain.api.getSession({ headers: h2 }), null);
    const cleared = await plain.api.getSession({ headers: h2, returnHeaders: true });
    assert.ok(cleared.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token=;")), cleared.headers.getSetCookie().join(" | "));
  } finally {
    cleanup();
  }
});

/**
 * `adapterFn` with its `findOne` calls recorded: the args, and whether the call came through the
 * engine's bridge (js/adapter-bridge.js, the full endpoint) or straight from auth.api.getSession.
 * `failDirect.next` makes the next direct call throw.
 */
function recordingAdapter(adapterFn, calls, failDirect = {}) {
  return (options) => {
    const a = adapterFn(options);
    const findOne = a.findOne;
    a.findOne = async (args) => {
      const fromBridge = (new Error().stack ?? "").includes("adapter-bridge.js");
      calls.push({ args: structuredClone(args), fromBridge });
      if (!fromBridge && failDirect.next) {
        failDirect.next = false;
        throw new Error("connection reset");
      }
      return findOne.call(a, args);
    };
    return a;
  };
}

test("through a Better Auth adapter: getSession reads with Better Auth's own findOne on this thread, the engine decides from the row; writes, errors and missing rows take the full endpoint", async () => {
  const { memoryAdapter } = require("../js/adapters/memory.js");
  const data = { user: [], session: [], account: [], verification: [] };
  const calls = [];
  const failDirect = {};
  const options = {
    secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, plugins: [bearer()], logger: { disabled: true },
    user: { additionalFields: { birthday: { type: "date", required: false }, score: { type: "number", required: false } } },
  };
  const auth = betterAuth({ ...options, database: recordingAdapter(memoryAdapter(data), calls, failDirect) });
  const { cookie, token, body } = await signUp(auth, "adapter@example.com", { birthday: "1990-05-17T00:00:00.000Z", score: 3 });
  const headers = new Headers({ cookie });

  calls.length = 0;
  const now = await auth.api.getSession({ headers });
  assert.deepEqual(calls, [{ args: { model: "session", where: [{ value: body.token, field: "token" }], join: { user: true } }, fromBridge: false }]);
  assert.equal(now.user.email, "adapter@example.com");
  assert.ok(now.session.expiresAt instanceof Date && now.user.birthday instanceof Date);
  // the full endpoint (returnHeaders) reads through the bridge and answers the same objects
  calls.length = 0;
  const full = await auth.api.getSession({ headers, returnHeaders: true });
  assert.deepEqual(calls.map((c) => c.fromBridge), [true]);
  assert.equal(full.headers.getSetCookie().length, 0);
  assert.equal(JSON.stringify(now), JSON.stringify(full.response));
  assert.deepEqual(now, full.response);
  // the bearer plugin's header and the query flags, as on the SQLite path
  assert.deepEqual(await auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${token}` }) }), now);
  assert.deepEqual(await auth.api.getSession({ headers, query: { disableRefresh: "true" } }), now);
  // a forged cookie: null without any read
  calls.length = 0;
  assert.equal(await auth.api.getSession({ headers: new Headers({ cookie: cookie.replace(/\.[^.;]+(;|$)/, ".forged$1") }) }), null);
  assert.deepEqual(calls, []);

  // the adapter throws on this thread: the full endpoint answers (its own read succeeds)
  calls.length = 0;
  failDirect.next = true;
  assert.deepEqual(await auth.api.getSession({ headers }), now);
  assert.deepEqual(calls.map((c) => c.fromBridge), [false, true]);

  // refresh due (updateAge 0): the full endpoint refreshes the row
  const due = betterAuth({ ...options, session: { updateAge: 0 }, database: recordingAdapter(memoryAdapter(data), calls) });
  const before = data.session[0].expiresAt.getTime();
  await new Promise((r) => setTimeout(r, 20));
  calls.length = 0;
  const refreshed = await due.api.getSession({ headers });
  assert.deepEqual(calls.map((c) => c.fromBridge), [false, true]);
  assert.ok(refreshed.session.expiresAt.getTime() > before);
  assert.equal(data.session[0].expiresAt.getTime(), refreshed.session.expiresAt.getTime());

  // expired: null, and the full endpoint deletes the row
  data.session[0].expiresAt = new Date(Date.now() - 1000);
  calls.length = 0;
  assert.equal(await auth.api.getSession({ headers }), null);
  assert.deepEqual(calls.map((c) => c.fromBridge), [false, true]);
  assert.equal(data.session.length, 0);

  // gone: null, with the full endpoint's cookie clearing for a caller asking for headers
  const second = await signUp(auth, "gone@example.com");
  const h2 = new Headers({ cookie: second.cookie });
  assert.equal((await auth.api.getSession({ headers: h2 })).user.email, "gone@example.com");
  data.session.length = 0;
  assert.equal(await auth.api.getSession({ headers: h2 }), null);
  const cleared = await auth.api.getSession({ headers: h2, returnHeaders: true });
  assert.ok(cleared.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token=;")));

  // secondaryStorage: sessions are not the adapter's, so the engine's full endpoint reads them
  const kv = new Map();
  const layered = betterAuth({
    ...options,
    database: recordingAdapter(memoryAdapter({ user: [], session: [], account: [], verification: [] }), calls),
    secondaryStorage: { get: (k) => kv.get(k) ?? null, set: (k, v) => void kv.set(k, v), delete: (k) => void kv.delete(k) },
  });
  const third = await signUp(layered, "kv@example.com");
  calls.length = 0;
  assert.equal((await layered.api.getSession({ headers: new Headers({ cookie: third.cookie }) })).user.email, "kv@example.com");
  assert.ok(calls.every((c) => c.fromBridge), "no read on this thread");
});
