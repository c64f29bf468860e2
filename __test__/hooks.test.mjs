// hooks.before / hooks.after written with createAuthMiddleware, side by side with better-auth:
// throwing an APIError, changing the body, short-circuiting, reading newSession, setting a cookie,
// replacing the response. Our engine also runs hooks written with Better Auth's own helper.
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createAuthMiddleware as baMiddleware, APIError as BaAPIError } from "better-auth/api";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";
import { createAuthMiddleware as ourMiddleware, APIError as OurAPIError } from "../js/api.js";

const API = BASE_URL + "/api/auth";

function hooks(createAuthMiddleware, APIError, seen) {
  return {
    before: createAuthMiddleware(async (ctx) => {
      seen.push(["before", ctx.path]);
      if (ctx.path === "/sign-up/email") {
        if (String(ctx.body?.email).endsWith("@blocked.example")) {
          throw new APIError("BAD_REQUEST", { message: "Domain blocked", code: "DOMAIN_BLOCKED" });
        }
        if (ctx.body?.name === "rename-me") return { context: { body: { ...ctx.body, name: "Renamed" } } };
      }
      if (ctx.path === "/ok" && ctx.query?.short) return ctx.json({ shortCircuited: true });
    }),
    after: createAuthMiddleware(async (ctx) => {
      seen.push(["after", ctx.path]);
      if (ctx.path === "/sign-up/email" && ctx.context.newSession) {
        seen.push(["newSession", ctx.context.newSession.user.email, ctx.context.newSession.session.expiresAt instanceof Date]);
        ctx.setCookie("welcome", "1", { path: "/", httpOnly: true });
      }
      if (ctx.path === "/ok" && ctx.query?.replace) return ctx.json({ ok: true, replaced: true });
      if (ctx.path === "/sign-in/email" && ctx.context.returned instanceof Error) seen.push(["after saw error", ctx.context.returned.body?.code]);
    }),
  };
}

async function run(kind, flavour) {
  const seen = [];
  const db = tempDbFile(`hooks-${kind}`);
  const [cam, E] = flavour === "ba" ? [baMiddleware, BaAPIError] : [ourMiddleware, OurAPIError];
  const auth = await makeAuth(kind, { dbFile: db.file, hooks: hooks(cam, E, seen) });
  const post = (p, b) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }));
  try {
    const out = [];
    let r = await post("/sign-up/email", { name: "x", email: "eve@blocked.example", password: "password-123" });
    out.push(["blocked", r.status, await r.json()]);
    r = await post("/sign-up/email", { name: "rename-me", email: "ren@example.com", password: "password-123" });
    const body = await r.json();
    out.push(["renamed", r.status, body.user?.name, r.headers.getSetCookie().map((c) => c.split("=")[0]).sort()]);
    r = await auth.handler(new Request(API + "/ok?short=1"));
    out.push(["short-circuit", r.status, await r.json()]);
    r = await auth.handler(new Request(API + "/ok?replace=1"));
    out.push(["replaced", r.status, await r.json()]);
    r = await post("/sign-in/email", { email: "ren@example.com", password: "wrong-password" });
    out.push(["sign-in error", r.status, (await r.json()).code]);
    const apiRes = await auth.api.ok({ query: { replace: "1" } });
    out.push(["auth.api runs hooks too", apiRes]);
    out.push(["seen", seen]);
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("hooks", () => {
  const results = {};
  for (const kind of IMPLS) {
    for (const flavour of ["ba", "ours"]) {
      if (kind === "better-auth" && flavour === "ours") continue;
      test(`hooks on ${kind} (createAuthMiddleware from ${flavour === "ba" ? "better-auth/api" : "better-auth-rs/api"})`, async () => {
        results[`${kind}-${flavour}`] = await run(kind, flavour);
      });
    }
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs runs hooks as better-auth does, with either createAuthMiddleware", () => {
      const ref = results["better-auth-ba"];
      assert.ok(ref?.length > 0);
      assert.deepEqual(results["ours-ba"], ref);
      assert.deepEqual(results["ours-ours"], ref);
    });
  }
});
