// Every Better Auth option is served or named (issue 13, item 9). js/option-paths.js is one table
// of Better Auth 1.7's option paths, each `served`, `inert`, decided by an UNSERVED_OPTIONS rule,
// `unserved` (one warning naming it) or refused by the engine (`error`). These tests check that the
// table holds real Better Auth options (its own betterAuth accepts each, and the names are in its
// types), that served entries are read (an effect through auth.handler for a sample), that every
// unserved one warns exactly once by name, and that a realistic config warns about nothing.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { betterAuth as baBetterAuth } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { getMigrations } from "better-auth/db/migration";
import { admin, bearer } from "better-auth/plugins";
import { tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";
import { betterAuth } from "../index.js";

const require = createRequire(import.meta.url);
const { OPTION_PATHS, EXTENSION_PATHS, BY_PATH, INTERIOR } = require("../js/option-paths.js");
const { UNSERVED_OPTIONS } = require("../js/unserved.js");

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const API = BASE_URL + "/api/auth";
const post = (auth, p, body, headers = {}, base = API) =>
  auth.handler(new Request(base + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
const get = (auth, p, headers = {}) => auth.handler(new Request(API + p, { headers }));
const setCookies = (r) => r.headers.getSetCookie();
const cookieNamed = (r, name) => setCookies(r).find((c) => c.startsWith(name + "="));
const user = (email = "t@example.com") => ({ name: "T", email, password: "password-1234" });

const files = [];
after(() => files.forEach((f) => f.cleanup()));
function dbFile() {
  const db = tempDbFile("options-table");
  files.push(db);
  return db.file;
}
function opts(extra = {}) {
  return { secret: SECRET, baseURL: BASE_URL, database: dbFile(), ...extra, emailAndPassword: { enabled: true, ...extra.emailAndPassword } };
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

/** `{ a: { b: value } }` for "a.b". */
function nested(p, value) {
  const out = {};
  let o = out;
  const parts = p.split(".");
  parts.slice(0, -1).forEach((k) => (o = o[k] = {}));
  o[parts.at(-1)] = value;
  return out;
}

/** Deep merge of plain objects (b wins). */
function merge(a, b) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && out[k] && typeof out[k] === "object" ? merge(out[k], v) : v;
  }
  return out;
}

const fn = async () => {};
/** A value of the right type for each option path (Better Auth's types). */
const SAMPLES = {
  appName: "Sample App",
  baseURL: BASE_URL,
  basePath: "/api/auth",
  secret: SECRET,
  secrets: [{ version: 1, value: "a-rotated-secret-0123456789abcdefghij" }],
  secondaryStorage: { get: async () => null, set: fn, delete: fn },
  "emailVerification.expiresIn": 600,
  "emailAndPassword.maxPasswordLength": 64,
  "emailAndPassword.minPasswordLength": 10,
  "emailAndPassword.resetPasswordTokenExpiresIn": 600,
  "emailAndPassword.password.hash": async (p) => "h:" + p,
  "emailAndPassword.password.verify": async ({ hash, password }) => hash === "h:" + password,
  "emailAndPassword.customSyntheticUser": ({ coreFields, additionalFields, id }) => ({ ...coreFields, ...additionalFields, id }),
  socialProviders: { github: { clientId: "id", clientSecret: "secret" } },
  plugins: [],
  "user.modelName": "user",
  "user.fields": { name: "name" },
  "user.additionalFields": {},
  "user.deleteUser.deleteTokenExpiresIn": 600,
  "session.modelName": "session",
  "session.fields": { token: "token" },
  "session.additionalFields": {},
  "session.expiresIn": 3600,
  "session.updateAge": 600,
  "session.freshAge": 600,
  "session.cookieCache.maxAge": 60,
  "session.cookieCache.strategy": "compact",
  "session.cookieCache.version": "2",
  "account.modelName": "account",
  "account.fields": { password: "password" },
  "account.additionalFields": {},
  "account.accountLinking.trustedProviders": [],
  "account.storeStateStrategy": "database",
  "verification.modelName": "verification",
  "verification.fields": { value: "value" },
  "verification.additionalFields": {},
  "verification.storeIdentifier": "plain",
  trustedOrigins: ["http://localhost:4000"],
  "rateLimit.window": 60,
  "rateLimit.max": 50,
  "rateLimit.customRules": { "/sign-in/email": { window: 60, max: 5 } },
  "rateLimit.storage": "memory",
  "rateLimit.customStorage": { consume: async () => ({ allowed: true, retryAfter: null }) },
  "rateLimit.modelName": "rateLimit",
  "rateLimit.fields": { key: "rate_key" },
  "advanced.ipAddress.ipAddressHeaders": ["x-real-ip"],
  "advanced.ipAddress.ipv6Subnet": 48,
  "advanced.ipAddress.trustedProxies": ["10.0.0.1"],
  "advanced.crossSubDomainCookies.domain": "localhost",
  "advanced.crossSubDomainCookies.additionalCookies": ["extra"],
  "advanced.cookies": { session_token: { name: "sid" } },
  "advanced.defaultCookieAttributes": { sameSite: "strict" },
  "advanced.cookiePrefix": "myapp",
  "advanced.database.generateId": "uuid",
  "advanced.generateId": () => crypto.randomUUID(),
  "advanced.database.defaultFindManyLimit": 50,
  "advanced.backgroundTasks.handler": () => {},
  "logger.level": "error",
  "logger.log": () => {},
  "onAPIError.errorURL": "/oops",
  "onAPIError.customizeDefaultErrorPage": { colors: { background: "#000" } },
  "hooks.before": createAuthMiddleware(async () => {}),
  "hooks.after": createAuthMiddleware(async () => {}),
  disabledPaths: ["/sign-up/email"],
};
const FUNCTION_KEY = /^(send|on[A-Z]|before|after|validateUserInfo|hash|verify|log|handler)/;
function sampleFor(p) {
  if (p in SAMPLES) return SAMPLES[p];
  if (p.startsWith("databaseHooks.")) return fn;
  const last = p.split(".").at(-1);
  if (FUNCTION_KEY.test(last)) return fn;
  return true;
}

describe("the table", () => {
  const STATUSES = ["served", "inert", "rule", "unserved", "error"];

  test("every entry is well-formed: a unique dotted path, a known status, a reason or rule for what is not served", () => {
    const seen = new Set();
    for (const e of OPTION_PATHS) {
      assert.match(e.path, /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, e.path);
      assert.ok(!seen.has(e.path), `duplicate ${e.path}`);
      seen.add(e.path);
      assert.ok(STATUSES.includes(e.status), `${e.path}: ${e.status}`);
      if (e.status === "served") assert.equal(typeof e.where, "string", e.path);
      if (e.status === "inert" || e.status === "unserved" || e.status === "error") assert.ok(typeof e.reason === "string" && e.reason.length > 20, e.path);
      if (e.status === "rule") assert.ok(UNSERVED_OPTIONS.some((r) => r.key === e.rule), `${e.path}: no rule ${e.rule}`);
      if (e.harmless) assert.ok(Array.isArray(e.harmless) && e.status === "unserved", e.path);
      // entries are leaves: no entry lies below another
      assert.ok(!INTERIOR.has(e.path), `${e.path} is both an entry and a prefix of one`);
    }
    for (const p of EXTENSION_PATHS) assert.ok(!BY_PATH.has(p), `${p}: an extension is not a Better Auth option`);
    // the paths the brief names are all there
    for (const p of ["session.cookieCache.strategy", "emailAndPassword.password.hash", "advanced.database.generateId", "rateLimit.customRules", "telemetry.enabled", "secondaryStorage", "socialProviders", "plugins", "trustedOrigins", "disabledPaths", "logger.log", "hooks.before", "databaseHooks.session.delete.after", "onAPIError.onError", "experimental.instrumentation.enabled", "verification.storeIdentifier", "user.changeEmail.enabled", "account.accountLinking.trustedProviders"]) {
      assert.ok(BY_PATH.has(p), p);
    }
  });

  test("every rule in UNSERVED_OPTIONS about a core option is reached from the table", () => {
    const fromTable = new Set(OPTION_PATHS.filter((e) => e.status === "rule").map((e) => e.rule));
    for (const r of UNSERVED_OPTIONS) {
      if (r.key.startsWith("jwt.") || r.key.startsWith("additionalFields.")) continue; // plugin options, field attributes
      assert.ok(fromTable.has(r.key), r.key);
    }
  });

  test("every path is named in Better Auth 1.7's option types", () => {
    const core = path.join(ROOT, "node_modules/@better-auth/core/dist");
    const types = fs.readFileSync(path.join(core, "types/init-options.d.mts"), "utf8") + fs.readFileSync(path.join(core, "env/logger.d.mts"), "utf8");
    for (const e of OPTION_PATHS) {
      for (const seg of e.path.split(".")) {
        if (["user", "session", "account", "verification"].includes(seg) && e.path.startsWith("databaseHooks.")) continue;
        assert.ok(new RegExp(`\\b${seg}\\??:`).test(types), `${e.path}: \`${seg}\` is not in BetterAuthOptions`);
      }
    }
  });

  test("docs/COMPATIBILITY.md names every option that is not served, inert or refused by the engine", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/COMPATIBILITY.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Plugins and options not served"), doc.indexOf("## Plugins: admin and username"));
    for (const e of OPTION_PATHS.filter((x) => ["unserved", "inert", "error"].includes(x.status))) {
      const parts = e.path.split(".");
      const parent = parts.slice(0, -1).join(".");
      const last = parts.at(-1);
      // `a.b.c`, or `a.b.{c,d}`
      const named = section.includes("`" + e.path + "`") || new RegExp("`" + parent.replace(/\./g, "\\.") + "\\.\\{[^}]*\\b" + last + "\\b[^}]*\\}`").test(section);
      assert.ok(named, e.path);
    }
  });

  test("every served leaf is read somewhere in src/ or js/", () => {
    const sources = [];
    const walk = (dir) => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else if (/\.(rs|js)$/.test(d.name) && d.name !== "option-paths.js") sources.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(path.join(ROOT, "src"));
    walk(path.join(ROOT, "js"));
    const all = sources.join("\n");
    for (const e of OPTION_PATHS.filter((x) => x.status === "served")) {
      const last = e.path.split(".").at(-1);
      assert.ok(new RegExp(`["'.\`]${last}\\b`).test(all), `${e.path}: \`${last}\` is read nowhere`);
    }
  });
});

describe("Better Auth itself accepts every path in the table", () => {
  test("betterAuth() from better-auth starts with each path set (its tables migrated), and answers /ok", async () => {
    for (const e of OPTION_PATHS) {
      const sqlite = new Database(":memory:");
      try {
        const options = merge(
          { secret: SECRET, baseURL: BASE_URL, logger: { disabled: true }, emailAndPassword: { enabled: true } },
          e.path === "database" ? {} : nested(e.path, sampleFor(e.path)),
        );
        options.database = sqlite;
        await (await getMigrations(options)).runMigrations();
        const auth = baBetterAuth(options);
        await auth.$context;
        const r = await auth.handler(new Request(API + "/ok"));
        assert.equal(r.status, 200, e.path);
      } catch (err) {
        err.message = `${e.path}: ${err.message}`;
        throw err;
      } finally {
        sqlite.close();
      }
    }
  });
});

describe("served options have their effect", () => {
  test("session.expiresIn → the session cookie's Max-Age", async () => {
    const r = await post(betterAuth(opts({ session: { expiresIn: 3600 } })), "/sign-up/email", user());
    assert.equal(r.status, 200);
    assert.match(cookieNamed(r, "better-auth.session_token"), /Max-Age=3600/);
  });

  test("emailAndPassword.minPasswordLength / maxPasswordLength → 400 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG", async () => {
    const auth = betterAuth(opts({ emailAndPassword: { minPasswordLength: 14, maxPasswordLength: 16 } }));
    const short = await post(auth, "/sign-up/email", { ...user("s@example.com"), password: "password-1234" });
    assert.equal(short.status, 400);
    assert.equal((await short.json()).code, "PASSWORD_TOO_SHORT");
    const long = await post(auth, "/sign-up/email", { ...user("l@example.com"), password: "password-12345678" });
    assert.equal(long.status, 400);
    assert.equal((await long.json()).code, "PASSWORD_TOO_LONG");
    assert.equal((await post(auth, "/sign-up/email", { ...user("ok@example.com"), password: "password-12345" })).status, 200);
  });

  test("advanced.cookiePrefix → the cookie names", async () => {
    const r = await post(betterAuth(opts({ advanced: { cookiePrefix: "myapp" } })), "/sign-up/email", user());
    assert.ok(cookieNamed(r, "myapp.session_token"), JSON.stringify(setCookies(r)));
  });

  test("user.modelName and user.fields → the table and column names", async () => {
    const file = dbFile();
    const auth = betterAuth(opts({ database: file, user: { modelName: "members", fields: { name: "full_name" } } }));
    assert.equal((await post(auth, "/sign-up/email", user())).status, 200);
    const db = new Database(file, { readonly: true });
    try {
      assert.deepEqual(db.prepare("select full_name from members").all(), [{ full_name: "T" }]);
    } finally {
      db.close();
    }
  });

  test("basePath → the routes move", async () => {
    const auth = betterAuth(opts({ basePath: "/auth" }));
    assert.equal((await post(auth, "/sign-up/email", user(), {}, BASE_URL + "/auth")).status, 200);
    assert.equal((await post(auth, "/sign-up/email", user("b@example.com"))).status, 404);
  });

  test("disabledPaths → 404 for the disabled endpoint", async () => {
    const auth = betterAuth(opts({ disabledPaths: ["/sign-up/email"] }));
    assert.equal((await post(auth, "/sign-up/email", user())).status, 404);
  });

  test("emailAndPassword.disableSignUp → sign-up refused", async () => {
    const r = await post(betterAuth(opts({ emailAndPassword: { disableSignUp: true } })), "/sign-up/email", user());
    assert.equal(r.status, 400);
    assert.equal((await r.json()).code, "EMAIL_PASSWORD_SIGN_UP_DISABLED");
  });

  test("emailAndPassword.autoSignIn: false → no session at sign-up", async () => {
    const r = await post(betterAuth(opts({ emailAndPassword: { autoSignIn: false } })), "/sign-up/email", user());
    assert.equal(r.status, 200);
    assert.equal((await r.json()).token, null);
    assert.equal(cookieNamed(r, "better-auth.session_token"), undefined);
  });

  test("advanced.database.generateId: \"uuid\" → UUID ids", async () => {
    const r = await post(betterAuth(opts({ advanced: { database: { generateId: "uuid" } } })), "/sign-up/email", user());
    assert.match((await r.json()).user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("session.cookieCache.enabled / maxAge → a session_data cookie with that Max-Age", async () => {
    const r = await post(betterAuth(opts({ session: { cookieCache: { enabled: true, maxAge: 90 } } })), "/sign-up/email", user());
    assert.match(cookieNamed(r, "better-auth.session_data") ?? "", /Max-Age=90/);
  });

  test("advanced.useSecureCookies → __Secure- cookies", async () => {
    const r = await post(betterAuth(opts({ advanced: { useSecureCookies: true } })), "/sign-up/email", user());
    assert.match(cookieNamed(r, "__Secure-better-auth.session_token") ?? "", /Secure/);
  });

  test("advanced.defaultCookieAttributes → the attribute on every cookie", async () => {
    const r = await post(betterAuth(opts({ advanced: { defaultCookieAttributes: { sameSite: "strict" } } })), "/sign-up/email", user());
    assert.match(cookieNamed(r, "better-auth.session_token"), /SameSite=Strict/i);
  });

  test("hooks.before and databaseHooks.user.create.before are called", async () => {
    const paths = [];
    const auth = betterAuth(opts({
      hooks: { before: createAuthMiddleware(async (ctx) => void paths.push(ctx.path)) },
      databaseHooks: { user: { create: { before: async (u) => ({ data: { ...u, name: "Renamed" } }) } } },
    }));
    const r = await post(auth, "/sign-up/email", user());
    assert.equal((await r.json()).user.name, "Renamed");
    assert.deepEqual(paths, ["/sign-up/email"]);
  });

  test("emailAndPassword.password.hash / verify → the app's functions hash and check", async () => {
    const auth = betterAuth(opts({ emailAndPassword: { password: { hash: SAMPLES["emailAndPassword.password.hash"], verify: SAMPLES["emailAndPassword.password.verify"] } } }));
    assert.equal((await post(auth, "/sign-up/email", user())).status, 200);
    assert.equal((await post(auth, "/sign-in/email", { email: "t@example.com", password: "password-1234" })).status, 200);
    assert.equal((await post(auth, "/sign-in/email", { email: "t@example.com", password: "password-12345" })).status, 401);
  });

  test("rateLimit.enabled / window / max → 429 past the limit", async () => {
    const auth = betterAuth(opts({ rateLimit: { enabled: true, window: 60, max: 2 } }));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(auth, "/ok", { "x-forwarded-for": "203.0.113.9" })).status);
    assert.deepEqual(statuses, [200, 200, 429]);
  });

  test("appName → the error page's title", async () => {
    const r = await get(betterAuth(opts({ appName: "Acme Widgets" })), "/error?error=X");
    assert.match(await r.text(), /Acme Widgets/);
  });

  test("user.additionalFields → the field is stored and returned", async () => {
    const auth = betterAuth(opts({ user: { additionalFields: { plan: { type: "string", defaultValue: "free" } } } }));
    const r = await post(auth, "/sign-up/email", user());
    assert.equal((await r.json()).user.plan, "free");
  });
});

describe("known options this version does not serve warn once, by name", () => {
  const unservedEntries = OPTION_PATHS.filter((e) => e.status === "unserved");

  for (const e of unservedEntries) {
    test(`${e.path}: one warning naming it; the instance starts`, () => {
      let value = sampleFor(e.path);
      if (e.harmless?.includes(value)) value = typeof value === "boolean" ? !value : value;
      assert.ok(!e.harmless?.includes(value));
      const [auth, warnings] = captureWarn(() => betterAuth(opts(nested(e.path, value))));
      assert.equal(typeof auth.handler, "function");
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.ok(warnings[0].startsWith(`[better-auth-rs] option \`${e.path}\` is not served by this version and is IGNORED: ${e.reason}`), warnings[0]);
    });
  }

  test("a harmless value (one that asks for what this version does) does not warn", () => {
    for (const e of unservedEntries.filter((x) => x.harmless)) {
      for (const h of e.harmless) {
        const [, warnings] = captureWarn(() => betterAuth(opts(nested(e.path, h))));
        assert.deepEqual(warnings, [], `${e.path}: ${JSON.stringify(h)}`);
      }
    }
  });

  test("inert options start quietly", () => {
    for (const e of OPTION_PATHS.filter((x) => x.status === "inert")) {
      const [, warnings] = captureWarn(() => betterAuth(opts(nested(e.path, sampleFor(e.path)))));
      assert.deepEqual(warnings, [], e.path);
    }
  });

  test("several at once: one warning each, in one start", () => {
    const [, warnings] = captureWarn(() =>
      betterAuth(opts({
        advanced: { database: { defaultFindManyLimit: 10, validateSchema: true } },
        onAPIError: { customizeDefaultErrorPage: {}, throw: true },
      })),
    );
    assert.equal(warnings.length, 4, JSON.stringify(warnings));
    for (const p of ["advanced.database.defaultFindManyLimit", "advanced.database.validateSchema", "onAPIError.customizeDefaultErrorPage", "onAPIError"]) {
      assert.equal(warnings.filter((w) => w.includes(`\`${p}\``)).length, 1, p);
    }
  });

  test("an option a rule covers is warned about by the rule only (no second warning)", () => {
    const [, warnings] = captureWarn(() => betterAuth(opts({ onAPIError: { errorURL: "/oops", throw: true }, advanced: { trustedProxyHeaders: true } })));
    assert.equal(warnings.length, 2, JSON.stringify(warnings));
  });

  test("verification.storeInDatabase: false with secondaryStorage warns (a rule); without it, it is what happens anyway", () => {
    const secondaryStorage = SAMPLES.secondaryStorage;
    const [, warnings] = captureWarn(() => betterAuth(opts({ secondaryStorage, verification: { storeInDatabase: false } })));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0], /`verification.storeInDatabase`.*IGNORED/);
    for (const extra of [{ verification: { storeInDatabase: false } }, { secondaryStorage, verification: { storeInDatabase: true } }]) {
      assert.deepEqual(captureWarn(() => betterAuth(opts(extra)))[1], []);
    }
  });

  test("verification.additionalFields: the engine refuses it, naming it", () => {
    assert.throws(() => betterAuth(opts({ verification: { additionalFields: { x: { type: "string" } } } })), /verification\.additionalFields/);
  });

  test("warnings go through the logger option", () => {
    const logs = [];
    const [, warnings] = captureWarn(() => betterAuth(opts({ advanced: { database: { validateSchema: true } }, logger: { log: (level, message) => logs.push([level, message]) } })));
    assert.deepEqual(warnings, []);
    assert.equal(logs.length, 1);
    assert.equal(logs[0][0], "warn");
    assert.match(logs[0][1], /`advanced.database.validateSchema`/);
    assert.deepEqual(captureWarn(() => betterAuth(opts({ advanced: { database: { validateSchema: true } }, logger: { disabled: true } })))[1], []);
  });

  test("paths Better Auth does not know are not judged (typos, extensions); a key off only by letter case gets a did-you-mean", () => {
    const [, quiet] = captureWarn(() =>
      betterAuth(opts({
        emailAndPassword: { minPasswordLenght: 3, accountLockout: { maxFailedAttempts: 5 }, password: { algorithm: "scrypt" } },
        advanced: { hashConcurrency: 2, maxBodySize: 1 << 20, callbackTimeout: 1000, ipAddress: { trustedProxyCount: 1 } },
        autoMigrate: true,
        myOwnThing: { a: 1 },
        session: { cookieCache: { whatever: 1 } },
      })),
    );
    assert.deepEqual(quiet, []);
    const [, warnings] = captureWarn(() => betterAuth(opts({ advanced: { disableCsrfCheck: true } })));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0], /`advanced.disableCsrfCheck` is not a Better Auth option.*did you mean `advanced.disableCSRFCheck`\?/);
  });

  test("functions, arrays and class instances are leaves: nothing inside them is walked", () => {
    class Store {
      constructor() {
        this.fields = { key: "k" };
      }
      async get() {
        return null;
      }
      async set() {}
      async delete() {}
    }
    const hook = Object.assign(async () => {}, { fields: 1 });
    const [, warnings] = captureWarn(() => betterAuth(opts({ secondaryStorage: new Store(), databaseHooks: { user: { create: { before: hook } } }, trustedOrigins: [{ fields: 1 }].map(() => "http://a.test") })));
    assert.deepEqual(warnings, []);
  });
});

describe("a realistic app config", () => {
  test("only served options: zero warnings", async () => {
    const sent = [];
    const config = opts({
      appName: "Acme",
      basePath: "/api/auth",
      trustedOrigins: ["http://localhost:3000", "https://app.acme.test"],
      disabledPaths: ["/delete-user/callback"],
      emailAndPassword: {
        enabled: true,
        requireEmailVerification: false,
        minPasswordLength: 10,
        maxPasswordLength: 100,
        autoSignIn: true,
        revokeSessionsOnPasswordReset: true,
        resetPasswordTokenExpiresIn: 1800,
        sendResetPassword: async (d) => void sent.push(d.url),
        onPasswordReset: async () => {},
      },
      emailVerification: { sendOnSignUp: true, autoSignInAfterVerification: true, expiresIn: 7200, sendVerificationEmail: async (d) => void sent.push(d.url) },
      user: {
        modelName: "users",
        additionalFields: { plan: { type: "string", defaultValue: "member", input: false } },
        changeEmail: { enabled: true, sendChangeEmailConfirmation: async () => {} },
        deleteUser: { enabled: true, beforeDelete: async () => {} },
      },
      session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24, freshAge: 600, cookieCache: { enabled: true, maxAge: 300, strategy: "jwe" } },
      account: { accountLinking: { enabled: true }, fields: { password: "password" } },
      rateLimit: { enabled: true, window: 60, max: 200, customRules: { "/sign-in/email": { window: 10, max: 5 }, "/get-session": false } },
      advanced: {
        cookiePrefix: "acme",
        useSecureCookies: false,
        database: { generateId: "uuid" },
        ipAddress: { ipAddressHeaders: ["x-forwarded-for"], trustedProxies: ["127.0.0.1"] },
        defaultCookieAttributes: { sameSite: "lax" },
        disableCSRFCheck: false,
      },
      hooks: { before: createAuthMiddleware(async () => {}) },
      databaseHooks: { user: { create: { after: async () => {} } }, session: { create: { before: async () => {} } } },
      logger: { level: "warn" },
      telemetry: { enabled: false },
      experimental: { instrumentation: { enabled: false } },
      verification: { disableCleanup: true },
      plugins: [admin(), bearer()],
    });
    const [auth, warnings] = captureWarn(() => betterAuth(config));
    assert.deepEqual(warnings, []);
    const r = await post(auth, "/sign-up/email", user("real@example.com"));
    assert.equal(r.status, 200);
    assert.equal((await r.json()).user.plan, "member");
    assert.ok(cookieNamed(r, "acme.session_token"));
  });
});
