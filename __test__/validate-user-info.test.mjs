// user.validateUserInfo (the app's gate on new users) and emailAndPassword.onExistingUserSignUp,
// side by side with better-auth: same answers, same callback arguments, same rows.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import Database from "better-sqlite3";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";

function emails(file) {
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`select "email" from "user" order by "email"`).all().map((r) => r.email);
  } finally {
    db.close();
  }
}

async function run(kind, generic) {
  const { file, cleanup } = tempDbFile(`vui-${kind}`);
  const calls = [];
  const auth = await makeAuth(kind, {
    dbFile: file,
    rateLimit: { enabled: false },
    emailAndPassword: {
      requireEmailVerification: generic,
      onExistingUserSignUp: async ({ user }, request) => { calls.push(["onExistingUserSignUp", user.email, request instanceof Request]); },
    },
    emailVerification: { sendVerificationEmail: async () => {} },
    user: {
      validateUserInfo: async ({ user, source }, ctx) => {
        calls.push(["validateUserInfo", Object.keys(user).sort(), user.email, user.emailVerified, source, ctx?.path]);
        if (user.email.endsWith("@blocked.example")) return { error: "blocked_domain", errorDescription: "That domain is blocked" };
        if (user.email.endsWith("@nodesc.example")) return { error: "nope" };
        if (user.email.endsWith("@throw.example")) throw new Error("gate down");
        return undefined;
      },
    },
  });
  const post = (b) => auth.handler(new Request(API + "/sign-up/email", { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL }, body: JSON.stringify(b) }));
  const answer = async (r) => { const j = await r.json(); return [r.status, j.code ?? null, j.message ?? null, j.user ? j.user.email : null]; };
  try {
    const out = [];
    for (const email of ["ok@fine.example", "x@blocked.example", "x@nodesc.example", "x@throw.example", "ok@fine.example"]) {
      out.push(await answer(await post({ name: "V", email, password: "password-123456" })));
    }
    out.push(emails(file));
    return { out, calls };
  } finally {
    auth.close?.();
    cleanup();
  }
}

for (const generic of [false, true]) {
  test(`validateUserInfo and onExistingUserSignUp, ${generic ? "with" : "without"} the generic duplicate answer (requireEmailVerification: ${generic})`, async () => {
    const got = {};
    for (const kind of IMPLS) got[kind] = await run(kind, generic);
    const ours = got.ours ?? got["better-auth"];
    assert.deepEqual(ours.out[5], ["ok@fine.example"], "refused sign-ups write nothing");
    if (!generic) {
      assert.deepEqual(ours.out.slice(1, 4), [[403, "blocked_domain", "That domain is blocked", null], [403, "nope", "nope", null], [403, "validation_failed", "User validation failed", null]]);
      assert.equal(ours.out[4][0], 422);
    }
    if (IMPLS.length === 2) assert.deepEqual(got.ours, got["better-auth"]);
  });
}
