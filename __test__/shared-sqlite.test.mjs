// An app that shares its SQLite file with the engine never loses a write that was answered 200.
//
// Two copies of SQLite in one process (better-sqlite3's and the addon's) corrupt a shared file:
// POSIX locks are per process, so one library's close() drops the other's locks, and its last
// connection checkpoints and deletes a WAL the other is still writing to. Two ways out, both
// tested here in one Node process with better-sqlite3 handles of the app's own:
//   - the handle form (`database: new Database(file)`): every statement runs through the app's
//     object, so the app may open, read, write and close its own handles freely;
//   - the path form (`database: file`): when the app has loaded better-sqlite3 (or node:sqlite)
//     by the time the engine opens the file, the engine goes through a handle of that library;
//     otherwise the engine owns the file, and it notices another library's handle on it (refuses
//     writes with 503 DATABASE_UNAVAILABLE while one is open) and a WAL deleted under it
//     (re-opens its connections after checkpointing), and never answers 200 for a lost row.
// Every acknowledged write is checked from a separate process (a fresh handle, no in-process
// interference), and no request may answer 500.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { createRequire } from "node:module";
import { tempDbFile, SECRET, BASE_URL } from "./helpers/impls.mjs";
import { sqlitePeer } from "./helpers/sqlite-peer.mjs";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const API = BASE_URL + "/api/auth";
const peer = sqlitePeer();
after(() => peer.close());

function make(database) {
  return betterAuth({
    secret: SECRET,
    baseURL: BASE_URL,
    database,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    logger: { disabled: true },
  });
}

const post = (auth, p, body, headers = {}) =>
  auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...headers }, body: JSON.stringify(body) }));
const get = (auth, p, headers = {}) => auth.handler(new Request(API + p, { headers }));

function sessionCookie(res) {
  const c = res.headers.getSetCookie().find((v) => v.startsWith("better-auth.session_token="));
  return c ? c.split(";")[0] : null;
}
const tokenOf = (cookie) => decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0];

let seq = 0;
const email = (tag) => `${tag}-${process.pid}-${seq++}@shared.example`;

/** Signs up; returns { status, code, ack } where ack = { id, email, token } for a 200. */
async function signUp(auth, tag) {
  const e = email(tag);
  const res = await post(auth, "/sign-up/email", { name: "Shared", email: e, password: "password-123456" });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) return { status: res.status, code: body?.code };
  const cookie = sessionCookie(res);
  return { status: 200, ack: { id: body.user.id, email: e, token: tokenOf(cookie), cookie } };
}

/** Rows of the acknowledged sign-ups, read by a separate process. */
async function assertRows(file, acks, label) {
  if (acks.length === 0) return;
  const ids = acks.map((a) => a.id);
  const marks = ids.map(() => "?").join(",");
  const users = new Set((await peer.all(file, `select id from "user" where id in (${marks})`, ids)).map((r) => r.id));
  const accounts = new Set((await peer.all(file, `select "userId" from "account" where "providerId" = 'credential' and "userId" in (${marks})`, ids)).map((r) => r.userId));
  const tokens = acks.map((a) => a.token);
  const sessions = new Set((await peer.all(file, `select token from "session" where token in (${tokens.map(() => "?").join(",")})`, tokens)).map((r) => r.token));
  const lost = acks.filter((a) => !users.has(a.id) || !accounts.has(a.id) || !sessions.has(a.token));
  assert.deepEqual(lost.map((a) => a.email), [], `${label}: ${lost.length} of ${acks.length} sign-ups answered 200 but their rows are missing`);
}

/** Opens the file with a second better-sqlite3 handle, reads, closes (what an app's code does). */
function appReadAndClose(file) {
  const h = new Database(file);
  try {
    return h.prepare(`select count(*) as n from "user"`).get().n;
  } finally {
    h.close();
  }
}

function statuses(results) {
  const out = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe("handle form: database is the app's better-sqlite3 Database", () => {
  test("30 concurrent sign-ups while the app writes its own table and opens/closes other handles: all 200, all rows present", async () => {
    const { file, cleanup } = tempDbFile("shared-handle");
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    const auth = make(db);
    try {
      await auth.$context; // migrates through the handle
      db.exec(`create table "note" ("id" integer primary key, "userId" text not null references "user" ("id"), "body" text)`);
      const acks = [];
      let churn = 0;
      let notes = 0;
      let stop = false;
      // the app keeps working on the JS thread between the engine's statements
      const app = (async () => {
        while (!stop) {
          appReadAndClose(file);
          churn++;
          const last = acks[acks.length - 1];
          if (last) {
            db.prepare(`insert into "note" ("userId", "body") values (?, ?)`).run(last.id, "hello");
            notes++;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const results = await Promise.all(Array.from({ length: 30 }, async () => {
        const r = await signUp(auth, "h");
        if (r.ack) acks.push(r.ack);
        return r;
      }));
      for (let i = 0; i < 10; i++) {
        const r = await signUp(auth, "h-after");
        results.push(r);
        if (r.ack) acks.push(r.ack);
        appReadAndClose(file);
      }
      stop = true;
      await app;
      assert.deepEqual(statuses(results), { 200: 40 });
      assert.ok(churn > 0, "the app opened and closed handles during the load");
      // the session the engine wrote is readable through the app's handle at once
      const s = await get(auth, "/get-session", { cookie: acks[0].cookie });
      assert.equal((await s.json()).user.email, acks[0].email);
      assert.equal(db.prepare(`select count(*) as n from "note"`).get().n, notes);
      await assertRows(file, acks, "handle form");
    } finally {
      db.close();
      cleanup();
    }
  });

  test("an in-memory Database works (the engine never opens the file itself)", async () => {
    const db = new Database(":memory:");
    const auth = make(db);
    const r = await signUp(auth, "mem");
    assert.equal(r.status, 200);
    assert.equal(db.prepare(`select count(*) as n from "user"`).get().n, 1);
    const s = await get(auth, "/get-session", { cookie: r.ack.cookie });
    assert.equal((await s.json()).user.id, r.ack.id);
    db.close();
  });

  test("a UNIQUE violation through the handle answers Better Auth's 422, a closed handle 503", async () => {
    const db = new Database(":memory:");
    const auth = make(db);
    const e = email("dup");
    const first = await post(auth, "/sign-up/email", { name: "A", email: e, password: "password-123456" });
    assert.equal(first.status, 200);
    const again = await post(auth, "/sign-up/email", { name: "A", email: e, password: "password-123456" });
    assert.equal(again.status, 422);
    assert.equal((await again.json()).code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    assert.equal(db.prepare(`select count(*) as n from "user"`).get().n, 1);
    db.close();
    const closed = await post(auth, "/sign-in/email", { email: e, password: "password-123456" });
    assert.equal(closed.status, 503);
    assert.equal((await closed.json()).code, "DATABASE_UNAVAILABLE");
  });

  test("node:sqlite DatabaseSync", async (t) => {
    let DatabaseSync;
    try {
      ({ DatabaseSync } = await import("node:sqlite"));
    } catch {
      t.skip(`node:sqlite is not available on Node ${process.version} (needs Node 22.5 or later)`);
      return;
    }
    const { file, cleanup } = tempDbFile("shared-node-sqlite");
    const db = new DatabaseSync(file);
    const auth = make(db);
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => signUp(auth, "ns")));
      assert.deepEqual(statuses(results), { 200: 10 });
      appReadAndClose(file);
      await assertRows(file, results.map((r) => r.ack), "node:sqlite");
    } finally {
      db.close();
      cleanup();
    }
  });
});

describe("path form: database is a file name the app also opens", () => {
  test("the app opens, reads and closes the file; then 30 concurrent sign-ups and more: every 200 has its rows and the process keeps serving", async () => {
    const { file, cleanup } = tempDbFile("shared-path");
    const auth = make(file);
    try {
      const warm = await signUp(auth, "p-warm");
      assert.equal(warm.status, 200);
      assert.ok(appReadAndClose(file) >= 1);
      const results = await Promise.all(Array.from({ length: 30 }, () => signUp(auth, "p")));
      for (let i = 0; i < 10; i++) results.push(await signUp(auth, "p-after"));
      assert.deepEqual(statuses(results), { 200: 40 });
      const acks = [warm.ack, ...results.filter((r) => r.ack).map((r) => r.ack)];
      await assertRows(file, acks, "path form after an app handle closed");
      // no handle of the app is open any more: the engine serves writes again
      assert.deepEqual(statuses(results.slice(-10)), { 200: 10 });
    } finally {
      cleanup();
    }
  });

  test("the app writes its own table through an open handle during the sign-ups: all 200 with their rows (one SQLite library)", async () => {
    const { file, cleanup } = tempDbFile("shared-path-write");
    const auth = make(file);
    try {
      const first = await signUp(auth, "pw-first");
      assert.equal(first.status, 200);
      const app = new Database(file);
      app.exec(`create table if not exists "note" ("id" integer primary key, "userId" text not null references "user" ("id"), "body" text)`);
      const results = [];
      await Promise.all(Array.from({ length: 30 }, async (_, i) => {
        if (i % 3 === 0) app.prepare(`insert into "note" ("userId", "body") values (?, ?)`).run(first.ack.id, "x");
        results.push(await signUp(auth, "pw"));
      }));
      app.close();
      for (let i = 0; i < 5; i++) results.push(await signUp(auth, "pw-after"));
      assert.deepEqual(statuses(results), { 200: 35 });
      await assertRows(file, [first.ack, ...results.filter((r) => r.ack).map((r) => r.ack)], "path form with an app writer");
    } finally {
      cleanup();
    }
  });
});

/** 200 mixed requests (sign-up, sign-in, get-session, sign-out) while the app opens and closes handles. */
async function mixedLoad(auth, file, label) {
  const users = [];
  for (let i = 0; i < 5; i++) {
    const r = await signUp(auth, `${label}-seed`);
    assert.equal(r.status, 200);
    users.push(r.ack);
  }
  const signedUp = [...users];
  const signedIn = [];
  const signedOut = [];
  const results = [];
  let stop = false;
  let churn = 0;
  const app = (async () => {
    while (!stop) {
      appReadAndClose(file);
      churn++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const u = users[i % users.length];
    switch (i % 4) {
      case 0: {
        const r = await signUp(auth, `${label}-mix`);
        results.push(r.status);
        if (r.ack) signedUp.push(r.ack);
        break;
      }
      case 1: {
        const res = await post(auth, "/sign-in/email", { email: u.email, password: "password-123456" });
        results.push(res.status);
        if (res.status === 200) signedIn.push(tokenOf(sessionCookie(res)));
        break;
      }
      case 2: {
        const res = await get(auth, "/get-session", { cookie: u.cookie });
        results.push(res.status);
        if (res.status === 200) assert.equal((await res.json())?.user?.email, u.email);
        break;
      }
      default: {
        // sign in, then sign that new session out
        const res = await post(auth, "/sign-in/email", { email: u.email, password: "password-123456" });
        results.push(res.status);
        if (res.status !== 200) break;
        const cookie = sessionCookie(res);
        const out = await post(auth, "/sign-out", {}, { cookie });
        results.push(out.status);
        if (out.status === 200) signedOut.push(tokenOf(cookie));
        else signedIn.push(tokenOf(cookie));
      }
    }
  }));
  stop = true;
  await app;
  return { results, signedUp, signedIn, signedOut, churn };
}

async function assertMixed(file, { results, signedUp, signedIn, signedOut, churn }, label) {
  assert.ok(churn > 0);
  assert.deepEqual(results.filter((s) => s >= 500 && s !== 503), [], `${label}: no 500s`);
  await assertRows(file, signedUp, label);
  if (signedIn.length) {
    const rows = await peer.all(file, `select token from "session" where token in (${signedIn.map(() => "?").join(",")})`, signedIn);
    assert.equal(rows.length, signedIn.length, `${label}: every acknowledged sign-in has its session row`);
  }
  if (signedOut.length) {
    const rows = await peer.all(file, `select token from "session" where token in (${signedOut.map(() => "?").join(",")})`, signedOut);
    assert.equal(rows.length, 0, `${label}: every acknowledged sign-out removed its session row`);
  }
}

describe("200-request mixed load while the app opens and closes handles", () => {
  test("handle form: all answered, zero lost writes", async () => {
    const { file, cleanup } = tempDbFile("shared-mixed-handle");
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    const auth = make(db);
    try {
      const r = await mixedLoad(auth, file, "mixed-handle");
      assert.deepEqual(r.results.filter((s) => s !== 200), [], "every request answered 200");
      await assertMixed(file, r, "mixed load, handle form");
    } finally {
      db.close();
      cleanup();
    }
  });

  test("path form (better-sqlite3 loaded): all answered, zero lost writes", async () => {
    const { file, cleanup } = tempDbFile("shared-mixed-path");
    const auth = make(file);
    try {
      const r = await mixedLoad(auth, file, "mixed-path");
      assert.deepEqual(r.results.filter((s) => s !== 200), [], "every request answered 200");
      await assertMixed(file, r, "mixed load, path form");
      // once the app stops, everything is served again
      const after = await signUp(auth, "mixed-path-after");
      assert.equal(after.status, 200);
      await assertRows(file, [after.ack], "path form after the load");
    } finally {
      cleanup();
    }
  });
});

async function lateApp(file, library) {
  const { execFileSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const script = fileURLToPath(new URL("./helpers/late-sqlite-app.mjs", import.meta.url));
  const stdout = execFileSync(process.execPath, [script, file, library], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 120_000 });
  return JSON.parse(stdout.trim().split("\n").pop());
}

const allAcks = (out) => [out.warm, ...out.afterClose, ...out.whileOpen, ...out.afterSecondClose].filter((r) => r.ack).map((r) => r.ack);

describe("path form, the app's SQLite library loaded only after the engine opened the file itself", () => {
  test("better-sqlite3: when the app's close deletes the WAL, the engine keeps its writes and moves to better-sqlite3; all 200 with rows", async () => {
    const { file, cleanup } = tempDbFile("shared-late");
    try {
      const out = await lateApp(file, "better-sqlite3");
      assert.equal(out.warm.status, 200);
      assert.equal(out.engineOwnsFile, true, "the engine opened the file itself");
      assert.ok(out.usersSeenByApp >= 1);
      assert.deepEqual(statuses(out.afterClose), { 200: 40 });
      assert.deepEqual(statuses(out.whileOpen), { 200: 10 }, "through the app's library, an open app handle is no hazard");
      assert.deepEqual(statuses(out.afterSecondClose), { 200: 5 });
      await assertRows(file, allAcks(out), "engine-owned file shared with a late better-sqlite3");
    } finally {
      cleanup();
    }
  });

  test("better-sqlite3 whose first contact is a tight open/read/close loop during 60 sign-ups: every 200 has its rows, no 500", async () => {
    const { file, cleanup } = tempDbFile("shared-late-churn");
    try {
      const out = await lateApp(file, "churn");
      assert.equal(out.engineOwnsFile, true);
      assert.ok(out.churn > 0);
      assert.deepEqual(out.churnFirst.filter((r) => r.status !== 200 && r.status !== 503), [], "200 or 503 only");
      assert.deepEqual(statuses(out.afterChurn), { 200: 5 });
      const acks = [out.warm, ...out.churnFirst, ...out.afterChurn].filter((r) => r.ack).map((r) => r.ack);
      await assertRows(file, acks, "late better-sqlite3 churning from its first contact");
      const integrity = await peer.all(file, "pragma integrity_check");
      assert.deepEqual(integrity, [{ integrity_check: "ok" }]);
    } finally {
      cleanup();
    }
  });

  test("a library the engine cannot go through: 503 while its handle is open, never 500, never a lost 200; served again once it closes", async () => {
    const { file, cleanup } = tempDbFile("shared-late-unknown");
    try {
      const out = await lateApp(file, "unknown-library");
      assert.equal(out.warm.status, 200);
      assert.equal(out.engineOwnsFile, true);
      // the app's close deleted the WAL under the engine: checkpointed and re-opened, nothing lost
      assert.deepEqual(statuses(out.afterClose), { 200: 40 });
      const bad = out.whileOpen.filter((r) => r.status !== 200 && !(r.status === 503 && r.code === "DATABASE_UNAVAILABLE"));
      assert.deepEqual(bad, [], "only 200 or 503 DATABASE_UNAVAILABLE while the app's handle is open");
      assert.ok(out.whileOpen.some((r) => r.status === 503), "writes are refused while another SQLite library holds the file");
      assert.deepEqual(statuses(out.afterSecondClose), { 200: 5 }, "served again once the app's handle is closed");
      await assertRows(file, allAcks(out), "engine-owned file shared with an unknown SQLite library");
    } finally {
      cleanup();
    }
  });
});
