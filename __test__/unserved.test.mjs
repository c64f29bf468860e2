// Fail closed on plugins and options this version does not serve (issue 23, item 1): a plugin
// the engine would ignore drops the checks it adds (anonymous: guest sessions without its
// checks; multiSession: no device sessions), so betterAuth() refuses to start unless the app lists it in
// advanced.unservedPlugins / advanced.unservedOptions; then it starts and warns once per item.
// Better Auth's own jwt()/bearer() objects (from better-auth/plugins) are served like ours.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { twoFactor, admin, username, magicLink, emailOTP, anonymous, phoneNumber, multiSession, jwt as baJwt, bearer as baBearer } from "better-auth/plugins";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";
import ours from "../js/plugins.js";
import { UNSERVED_OPTIONS } from "../js/unserved.js";

const API = BASE_URL + "/api/auth";
const get = (auth, p, headers = {}) => auth.handler(new Request(API + p, { headers }));
const post = (auth, p, body, headers = {}) =>
  auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
const cookieOf = (r) => r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

const files = [];
after(() => files.forEach((f) => f.cleanup()));
function opts(extra = {}) {
  const db = tempDbFile("unserved");
  files.push(db);
  return { secret: SECRET, baseURL: BASE_URL, database: db.file, emailAndPassword: { enabled: true }, ...extra };
}

/** Runs fn with console.warn captured; returns [result, warnings]. */
function captureWarn(fn) {
  const saved = console.warn;
  const warnings = [];
  console.warn = (...args) => warnings.push(args.map(String).join(" "));
  try {
    return [fn(), warnings];
  } finally {
    console.warn = saved;
  }
}

/** The same behaviour whatever NODE_ENV says. */
function underEachNodeEnv(fn) {
  const saved = process.env.NODE_ENV;
  try {
    for (const env of ["development", "test"]) {
      process.env.NODE_ENV = env;
      fn(env);
    }
  } finally {
    process.env.NODE_ENV = saved;
  }
}

const isRefusal = (...names) => (e) => {
  assert.equal(e.name, "BetterAuthError");
  for (const n of names) assert.ok(e.message.includes(n), `message names ${n}: ${e.message}`);
  return true;
};

describe("plugins this version does not serve", () => {
  const cases = [
    ["anonymous", () => anonymous()],
    ["phone-number", () => phoneNumber({ sendOTP() {} })],
    ["multi-session", () => multiSession()],
    ["my-plugin", () => ({ id: "my-plugin" })],
  ];
  for (const [id, make] of cases) {
    test(`${id}: refuses to start, naming the plugin and the way out; with advanced.unservedPlugins it starts and warns once`, () => {
      underEachNodeEnv((env) => {
        const plugin = make();
        assert.equal(plugin.id, id);
        const [, quiet] = captureWarn(() =>
          assert.throws(() => betterAuth(opts({ plugins: [plugin] })), isRefusal(`"${id}"`, "does not serve", "better-auth", "unservedPlugins", "checks will not run")),
        );
        assert.deepEqual(quiet, [], env);
        const [auth, warnings] = captureWarn(() => betterAuth(opts({ plugins: [plugin], advanced: { unservedPlugins: [id] } })));
        assert.equal(typeof auth.handler, "function");
        assert.equal(warnings.length, 1, `${env}: ${JSON.stringify(warnings)}`);
        assert.match(warnings[0], new RegExp(`"${id}".*IGNORED`));
      });
    });
  }

  test("anonymous() and multiSession() together: one error naming both; opting in one still refuses the other", () => {
    assert.throws(() => betterAuth(opts({ plugins: [anonymous(), multiSession()] })), isRefusal(`"anonymous"`, `"multi-session"`));
    assert.throws(() => betterAuth(opts({ plugins: [anonymous(), multiSession()], advanced: { unservedPlugins: ["multi-session"] } })), (e) => {
      assert.ok(e.message.includes(`"anonymous"`));
      assert.ok(!e.message.includes(`"multi-session"`), e.message);
      return true;
    });
  });

  test("admin() and username() are served now: they start without an opt-in and their endpoints exist", () => {
    const [auth, warnings] = captureWarn(() => betterAuth(opts({ plugins: [admin(), username()] })));
    assert.deepEqual(warnings, []);
    assert.equal(typeof auth.api.banUser, "function");
    assert.equal(typeof auth.api.userHasPermission, "function");
    assert.equal(typeof auth.api.signInUsername, "function");
    assert.equal(typeof auth.api.isUsernameAvailable, "function");
  });

  test("twoFactor() is served now (Better Auth's object and ours); its unserved custom backup-code generator is refused", () => {
    for (const make of [twoFactor, ours.twoFactor]) {
      const [auth, warnings] = captureWarn(() => betterAuth(opts({ plugins: [make()] })));
      assert.deepEqual(warnings, []);
      assert.equal(typeof auth.api.enableTwoFactor, "function");
      assert.equal(typeof auth.api.verifyTOTP, "function");
      assert.throws(() => betterAuth(opts({ plugins: [make({ backupCodeOptions: { customBackupCodesGenerate: () => [] } })] })), /customBackupCodesGenerate/);
    }
  });

  test("magicLink() and emailOTP() are served now, Better Auth's objects and ours", () => {
    for (const plugins of [
      [magicLink({ sendMagicLink() {} }), emailOTP({ sendVerificationOTP() {} })],
      [ours.magicLink({ sendMagicLink() {} }), ours.emailOTP({ sendVerificationOTP() {} })],
    ]) {
      const [auth, warnings] = captureWarn(() => betterAuth(opts({ plugins })));
      assert.deepEqual(warnings, []);
      for (const name of ["signInMagicLink", "magicLinkVerify", "sendVerificationOTP", "signInEmailOTP", "createVerificationOTP", "getVerificationOTP"]) {
        assert.equal(typeof auth.api[name], "function", name);
      }
    }
  });

  test("a plugin without an id refuses to start (it cannot be opted in)", () => {
    for (const p of [{}, { endpoints: {} }, null, "jwt"]) {
      assert.throws(() => betterAuth(opts({ plugins: [ours.jwt(), p] })), isRefusal("plugins[1]", "no `id`"), JSON.stringify(p));
    }
  });

  test("advanced.unservedPlugins / unservedOptions must be arrays of strings", () => {
    assert.throws(() => betterAuth(opts({ advanced: { unservedPlugins: "admin" } })), isRefusal("advanced.unservedPlugins"));
    assert.throws(() => betterAuth(opts({ advanced: { unservedOptions: [1] } })), isRefusal("advanced.unservedOptions"));
  });

  test("an opted-in plugin is left out of the engine: the served ones keep working beside it", async () => {
    const [auth] = captureWarn(() => betterAuth(opts({ plugins: [multiSession(), baBearer()], advanced: { unservedPlugins: ["multi-session"] } })));
    const r = await post(auth, "/sign-up/email", { name: "A", email: "a@example.com", password: "password-123" });
    assert.equal(r.status, 200);
    assert.ok(r.headers.get("set-auth-token"));
  });
});

describe("options this version does not serve", () => {
  test("socialProviders: the served built-ins start without a warning; any other provider stops the start", () => {
    underEachNodeEnv((env) => {
      const [auth, warnings] = captureWarn(() => betterAuth(opts({ socialProviders: { github: { clientId: "id", clientSecret: "secret" } } })));
      assert.equal(typeof auth.handler, "function");
      assert.deepEqual(warnings, [], env);
      // an unserved provider is not an option one can waive: its sign-in would not exist
      assert.throws(() => betterAuth(opts({ socialProviders: { facebook: { clientId: "id", clientSecret: "secret" } }, advanced: { unservedOptions: ["socialProviders"] } })), /does not serve the social provider "facebook"/);
      // an empty object is not a provider
      captureWarn(() => betterAuth(opts({ socialProviders: {} })));
    });
  });

  test("account.accountLinking: the served keys start; a trustedProviders function or an unknown key refuses", () => {
    // every key is applied by social sign-in, /link-social and /unlink-account (src/oauth/)
    for (const accountLinking of [{ enabled: false }, { trustedProviders: ["google"] }, { allowDifferentEmails: true }, { disableImplicitLinking: true }, { updateUserInfoOnLink: true }, { allowUnlinkingAll: true }]) {
      captureWarn(() => betterAuth(opts({ account: { accountLinking } })));
    }
    for (const accountLinking of [{ trustedProviders: async () => ["google"] }, { somethingNew: true }]) {
      assert.throws(() => betterAuth(opts({ account: { accountLinking } })), isRefusal("`account.accountLinking`"), JSON.stringify(accountLinking));
      captureWarn(() => betterAuth(opts({ account: { accountLinking }, advanced: { unservedOptions: ["account.accountLinking"] } })));
    }
    // the defaults, spelled out, are fine
    betterAuth(opts({ account: { accountLinking: { enabled: true, requireLocalEmailVerified: true, trustedProviders: [] } } }));
  });

  test("every other refused option: refused without the opt-in, started with it", () => {
    const cases = {
      secrets: { secrets: [{ version: 1, value: "a-rotated-secret-0123456789abcdefghij" }] },
      "verification.storeIdentifier": { verification: { storeIdentifier: "hashed" } },
      "additionalFields.validator": { user: { additionalFields: { age: { type: "number", required: false, validator: { input: {} } } } } },
      "jwt.adapter": { plugins: [baJwt({ adapter: { getJwks: async () => [], createJwk: async (k) => k } })] },
      "jwt.jwks.remoteUrl": { plugins: [baJwt({ jwks: { remoteUrl: "https://keys.example.com/jwks", keyPairConfig: { alg: "ES256" } }, jwt: { sign: async () => "x" } })] },
    };
    const refused = UNSERVED_OPTIONS.filter((r) => r.decision === "refuse").map((r) => r.key);
    assert.deepEqual(Object.keys(cases).sort(), refused.filter((k) => k !== "account.accountLinking").sort(), "a case per refused option");
    for (const [key, extra] of Object.entries(cases)) {
      assert.throws(() => betterAuth(opts(extra)), isRefusal(`\`${key}\``, `unservedOptions: ["${key}"]`), key);
      const advanced = { ...extra.advanced, unservedOptions: [key] };
      const [auth, warnings] = captureWarn(() => betterAuth(opts({ ...extra, advanced })));
      assert.equal(typeof auth.handler, "function", key);
      assert.equal(warnings.length, 1, `${key}: ${JSON.stringify(warnings)}`);
      assert.ok(warnings[0].includes(`\`${key}\``), warnings[0]);
    }
  });

  test("BETTER_AUTH_SECRETS in the environment counts as `secrets`", () => {
    process.env.BETTER_AUTH_SECRETS = "2:a-rotated-secret-0123456789abcdefghij";
    try {
      assert.throws(() => betterAuth(opts()), isRefusal("`secrets`"));
    } finally {
      delete process.env.BETTER_AUTH_SECRETS;
    }
  });

  test("cosmetic options start with one warning each, also under NODE_ENV=test", () => {
    underEachNodeEnv((env) => {
      const [, warnings] = captureWarn(() =>
        betterAuth(opts({ advanced: { trustedProxyHeaders: true }, onAPIError: { throw: true } })),
      );
      assert.equal(warnings.length, 2, `${env}: ${JSON.stringify(warnings)}`);
      assert.ok(warnings.some((w) => w.includes("`advanced.trustedProxyHeaders`")));
    });
  });

  test("plugins and options together: one error lists both", () => {
    assert.throws(() => betterAuth(opts({ plugins: [anonymous()], secrets: [{ version: 1, value: "a-rotated-secret-0123456789abcdefghij" }] })), isRefusal(`"anonymous"`, "`secrets`"));
  });
});

describe("Better Auth's own jwt() and bearer() objects are served", () => {
  test("jwt() from better-auth/plugins: /token and /jwks answer, the token verifies, its options are read", async () => {
    const auth = betterAuth(opts({ plugins: [baJwt({ jwks: { keyPairConfig: { alg: "ES256" } }, jwt: { expirationTime: "5m", definePayload: ({ user }) => ({ mail: user.email }) } })] }));
    const up = await post(auth, "/sign-up/email", { name: "J", email: "j@example.com", password: "password-123" });
    assert.equal(up.status, 200);
    const t = await get(auth, "/token", { cookie: cookieOf(up) });
    assert.equal(t.status, 200);
    const { token } = await t.json();
    const jwks = await get(auth, "/jwks");
    assert.equal(jwks.status, 200);
    const keys = await jwks.json();
    assert.equal(keys.keys[0].alg, "ES256");
    const { payload, protectedHeader } = await jose.jwtVerify(token, jose.createLocalJWKSet(keys), { issuer: BASE_URL, audience: BASE_URL });
    assert.equal(protectedHeader.alg, "ES256");
    assert.equal(payload.mail, "j@example.com");
    assert.equal(payload.exp - payload.iat, 300);
    assert.equal((await get(auth, "/token")).status, 401);
  });

  test("jwt() with no options (Better Auth keeps `options` undefined)", async () => {
    const plugin = baJwt();
    const auth = betterAuth(opts({ plugins: [plugin] }));
    const keys = await (await get(auth, "/jwks")).json();
    assert.equal(keys.keys[0].alg, "EdDSA");
  });

  test("bearer() from better-auth/plugins: set-auth-token on sign-in, and the token authenticates", async () => {
    const auth = betterAuth(opts({ plugins: [baBearer()] }));
    assert.equal((await post(auth, "/sign-up/email", { name: "B", email: "b@example.com", password: "password-123" })).status, 200);
    const r = await post(auth, "/sign-in/email", { email: "b@example.com", password: "password-123" });
    assert.equal(r.status, 200);
    const tok = r.headers.get("set-auth-token");
    assert.match(tok ?? "", /^[A-Za-z0-9]{32}\./);
    const s = await get(auth, "/get-session", { authorization: `Bearer ${tok}` });
    assert.equal((await s.json())?.user?.email, "b@example.com");
  });

  test("bearer({ requireSignature: true }) from better-auth/plugins: the option is read (a raw token is refused)", async () => {
    const auth = betterAuth(opts({ plugins: [baBearer({ requireSignature: true })] }));
    const up = await post(auth, "/sign-up/email", { name: "B", email: "b2@example.com", password: "password-123" });
    const tok = up.headers.get("set-auth-token");
    assert.equal(await (await get(auth, "/get-session", { authorization: `Bearer ${tok.split(".")[0]}` })).json(), null);
    assert.equal((await (await get(auth, "/get-session", { authorization: `Bearer ${tok}` })).json())?.user?.email, "b2@example.com");
  });
});
