// The jwt() plugin: our tokens verify with jose against our JWKS; on one shared database,
// Better Auth's jwt plugin and ours use the same keys (private keys sealed as Better Auth does),
// so each side's tokens verify against the other's JWKS; forged algorithms are refused; and the
// HS256 shared-secret mode issues tokens a backend verifies with only the secret.
import "./helpers/env.mjs";
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { betterAuth as baBetterAuth } from "better-auth";
import { jwt as baJwt } from "better-auth/plugins";
import Database from "better-sqlite3";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";
import plugins from "../js/plugins.js";

const API = BASE_URL + "/api/auth";
const get = (auth, p, headers = {}) => auth.handler(new Request(API + p, { headers }));
const post = (auth, p, body) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

describe("jwt() plugin with Better Auth on one database", () => {
  let db, ours, ba, cookie;
  before(async () => {
    db = tempDbFile("jwt");
    ours = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true }, plugins: [plugins.jwt()] });
    const r = await post(ours, "/sign-up/email", { name: "J", email: "j@example.com", password: "password-123" });
    assert.equal(r.status, 200);
    cookie = cookieOf(r);
    ba = baBetterAuth({ secret: SECRET, baseURL: BASE_URL, database: new Database(db.file), emailAndPassword: { enabled: true }, plugins: [baJwt()], logger: { disabled: true }, advanced: { database: { validateSchema: true } } });
  });
  after(() => db.cleanup());

  test("GET /token: an EdDSA JWT with Better Auth's claims that verifies against our /jwks", async () => {
    const r = await get(ours, "/token", { cookie });
    assert.equal(r.status, 200);
    const { token } = await r.json();
    const header = jose.decodeProtectedHeader(token);
    assert.equal(header.alg, "EdDSA");
    assert.deepEqual(Object.keys(header), ["alg", "kid"]);
    const jwks = await (await get(ours, "/jwks")).json();
    assert.equal(jwks.keys[0].kid, header.kid);
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { issuer: BASE_URL, audience: BASE_URL });
    assert.equal(payload.email, "j@example.com");
    assert.equal(payload.sub, payload.id);
    assert.equal(payload.exp - payload.iat, 900);
    const unauth = await get(ours, "/token");
    assert.equal(unauth.status, 401);
  });

  test("get-session carries set-auth-jwt", async () => {
    const r = await get(ours, "/get-session", { cookie });
    const t = r.headers.get("set-auth-jwt");
    assert.ok(t);
    assert.match(r.headers.get("access-control-expose-headers"), /set-auth-jwt/);
    const none = await get(ours, "/get-session");
    assert.equal(none.headers.get("set-auth-jwt"), null);
  });

  test("Better Auth and better-auth-rs serve the same keys and accept each other's tokens", async () => {
    const ourJwks = await (await get(ours, "/jwks")).json();
    const baJwks = await (await get(ba, "/jwks")).json();
    assert.deepEqual(baJwks, ourJwks, "the same key set from the shared jwks table");
    const baToken = (await (await get(ba, "/token", { cookie })).json()).token;
    const ourToken = (await (await get(ours, "/token", { cookie })).json()).token;
    for (const [label, token] of [["theirs", baToken], ["ours", ourToken]]) {
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(ourJwks), { issuer: BASE_URL, audience: BASE_URL });
      assert.equal(payload.email, "j@example.com", label);
    }
    // each side's verifyJWT accepts the other's token
    assert.equal((await ours.api.verifyJWT({ body: { token: baToken } })).payload.email, "j@example.com");
    assert.equal((await ba.api.verifyJWT({ body: { token: ourToken } })).payload.email, "j@example.com");
  });

  test("forged tokens are refused: alg none, HS256 with the public key, tampered payload", async () => {
    const jwks = await (await get(ours, "/jwks")).json();
    const good = (await (await get(ours, "/token", { cookie })).json()).token;
    const [h, p, s] = good.split(".");
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const none = `${b64({ alg: "none", kid: jwks.keys[0].kid })}.${p}.`;
    const hs = await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: jwks.keys[0].kid }).sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    const tampered = `${h}.${b64({ ...claims, email: "evil@example.com" })}.${s}`;
    for (const t of [none, hs, tampered, "not.a.jwt", ""]) {
      assert.equal((await ours.api.verifyJWT({ body: { token: t } })).payload, null, t.slice(0, 20));
    }
  });
});

test("HS256 shared-secret mode: tokens a backend verifies with only the secret", async () => {
  const db = tempDbFile("jwt-hs");
  const shared = "shared-backend-secret-0123456789";
  try {
    const auth = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true }, jwt: { secret: shared, algorithm: "HS256", expiresIn: "7d", issuer: "my-app", audience: "api" } });
    const r = await post(auth, "/sign-up/email", { name: "H", email: "h@example.com", password: "password-123" });
    const { token } = await (await get(auth, "/token", { cookie: cookieOf(r) })).json();
    assert.equal(jose.decodeProtectedHeader(token).alg, "HS256");
    const { payload } = await jose.jwtVerify(token, new TextEncoder().encode(shared), { issuer: "my-app", audience: "api", algorithms: ["HS256"] });
    assert.deepEqual(["sub", "email", "name", "iat", "exp", "iss"].filter((k) => !(k in payload)), []);
    assert.equal(payload.exp - payload.iat, 7 * 86400);
    await assert.rejects(jose.jwtVerify(token, new TextEncoder().encode("wrong-secret-0123456789"), { issuer: "my-app" }));
    assert.equal((await get(auth, "/jwks")).status, 404, "no public keys in pure HS256 mode");
    assert.throws(() => betterAuth({ secret: SECRET, database: db.file, jwt: { algorithm: "HS256", secret: "short" } }), /jwt\.secret/);
  } finally {
    db.cleanup();
  }
});

test("other algorithms on request, definePayload, and key rotation", async () => {
  for (const alg of ["ES256", "RS256", "PS256", "ES512"]) {
    const db = tempDbFile(`jwt-${alg}`);
    try {
      const auth = betterAuth({
        secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true },
        plugins: [plugins.jwt({ jwks: { keyPairConfig: { alg } }, jwt: { definePayload: ({ user }) => ({ uid: user.id, mail: user.email }) } })],
      });
      const r = await post(auth, "/sign-up/email", { name: "A", email: `${alg.toLowerCase()}@example.com`, password: "password-123" });
      const { token } = await (await get(auth, "/token", { cookie: cookieOf(r) })).json();
      assert.equal(jose.decodeProtectedHeader(token).alg, alg);
      const jwks = await (await get(auth, "/jwks")).json();
      assert.equal(jwks.keys[0].alg, alg);
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { issuer: BASE_URL, audience: BASE_URL, algorithms: [alg] });
      assert.equal(payload.mail, `${alg.toLowerCase()}@example.com`, "definePayload shapes the claims");
      assert.equal(payload.sub, payload.uid);
      assert.equal("email" in payload, false);
    } finally {
      db.cleanup();
    }
  }
  // rotation: an expired key is replaced; the old one stays in /jwks during the grace period
  const db = tempDbFile("jwt-rot");
  try {
    const auth = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true }, plugins: [plugins.jwt({ jwks: { rotationInterval: 1 } })] });
    const r = await post(auth, "/sign-up/email", { name: "R", email: "rot@example.com", password: "password-123" });
    const t1 = (await (await get(auth, "/token", { cookie: cookieOf(r) })).json()).token;
    await new Promise((res) => setTimeout(res, 1100));
    const t2 = (await (await get(auth, "/token", { cookie: cookieOf(r) })).json()).token;
    const k1 = jose.decodeProtectedHeader(t1).kid;
    const k2 = jose.decodeProtectedHeader(t2).kid;
    assert.notEqual(k1, k2, "a new key after the rotation interval");
    const kids = (await (await get(auth, "/jwks")).json()).keys.map((k) => k.kid);
    assert.deepEqual(kids.sort(), [k1, k2].sort(), "both keys published during the grace period");
  } finally {
    db.cleanup();
  }
});
