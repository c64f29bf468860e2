// session.cookieCache, all three strategies, on one database shared with better-auth: a
// session_data cookie written by either implementation answers get-session on the other
// without the database (the session row is deleted to prove it); disableCookieCache goes to
// the database; parity of the cookies each side sets.
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { betterAuth as baBetterAuth } from "better-auth";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";

const API = BASE_URL + "/api/auth";
const post = (auth, p, body) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const get = (auth, p, cookie) => auth.handler(new Request(API + p, { headers: cookie ? { cookie } : {} }));
const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
const names = (r) => r.headers.getSetCookie().map((c) => c.split("=")[0]);

for (const strategy of ["compact", "jwt", "jwe"]) {
  describe(`cookie cache (${strategy}) shared with better-auth`, () => {
    test("each implementation answers from the other's session_data", async () => {
      const db = tempDbFile(`cc-${strategy}`);
      try {
        const common = { secret: SECRET, baseURL: BASE_URL, emailAndPassword: { enabled: true }, session: { cookieCache: { enabled: true, strategy, maxAge: 300 } } };
        // scrypt mode: Better Auth must verify the password of the user we create
        const ours = betterAuth({ ...common, database: db.file, emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } } });
        await post(ours, "/sign-up/email", { name: "C", email: "c@example.com", password: "password-123" }); // creates the schema
        const conn = new Database(db.file);
        const ba = baBetterAuth({ ...common, database: conn, logger: { disabled: true } });
        for (const [writer, reader, label] of [[ba, ours, "theirs → ours"], [ours, ba, "ours → theirs"]]) {
          const r = await post(writer, "/sign-in/email", { email: "c@example.com", password: "password-123" });
          assert.equal(r.status, 200, label);
          assert.deepEqual(names(r), ["better-auth.session_token", "better-auth.session_data"], label);
          const cookie = cookieOf(r);
          const token = (await r.json()).token;
          conn.prepare('delete from "session" where "token" = ?').run(token);
          const cached = await get(reader, "/get-session", cookie);
          const body = await cached.json();
          assert.equal(body?.user?.email, "c@example.com", `${label}: answered from the cache`);
          assert.equal(body.session.token, token);
          assert.deepEqual(cached.headers.getSetCookie(), [], `${label}: a cache hit sets no cookie`);
          const fresh = await get(reader, "/get-session?disableCookieCache=true", cookie);
          assert.equal(await fresh.text(), "null", `${label}: disableCookieCache reads the database`);
        }
        // a cache for another token is not used
        const a = await post(ours, "/sign-in/email", { email: "c@example.com", password: "password-123" });
        const b = await post(ours, "/sign-in/email", { email: "c@example.com", password: "password-123" });
        const mixed = `${cookieOf(a).split("; ")[0]}; ${cookieOf(b).split("; ")[1]}`;
        const m = await get(ours, "/get-session", mixed);
        assert.equal((await m.json()).session.token, (await a.json()).token);
        assert.ok(names(m).includes("better-auth.session_data"), "the mismatched cache is replaced");
        conn.close();
      } finally {
        db.cleanup();
      }
    });
  });
}

test("cookie cache off (default): no session_data is written", async () => {
  const db = tempDbFile("cc-off");
  try {
    const ours = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true } });
    const r = await post(ours, "/sign-up/email", { name: "C", email: "c@example.com", password: "password-123" });
    assert.deepEqual(names(r), ["better-auth.session_token"]);
  } finally {
    db.cleanup();
  }
});
