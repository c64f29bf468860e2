// The Express example as shipped (examples/express/auth.js + server.js): requireAuth, the
// requireRole guard with an admin promoted by a database hook, CORS with credentials for a
// separate front end listed in FRONTEND_ORIGINS (and trusted by the auth instance), JSON errors.
import "./helpers/env.mjs";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import os from "node:os";
import fs from "node:fs";

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

async function signUp(email) {
  const r = await fetch(base + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ name: "N", email, password: "password-123", role: "admin" }) });
  assert.equal(r.status, 200);
  return r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

test("requireAuth and requireRole", async () => {
  assert.equal((await fetch(base + "/api/me")).status, 401);
  const user = await signUp("someone@example.com");
  const boss = await signUp("boss@example.com");
  const me = await (await fetch(base + "/api/me", { headers: { cookie: user } })).json();
  assert.equal(me.user.role, "user", "clients cannot set role (input: false)");
  assert.equal((await fetch(base + "/api/admin/stats", { headers: { cookie: user } })).status, 403);
  const ok = await fetch(base + "/api/admin/stats", { headers: { cookie: boss } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { ok: true, admin: "boss@example.com" });
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
