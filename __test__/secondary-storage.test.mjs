// secondaryStorage: sessions kept in a JS key-value store with Better Auth's layout, shared by a
// better-auth node and a better-auth-rs node (one database for users, one storage for
// sessions): each reads the other's sessions, revocations are seen by both, and the keys are
// Better Auth's (<token>, active-sessions-<userId>) with TTLs.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { betterAuth as baBetterAuth } from "better-auth";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";

const API = BASE_URL + "/api/auth";
const post = (auth, p, body, cookie) =>
  auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) }));
const get = (auth, p, cookie) => auth.handler(new Request(API + p, { headers: cookie ? { cookie } : {} }));
const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");

function memoryStorage() {
  const data = new Map();
  return {
    data,
    ttls: new Map(),
    async get(k) { return data.get(k) ?? null; },
    async set(k, v, ttl) { data.set(k, v); this.ttls.set(k, ttl); },
    async delete(k) { data.delete(k); },
    async getAndDelete(k) { const v = data.get(k) ?? null; data.delete(k); return v; },
    async increment(k) { const n = Number(data.get(k) ?? 0) + 1; data.set(k, String(n)); return n; },
  };
}

test("sessions in a shared secondaryStorage work across better-auth and better-auth-rs", async () => {
  const db = tempDbFile("ss");
  const storage = memoryStorage();
  try {
    const common = { secret: SECRET, baseURL: BASE_URL, secondaryStorage: storage };
    const ours = betterAuth({ ...common, database: db.file, emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } } });
    const up = await post(ours, "/sign-up/email", { name: "S", email: "s@example.com", password: "password-123" });
    assert.equal(up.status, 200);
    const conn = new Database(db.file);
    const ba = baBetterAuth({ ...common, database: conn, emailAndPassword: { enabled: true }, logger: { disabled: true } });

    // our session lives in the storage, not in the session table
    const token = (await up.clone().json()).token;
    const userId = (await up.json()).user.id;
    const stored = JSON.parse(storage.data.get(token));
    assert.deepEqual(Object.keys(stored), ["session", "user"]);
    assert.equal(stored.user.email, "s@example.com");
    assert.ok(storage.ttls.get(token) > 604000 && storage.ttls.get(token) <= 604800);
    const list = JSON.parse(storage.data.get(`active-sessions-${userId}`));
    assert.deepEqual(list.map((x) => x.token), [token]);
    assert.equal(conn.prepare('select count(*) as n from "session"').get().n, 0);

    // better-auth reads our session; we read theirs
    const ourCookie = cookieOf(up);
    assert.equal((await (await get(ba, "/get-session", ourCookie)).json()).user.email, "s@example.com");
    const baIn = await post(ba, "/sign-in/email", { email: "s@example.com", password: "password-123" });
    const baCookie = cookieOf(baIn);
    assert.equal((await (await get(ours, "/get-session", baCookie)).json()).user.email, "s@example.com");
    assert.equal(JSON.parse(storage.data.get(`active-sessions-${userId}`)).length, 2);
    const sessions = await (await get(ours, "/list-sessions", ourCookie)).json();
    assert.equal(sessions.length, 2);

    // an update of the user reaches the cached copies
    assert.equal((await post(ours, "/update-user", { name: "Renamed" }, ourCookie)).status, 200);
    assert.equal((await (await get(ba, "/get-session", baCookie)).json()).user.name, "Renamed");

    // sign-out removes the session for both
    assert.equal((await post(ba, "/sign-out", {}, baCookie)).status, 200);
    assert.equal(await (await get(ours, "/get-session", baCookie)).text(), "null");
    // revoke-sessions on our side ends better-auth's sessions too
    const baIn2 = await post(ba, "/sign-in/email", { email: "s@example.com", password: "password-123" });
    assert.equal((await post(ours, "/revoke-sessions", {}, ourCookie)).status, 200);
    assert.equal(await (await get(ba, "/get-session", cookieOf(baIn2))).text(), "null");
    assert.equal(await (await get(ours, "/get-session", ourCookie)).text(), "null");
    conn.close();
  } finally {
    db.cleanup();
  }
});
