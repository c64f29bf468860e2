// auth.api rejects with an APIError that code written for Better Auth recognises: instanceof the
// class from `better-auth/api` (when that package is installed) and of ours from
// `better-auth-rs/api`, with Better Auth's status, statusCode, body and message.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { APIError as BAAPIError, isAPIError as baIsAPIError } from "better-auth/api";
import { betterAuth } from "../index.js";
import { APIError, isAPIError } from "../js/api.js";

test("auth.api errors are instanceof better-auth/api's APIError and ours", async () => {
  const auth = betterAuth({ secret: "api-error-secret-0123456789abcdefghij", baseURL: "http://localhost:3000", database: ":memory:", emailAndPassword: { enabled: true } });
  const err = await auth.api.signInEmail({ body: { email: "nobody@example.com", password: "password-123456" } }).then(() => null, (e) => e);
  assert.ok(err instanceof APIError, "ours");
  assert.ok(err instanceof BAAPIError, "Better Auth's");
  assert.ok(err instanceof Error);
  assert.ok(isAPIError(err) && baIsAPIError(err));
  assert.equal(err.status, "UNAUTHORIZED");
  assert.equal(err.statusCode, 401);
  assert.deepEqual(err.body, { message: "Invalid email or password", code: "INVALID_EMAIL_OR_PASSWORD" });
  assert.equal(err.message, "Invalid email or password");
  // our class still constructs as before
  const mine = new APIError("FORBIDDEN", { message: "no", code: "NO" });
  assert.deepEqual([mine.status, mine.statusCode, mine.message, mine.name], ["FORBIDDEN", 403, "no", "APIError"]);
  assert.ok(mine instanceof BAAPIError);
});
