// A date MySQL/MariaDB's TIMESTAMP cannot hold (after 2038-01-19) must not be answered 200 with
// something else stored: bound as binary it was silently replaced; now the server refuses it and
// nothing is written. An in-range date from a database hook is stored exactly.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { openDatabase, loadImpl } from "./helpers/dialects.mjs";

async function signUpWith(expiresAt) {
  const db = await openDatabase("mysql", "dates");
  const m = await loadImpl("ours");
  const opts = {
    secret: "s".repeat(40), baseURL: "http://localhost:3000", logger: { disabled: true }, database: db.forAuth("ours"), emailAndPassword: { enabled: true },
    databaseHooks: { session: { create: { before: async (s) => ({ data: { ...s, expiresAt } }) } } },
  };
  const auth = m.betterAuth(opts);
  await m.migrate(opts, auth);
  try {
    const r = await auth.handler(new Request("http://localhost:3000/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", origin: "http://localhost:3000" }, body: JSON.stringify({ name: "A", email: "a@x.com", password: "password-1234" }) }));
    return { status: r.status, rows: await db.query(`select ${db.ident("expiresAt")} as e from ${db.ident("session")}`) };
  } finally {
    await db.cleanup();
  }
}

test("MySQL: a session expiry past TIMESTAMP's range is refused, not stored as another date", async () => {
  const out = await signUpWith(new Date(Date.UTC(2099, 0, 1)));
  assert.notEqual(out.status, 200);
  assert.deepEqual(out.rows, []);
  const ok = await signUpWith(new Date(Date.UTC(2037, 5, 1)));
  assert.equal(ok.status, 200);
  assert.equal(new Date(ok.rows[0].e).toISOString(), "2037-06-01T00:00:00.000Z");
});
