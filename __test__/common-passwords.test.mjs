// emailAndPassword.password.rejectCommon (extension, off by default): sign-up, change-password,
// set-password and reset-password refuse passwords from the bundled common list (and the
// configured extras) with Better Auth's haveIBeenPwned answer, and write nothing.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const Database = require("better-sqlite3");
const BASE = "http://localhost:3000";
const COMPROMISED = { message: "The password you entered has been compromised. Please choose a different password.", code: "PASSWORD_COMPROMISED" };

function setup(rejectCommon) {
  const { file, cleanup } = tempDbFile("common");
  const mails = [];
  const auth = betterAuth({
    database: file, secret: "common-secret-0123456789-abcdefghijklmnopqrstuvwxyz", baseURL: BASE,
    emailAndPassword: { enabled: true, password: rejectCommon === undefined ? {} : { rejectCommon }, sendResetPassword: async (d) => void mails.push(d) },
  });
  const post = (p, body, headers = {}) => auth.handler(new Request(BASE + "/api/auth" + p, {
    method: "POST", headers: { "content-type": "application/json", origin: BASE, ...headers }, body: JSON.stringify(body),
  }));
  const rows = (sql, ...a) => { const db = new Database(file, { readonly: true }); try { return db.prepare(sql).all(...a); } finally { db.close(); } };
  return { auth, post, rows, mails, cleanup };
}

test("on: the four password-setting endpoints refuse common passwords and write nothing", async () => {
  const t = setup({ extra: ["Acme-Corp-2026"] });
  try {
    for (const pw of ["password123", "Qwertyuiop", "iloveyou1", "acme-corp-2026"]) {
      const r = await t.post("/sign-up/email", { email: `x-${pw}@example.com`, password: pw, name: "X" });
      assert.equal(r.status, 400, pw);
      assert.deepEqual(await r.json(), COMPROMISED);
    }
    assert.deepEqual(t.rows(`select email from "user"`), []);
    const ok = await t.post("/sign-up/email", { email: "ok@example.com", password: "violet-anchor-47-tundra", name: "O" });
    assert.equal(ok.status, 200);
    const cookie = ok.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const hashBefore = t.rows(`select password from "account"`)[0].password;

    const change = await t.post("/change-password", { currentPassword: "violet-anchor-47-tundra", newPassword: "password1" }, { cookie });
    assert.equal(change.status, 400);
    assert.deepEqual(await change.json(), COMPROMISED);
    assert.equal(t.rows(`select password from "account"`)[0].password, hashBefore);
    const changeOk = await t.post("/change-password", { currentPassword: "violet-anchor-47-tundra", newPassword: "maple-orbit-83-quartz" }, { cookie });
    assert.equal(changeOk.status, 200);

    const setPw = await t.auth.api.setPassword({ body: { newPassword: "baseball" }, headers: new Headers({ cookie }) }).catch((e) => e);
    assert.equal(setPw.status, "BAD_REQUEST");
    assert.equal(setPw.body.code, "PASSWORD_COMPROMISED");

    assert.equal((await t.post("/request-password-reset", { email: "ok@example.com" })).status, 200);
    const token = t.mails.at(-1).token;
    const hashMid = t.rows(`select password from "account"`)[0].password;
    const reset = await t.post("/reset-password", { newPassword: "superman", token });
    assert.equal(reset.status, 400);
    assert.deepEqual(await reset.json(), COMPROMISED);
    assert.equal(t.rows(`select password from "account"`)[0].password, hashMid);
    // the token was not consumed: a good password still works with it
    assert.equal((await t.post("/reset-password", { newPassword: "harbor-lilac-29-ember", token })).status, 200);
  } finally {
    t.cleanup();
  }
});

test("off (the default): the same passwords are accepted, as in Better Auth", async () => {
  const t = setup(undefined);
  try {
    const r = await t.post("/sign-up/email", { email: "plain@example.com", password: "password123", name: "P" });
    assert.equal(r.status, 200);
  } finally {
    t.cleanup();
  }
  assert.throws(() => betterAuth({ database: ":memory:", emailAndPassword: { enabled: true, password: { rejectCommon: "yes" } } }), /rejectCommon/);
});
