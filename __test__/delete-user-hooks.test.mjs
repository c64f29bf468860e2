// delete-user runs databaseHooks for the user's sessions (session.delete.before/after for each,
// first), then the user's, as Better Auth's internalAdapter.deleteUser does; same order and
// arguments as better-auth for the same requests.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";

async function run(kind) {
  const { file, cleanup } = tempDbFile(`deluser-${kind}`);
  const events = [];
  const auth = await makeAuth(kind, {
    dbFile: file,
    rateLimit: { enabled: false },
    user: { deleteUser: { enabled: true } },
    databaseHooks: {
      session: { delete: {
        before: async (s, ctx) => { events.push(["session.delete.before", typeof s.token, s.userId ? "userId" : null, ctx?.path]); },
        after: async (s) => { events.push(["session.delete.after", typeof s.token]); },
      } },
      user: { delete: {
        before: async (u, ctx) => { events.push(["user.delete.before", u.email, ctx?.path]); },
        after: async (u) => { events.push(["user.delete.after", u.email]); },
      } },
    },
  });
  const post = (p, b, h = {}) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...h }, body: JSON.stringify(b) }));
  try {
    const up = await post("/sign-up/email", { name: "D", email: "del@example.com", password: "password-123456" });
    await post("/sign-in/email", { email: "del@example.com", password: "password-123456" });
    await post("/sign-in/email", { email: "del@example.com", password: "password-123456" });
    const cookie = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const del = await post("/delete-user", { password: "password-123456" }, { cookie });
    return { status: del.status, body: await del.json(), events };
  } finally {
    auth.close?.();
    cleanup();
  }
}

test("delete-user: session hooks for each of the user's sessions, then the user's hooks (compared with better-auth)", async () => {
  const got = {};
  for (const kind of IMPLS) got[kind] = await run(kind);
  const ours = got.ours ?? got["better-auth"];
  assert.equal(ours.status, 200);
  assert.equal(ours.events.filter((e) => e[0] === "session.delete.before").length, 3);
  assert.deepEqual(ours.events.map((e) => e[0]), [
    "session.delete.before", "session.delete.before", "session.delete.before",
    "session.delete.after", "session.delete.after", "session.delete.after",
    "user.delete.before", "user.delete.after",
  ]);
  if (IMPLS.length === 2) assert.deepEqual(got.ours, got["better-auth"]);
});
