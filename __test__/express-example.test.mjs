// The Express example as shipped (examples/express/auth.js + server.js): requireAuth; the admin
// plugin with the example's access control (permissions.js: user/editor/admin, a `project`
// resource); requireRole reading the plugin's comma-joined `role`; requirePermission built on
// auth.api.userHasPermission; an admin promoted by a database hook and changing roles / banning
// through /api/auth/admin/*; CORS with credentials for a separate front end listed in
// FRONTEND_ORIGINS (and trusted by the auth instance), JSON errors. Rows are read from the
// example's SQLite file.
import "./helpers/env.mjs";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import os from "node:os";
import fs from "node:fs";
import Database from "better-sqlite3";

let child, base;
const db = path.join(os.tmpdir(), `ba-rs-example-${process.pid}.db`);
const FRONT = "http://localhost:5173";

before(async () => {
  child = spawn(process.execPath, ["examples/express/server.js"], {
    env: { ...process.env, PORT: "0", AUTH_DB: db, ADMIN_EMAILS: "boss@example.com", FRONTEND_ORIGINS: FRONT, BETTER_AUTH_SECRET: "example-test-secret-0123456789abcdef" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("example did not start in 15 s")), 15000);
    child.stdout.on("data", (d) => {
      const m = String(d).match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    child.on("exit", (c) => reject(new Error(`example exited with ${c}`)));
  });
});
after(() => {
  child?.kill();
  for (const e of ["", "-wal", "-shm"]) fs.rmSync(db + e, { force: true });
});

/** One row (or undefined) from the example's database, read-only. */
function row(sql, ...args) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).get(...args);
  } finally {
    conn.close();
  }
}

const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

function post(pathname, body, cookie) {
  return fetch(base + pathname, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

function get(pathname, cookie) {
  return fetch(base + pathname, { headers: cookie ? { cookie } : {} });
}

function del(pathname, cookie) {
  return fetch(base + pathname, { method: "DELETE", headers: cookie ? { cookie } : {} });
}

/** Status and parsed JSON body (null when the body is empty). */
async function answer(r) {
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function signUp(email) {
  const r = await post("/api/auth/sign-up/email", { name: "N", email, password: "password-123" });
  assert.equal(r.status, 200);
  return cookieOf(r);
}

const users = {}; // email → { cookie, id }
const SOMEONE = "someone@example.com";
const BOSS = "boss@example.com";

test("requireAuth and requireRole, with the admin plugin's role", async () => {
  assert.equal((await fetch(base + "/api/me")).status, 401);
  for (const email of [SOMEONE, BOSS]) {
    const cookie = await signUp(email);
    const me = await (await get("/api/me", cookie)).json();
    users[email] = { cookie, id: me.user.id };
  }
  // the plugin's role column is not client input
  const forged = await answer(await post("/api/auth/sign-up/email", { name: "N", email: "forger@example.com", password: "password-123", role: "admin" }));
  assert.deepEqual(forged, { status: 400, body: { message: "role is not allowed to be set", code: "FIELD_NOT_ALLOWED" } });
  assert.equal(row(`SELECT count(*) AS n FROM "user" WHERE email = ?`, "forger@example.com").n, 0);

  const me = await (await get("/api/me", users[SOMEONE].cookie)).json();
  assert.equal(me.user.role, "user", "the plugin's defaultRole");
  assert.equal(me.user.banned, false);
  assert.equal((await (await get("/api/me", users[BOSS].cookie)).json()).user.role, "admin", "ADMIN_EMAILS hook");
  assert.deepEqual(row(`SELECT role, banned FROM "user" WHERE email = ?`, SOMEONE), { role: "user", banned: 0 });
  assert.deepEqual(row(`SELECT role, banned FROM "user" WHERE email = ?`, BOSS), { role: "admin", banned: 0 });

  const denied = await answer(await get("/api/admin/stats", users[SOMEONE].cookie));
  assert.deepEqual(denied, { status: 403, body: { error: "Forbidden" } });
  assert.deepEqual(await answer(await get("/api/admin/stats")), { status: 401, body: { error: "Unauthorized" } });
  assert.deepEqual(await answer(await get("/api/admin/stats", users[BOSS].cookie)), { status: 200, body: { ok: true, admin: BOSS } });
  // requireRole("editor", "admin"): either role passes
  assert.deepEqual(await answer(await get("/api/editor/drafts", users[BOSS].cookie)), { status: 200, body: { drafts: [], roles: ["admin"] } });
  assert.equal((await get("/api/editor/drafts", users[SOMEONE].cookie)).status, 403);
});

test("requirePermission on /api/projects; an admin changes roles through /api/auth/admin/set-role", async () => {
  const someone = users[SOMEONE].cookie;
  const boss = users[BOSS].cookie;
  // no session: requireAuth answers before the permission check
  assert.deepEqual(await answer(await del("/api/projects/1")), { status: 401, body: { error: "Unauthorized" } });
  assert.deepEqual(await answer(await get("/api/projects")), { status: 401, body: { error: "Unauthorized" } });

  // role "user": project read only
  assert.deepEqual(await answer(await get("/api/projects", someone)), { status: 200, body: { projects: [] } });
  assert.deepEqual(await answer(await post("/api/projects", { name: "p" }, someone)), { status: 403, body: { error: "Forbidden" } });
  const created = await answer(await post("/api/projects", { name: "Apollo" }, boss));
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, { project: { id: created.body.project.id, name: "Apollo", createdBy: users[BOSS].id } });
  const projectId = created.body.project.id;
  assert.deepEqual(await answer(await del(`/api/projects/${projectId}`, someone)), { status: 403, body: { error: "Forbidden" } });

  // only admins may set roles; no session is an empty 401 (as Better Auth)
  const setRole = (userId, role, cookie) => post("/api/auth/admin/set-role", { userId, role }, cookie);
  assert.deepEqual(await answer(await setRole(users[SOMEONE].id, "admin", someone)), {
    status: 403,
    body: { message: "You are not allowed to change users role", code: "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE" },
  });
  assert.deepEqual(await answer(await setRole(users[SOMEONE].id, "admin")), { status: 401, body: null });
  assert.equal(row(`SELECT role FROM "user" WHERE id = ?`, users[SOMEONE].id).role, "user");

  // admin → editor: create and update, still no delete
  let r = await answer(await setRole(users[SOMEONE].id, "editor", boss));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.user.id, users[SOMEONE].id);
  assert.equal(r.body.user.role, "editor");
  assert.equal(row(`SELECT role FROM "user" WHERE id = ?`, users[SOMEONE].id).role, "editor");
  assert.equal((await post("/api/projects", { name: "Gemini" }, someone)).status, 201);
  assert.deepEqual(await answer(await del(`/api/projects/${projectId}`, someone)), { status: 403, body: { error: "Forbidden" } });
  assert.deepEqual(await answer(await get("/api/editor/drafts", someone)), { status: 200, body: { drafts: [], roles: ["editor"] } });
  assert.equal((await get("/api/admin/stats", someone)).status, 403);

  // roles not in admin({ roles }) are refused
  r = await answer(await setRole(users[SOMEONE].id, "superuser", boss));
  assert.deepEqual(r, { status: 400, body: { message: "You are not allowed to set a non-existent role value", code: "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE" } });
  assert.equal(row(`SELECT role FROM "user" WHERE id = ?`, users[SOMEONE].id).role, "editor");

  // several roles are stored comma-joined; both guards honour each of them
  r = await answer(await setRole(users[SOMEONE].id, ["editor", "admin"], boss));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.user.role, "editor,admin");
  assert.equal(row(`SELECT role FROM "user" WHERE id = ?`, users[SOMEONE].id).role, "editor,admin");
  assert.deepEqual(await answer(await del(`/api/projects/${projectId}`, someone)), { status: 200, body: { deleted: projectId } });
  assert.deepEqual(await answer(await del(`/api/projects/${projectId}`, someone)), { status: 404, body: { error: "Not Found" } });
  assert.deepEqual(await answer(await get("/api/admin/stats", someone)), { status: 200, body: { ok: true, admin: SOMEONE } });
  assert.deepEqual(await answer(await get("/api/editor/drafts", someone)), { status: 200, body: { drafts: [], roles: ["editor", "admin"] } });

  // back to a plain user: the permission goes with the role
  assert.equal((await setRole(users[SOMEONE].id, "user", boss)).status, 200);
  assert.deepEqual(await answer(await post("/api/projects", { name: "p" }, someone)), { status: 403, body: { error: "Forbidden" } });
  assert.equal(row(`SELECT role FROM "user" WHERE id = ?`, users[SOMEONE].id).role, "user");
});

test("CORS with credentials for the listed front end only, and that origin is trusted by auth", async () => {
  const pre = await fetch(base + "/api/auth/sign-in/email", { method: "OPTIONS", headers: { origin: FRONT, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), FRONT);
  assert.equal(pre.headers.get("access-control-allow-credentials"), "true");
  const evil = await fetch(base + "/api/me", { headers: { origin: "http://evil.example" } });
  assert.equal(evil.headers.get("access-control-allow-origin"), null);
  // a sign-in from the front end's origin passes the CSRF check
  const r = await fetch(base + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json", origin: FRONT }, body: JSON.stringify({ email: "someone@example.com", password: "password-123" }) });
  assert.equal(r.status, 200);
  const bad = await fetch(base + "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body: JSON.stringify({ email: "someone@example.com", password: "password-123" }) });
  assert.equal(bad.status, 403);
});

test("errors are JSON", async () => {
  const r = await fetch(base + "/api/nope");
  assert.equal(r.status, 404);
  assert.deepEqual(await r.json(), { error: "Not Found" });
});

test("an admin bans a user (sessions revoked, sign-in refused with 403 BANNED_USER) and unbans them", async () => {
  const boss = users[BOSS].cookie;
  const id = users[SOMEONE].id;
  const signIn = () => post("/api/auth/sign-in/email", { email: SOMEONE, password: "password-123" });
  const fresh = cookieOf(await signIn());
  assert.equal((await get("/api/me", fresh)).status, 200);
  assert.ok(row(`SELECT count(*) AS n FROM session WHERE "userId" = ?`, id).n >= 1);

  // a plain user may not ban
  assert.deepEqual(await answer(await post("/api/auth/admin/ban-user", { userId: users[BOSS].id }, fresh)), {
    status: 403,
    body: { message: "You are not allowed to ban users", code: "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS" },
  });
  const banned = await answer(await post("/api/auth/admin/ban-user", { userId: id, banReason: "spam" }, boss));
  assert.equal(banned.status, 200, JSON.stringify(banned.body));
  assert.equal(banned.body.user.banned, true);
  assert.equal(banned.body.user.banReason, "spam");
  assert.equal(banned.body.user.banExpires, null);
  assert.deepEqual(row(`SELECT banned, "banReason", "banExpires" FROM "user" WHERE id = ?`, id), { banned: 1, banReason: "spam", banExpires: null });
  assert.equal(row(`SELECT count(*) AS n FROM session WHERE "userId" = ?`, id).n, 0, "ban-user deletes the user's sessions");
  assert.equal((await get("/api/me", fresh)).status, 401);

  assert.deepEqual(await answer(await signIn()), {
    status: 403,
    body: {
      message: "You have been banned from this application. Please contact support if you believe this is an error.",
      code: "BANNED_USER",
    },
  });
  assert.equal(row(`SELECT count(*) AS n FROM session WHERE "userId" = ?`, id).n, 0, "no session for a banned user");

  const unbanned = await answer(await post("/api/auth/admin/unban-user", { userId: id }, boss));
  assert.equal(unbanned.status, 200, JSON.stringify(unbanned.body));
  assert.equal(unbanned.body.user.banned, false);
  assert.deepEqual(row(`SELECT banned, "banReason", "banExpires" FROM "user" WHERE id = ?`, id), { banned: 0, banReason: null, banExpires: null });
  const again = await signIn();
  assert.equal(again.status, 200);
  assert.equal((await get("/api/me", cookieOf(again))).status, 200);
});
