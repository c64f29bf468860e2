// The `logger` option (issue 13, item 4), compared with the real better-auth: the same requests
// with `logger: { level, disabled, log }`; the (level, message) pairs the app's `log` function
// receives for expected failures (unknown user, wrong password) and failing mail callbacks, and
// what `disabled` and `level` filter out.
import "./helpers/env.mjs";

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { IMPLS, makeAuth, tempDbFile } from "./helpers/impls.mjs";
import { Ctx } from "./helpers/observe.mjs";

const PW = "correct-horse-battery";
const ORIGIN = { origin: "http://localhost:3000" };
const settle = () => new Promise((r) => setTimeout(r, 50));

async function run(kind, logger, extra = {}) {
  const { file, cleanup } = tempDbFile("logger");
  const logs = [];
  const auth = await makeAuth(kind, {
    dbFile: file,
    rateLimit: { enabled: false },
    logger: { ...logger, log: (level, message) => logs.push([level, String(message)]) },
    ...extra,
  });
  const ctx = new Ctx(kind, auth);
  try {
    await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "L", email: "l@x.com", password: PW }, headers: ORIGIN });
    await settle();
    logs.length = 0; // start-up and sign-up messages differ between the packages (e.g. base URL notes)
    await ctx.send("unknown user", "POST", "/sign-in/email", { json: { email: "nobody@x.com", password: PW }, headers: ORIGIN });
    await ctx.send("wrong password", "POST", "/sign-in/email", { json: { email: "l@x.com", password: "wrong-password-1" }, headers: ORIGIN });
    await ctx.send("right password", "POST", "/sign-in/email", { json: { email: "l@x.com", password: PW }, headers: ORIGIN });
    if (extra.emailAndPassword?.sendResetPassword) {
      await ctx.send("reset with a failing mailer", "POST", "/request-password-reset", { json: { email: "l@x.com", redirectTo: "/reset" }, headers: ORIGIN });
    }
    await settle();
    return logs;
  } finally {
    auth.close();
    cleanup();
  }
}

describe("logger: parity with better-auth", () => {
  test("expected sign-in failures are logged at warn through logger.log", async () => {
    const got = {};
    for (const kind of IMPLS) got[kind] = await run(kind, { disabled: false });
    for (const logs of Object.values(got)) {
      assert.deepEqual(logs, [["warn", "User not found"], ["warn", "Invalid password"]]);
    }
  });

  test("level: error drops the warnings; disabled drops everything", async () => {
    for (const kind of IMPLS) {
      assert.deepEqual(await run(kind, { disabled: false, level: "error" }), [], kind);
      assert.deepEqual(await run(kind, { disabled: true, level: "debug" }), [], kind);
    }
  });

  test("a throwing mail callback is logged at error (the answer does not change)", async () => {
    const got = {};
    const fail = async () => {
      throw new Error("smtp down");
    };
    for (const kind of IMPLS) got[kind] = await run(kind, { disabled: false, level: "error" }, { emailAndPassword: { enabled: true, sendResetPassword: fail } });
    for (const [kind, logs] of Object.entries(got)) {
      assert.equal(logs.length, 1, `${kind}: ${JSON.stringify(logs)}`);
      assert.equal(logs[0][0], "error");
      assert.match(logs[0][1], /^Failed to run background task/);
    }
  });

  test("start-up warnings go through the logger too", async () => {
    const { betterAuth } = await import("../index.js");
    const logs = [];
    const saved = console.warn;
    const printed = [];
    console.warn = (...a) => printed.push(a.join(" "));
    try {
      const base = { secret: "s".repeat(40), database: ":memory:", advanced: { trustedProxyHeaders: true } };
      betterAuth({ ...base, logger: { log: (level, message) => logs.push([level, message]) } });
      betterAuth({ ...base, logger: { disabled: true } });
      betterAuth({ ...base, logger: { level: "error" } });
      assert.deepEqual(printed, []);
      betterAuth(base);
      assert.equal(printed.length, 1);
    } finally {
      console.warn = saved;
    }
    assert.equal(logs.length, 1);
    assert.equal(logs[0][0], "warn");
    assert.match(logs[0][1], /`advanced.trustedProxyHeaders`/);
  });
});
