"use strict";
/**
 * `betterAuth(options)`: splits the options into plain data for the Rust engine, and wraps the
 * engine's two doors — `handler(Request)` and `api.<name>(input)` — in Better Auth's shapes.
 * Nothing about auth is decided here.
 */
const { loadBinding } = require("./binding-loader.js");
const { APIError, BASE_ERROR_CODES, API_ERROR_HEADERS } = require("./errors.js");
const { flattenHeaders, toHeaders, fromRequest, toResponse } = require("./request.js");
const { collectCallbacks, markFunctions, makeDispatcher } = require("./callbacks.js");
const { checkUnserved } = require("./unserved.js");
const { nextCookiesIntegration } = require("./next-cookies.js");
const { createLogger } = require("./logger.js");
const { makeAdapter, adapterRunner, plain: plainRow } = require("./adapter-bridge.js");

const ENV_KEYS = [
  "NODE_ENV", "TEST", "BETTER_AUTH_SECRET", "AUTH_SECRET", "BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL",
  "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL",
  "BETTER_AUTH_TRUSTED_ORIGINS",
];

/** Keys of `user`/`session` objects that `auth.api` returns as `Date`s. */
const CORE_DATE_KEYS = ["createdAt", "updatedAt", "expiresAt"];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function reviveDates(value, keys = new Set(CORE_DATE_KEYS)) {
  if (Array.isArray(value)) return value.map((v) => reviveDates(v, keys));
  if (value && typeof value === "object") {
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (keys.has(k) && typeof v === "string" && ISO.test(v)) value[k] = new Date(v);
      else if (v && typeof v === "object") value[k] = reviveDates(v, keys);
    }
  }
  return value;
}

const { nodeSessionHeaders } = require("./node.js");
const { isBetterSqlite3, isNodeSqlite, handleName } = require("./sqlite-handle.js");

function enc(v) {
  return encodeURIComponent(String(v));
}

/** A `pg` Pool/Client config → a postgres:// URL. */
function pgUrl(cfg) {
  const withOptions = (url) => (cfg.options ? url + (url.includes("?") ? "&" : "?") + "options=" + enc(cfg.options) : url);
  if (cfg.connectionString) return withOptions(cfg.connectionString);
  const user = cfg.user ?? process.env.PGUSER ?? "postgres";
  const password = cfg.password ?? process.env.PGPASSWORD;
  const host = cfg.host ?? process.env.PGHOST ?? "localhost";
  const port = cfg.port ?? process.env.PGPORT ?? 5432;
  const database = cfg.database ?? process.env.PGDATABASE ?? user;
  const auth = enc(user) + (password ? ":" + enc(typeof password === "function" ? "" : password) : "");
  const params = [];
  if (cfg.ssl) params.push("sslmode=require");
  if (String(host).startsWith("/")) {
    params.push("host=" + enc(host));
    return withOptions(`postgres://${auth}@localhost:${port}/${enc(database)}${params.length ? "?" + params.join("&") : ""}`);
  }
  return withOptions(`postgres://${auth}@${host}:${port}/${enc(database)}${params.length ? "?" + params.join("&") : ""}`);
}

/** A mysql2 connection config → a mysql:// URL. */
function mysqlUrl(cfg) {
  if (cfg.uri) return cfg.uri;
  const auth = enc(cfg.user ?? "root") + (cfg.password ? ":" + enc(cfg.password) : "");
  const params = cfg.socketPath ? "?socket=" + enc(cfg.socketPath) : "";
  return `mysql://${auth}@${cfg.host ?? "localhost"}:${cfg.port ?? 3306}/${enc(cfg.database ?? "")}${params}`;
}

function isPgPool(db) {
  return db && typeof db === "object" && typeof db.query === "function" && typeof db.connect === "function" && db.options && typeof db.options === "object";
}

function mysql2Config(db) {
  // mysql2 Pool (callback or promise API)
  const pool = db && (db.pool && db.pool.config ? db.pool : db);
  if (pool && pool.config && pool.config.connectionConfig) {
    return { conn: pool.config.connectionConfig, limit: pool.config.connectionLimit };
  }
  return null;
}

/** The `database` option as plain data: a URL or { provider, url, maxConnections }. */
function plainDatabase(db) {
  if (db === undefined || db === null || typeof db === "string") return db;
  if (db instanceof URL) return db.toString();
  if (isBetterSqlite3(db) || isNodeSqlite(db)) {
    // used, not just named: every statement runs through this object (js/sqlite-handle.js)
    return { provider: "sqlite", url: handleName(db), handle: isBetterSqlite3(db) ? "better-sqlite3" : "node:sqlite" };
  }
  if (isPgPool(db)) return { provider: "postgresql", url: pgUrl(db.options), maxConnections: db.options.max };
  const my = mysql2Config(db);
  if (my) return { provider: "mysql", url: mysqlUrl(my.conn), maxConnections: my.limit };
  if (typeof db === "object" && db.pool) {
    // seed-style { provider: "postgresql" | "mysql", pool }
    const inner = plainDatabase(db.pool);
    if (inner && typeof inner === "object") return { ...inner, provider: db.provider ?? inner.provider };
  }
  if (typeof db === "object" && (typeof db.provider === "string" || typeof db.url === "string" || typeof db.type === "string")) {
    return {
      provider: db.provider ?? db.type,
      url: db.url ?? db.connectionString,
      maxConnections: db.maxConnections ?? db.poolSize ?? db.max,
    };
  }
  if (typeof db === "function") {
    // a Better Auth adapter (drizzleAdapter(db, …), prismaAdapter, …): betterAuth() calls it
    // and the engine's storage goes through the DBAdapter it returns (js/adapter-bridge.js)
    return { adapter: "adapter" };
  }
  throw new TypeError("better-auth-rs: option `database`: unsupported value; pass a connection URL, an SQLite path, { provider, url }, a pg Pool, a mysql2 pool, a better-sqlite3 Database or a Better Auth adapter (drizzleAdapter(db, …), prismaAdapter(…), …)");
}

/**
 * Options as plain JSON for the engine. Throws for forms this version cannot serve. Plugins
 * are sent as `{ id, options }` (ours and Better Auth's objects alike); `ignoredPlugins` (ids
 * the app listed in `advanced.unservedPlugins`) are left out.
 */
/** Better Auth's core fields per model (what `<model>.fields` may rename). */
const CORE_FIELDS = {
  user: ["id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"],
  session: ["id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"],
  account: ["id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt"],
  verification: ["id", "identifier", "value", "expiresAt", "createdAt", "updatedAt"],
};

/**
 * `<model>.fields` without entries for fields the schema does not have (e.g. `account.fields.issuer`,
 * a column Better Auth dropped in 1.7.3): Better Auth ignores them; we warn once per key.
 */
function withoutStaleFieldMappings(plain) {
  for (const [model, core] of Object.entries(CORE_FIELDS)) {
    const fields = plain[model]?.fields;
    if (!fields || typeof fields !== "object") continue;
    const stale = Object.keys(fields).filter((k) => !core.includes(k));
    if (stale.length === 0) continue;
    for (const k of stale) {
      createLogger(plain).warn(`[better-auth-rs] option \`${model}.fields.${k}\` renames a field ${model} does not have; it is ignored (as Better Auth ignores it)`);
    }
    plain[model] = { ...plain[model], fields: Object.fromEntries(Object.entries(fields).filter(([k]) => core.includes(k))) };
  }
  return plain;
}

function plainOptions(options, ignoredPlugins = new Set()) {
  if (options == null) return {};
  if (typeof options !== "object") throw new TypeError("better-auth-rs: betterAuth(options) expects an object");
  const plain = withoutStaleFieldMappings({ ...options });
  plain.database = plainDatabase(options.database);
  if (Array.isArray(options.plugins)) {
    plain.plugins = options.plugins
      .filter((p) => !(p && ignoredPlugins.has(p.id)))
      .map((p) => (p && typeof p === "object" ? { id: p.id, options: p.options ?? {} } : p));
  }
  return plain;
}

function envSnapshot() {
  const env = {};
  for (const k of ENV_KEYS) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

const NO_SESSION_FLAGS = Object.freeze({ disableCookieCache: false, disableRefresh: false });

/**
 * getSession's query flags as the endpoint reads them (`z.coerce.boolean()` over the query
 * strings `toQueryObject` makes), or `null` when the query holds anything else.
 */
function sessionFlags(query) {
  if (query == null) return NO_SESSION_FLAGS;
  const q = toQueryObject(query);
  const flags = { disableCookieCache: false, disableRefresh: false };
  for (const k of Object.keys(q)) {
    if (k !== "disableCookieCache" && k !== "disableRefresh") return null;
    flags[k] = Array.isArray(q[k]) || q[k] !== "";
  }
  return flags;
}

function toQueryObject(query) {
  if (query == null) return null;
  const out = {};
  const entries = query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
    else if (typeof v === "string") out[k] = v;
    else if (typeof v === "boolean") out[k] = v ? "true" : "";
    else out[k] = String(v);
  }
  return out;
}

function errorFromNative(r) {
  const body = r.body && r.body !== "null" ? JSON.parse(r.body) : undefined;
  const numeric = /^\d+$/.test(r.statusName);
  const err = new APIError(numeric ? Number(r.statusName) : r.statusName, body, {}, r.status);
  Object.defineProperty(err, API_ERROR_HEADERS, { value: toHeaders(r.headers), enumerable: false });
  return err;
}

function apiResultToResponse(r) {
  const headers = toHeaders(r.headers);
  if (r.kind === "redirect") {
    headers.set("location", r.body);
    headers.set("content-type", "application/json");
    return new Response(null, { status: 302, statusText: "FOUND", headers });
  }
  if (r.kind === "html") {
    headers.set("content-type", "text/html");
    return new Response(r.body, { status: 200, headers });
  }
  headers.set("content-type", "application/json");
  if (r.kind === "error") {
    const empty = !r.body || r.body === "null";
    const statusText = r.status === 500 && empty ? "Internal Server Error" : r.statusName;
    return new Response(empty ? null : r.body, { status: r.status, statusText, headers });
  }
  return new Response(r.body, { status: 200, headers });
}

let deprecationWarned = false;

/**
 * Better Auth's one-time `[Deprecation]` warning: `disableOriginCheck: true` without
 * `disableCSRFCheck` also turns the CSRF checks off (Better Auth prints it at the first request
 * that relies on it; we print it once per process when such an instance is created).
 */
function warnDeprecatedOriginCheck(options) {
  const adv = options && options.advanced;
  if (deprecationWarned || !adv || adv.disableOriginCheck !== true || adv.disableCSRFCheck !== undefined) return;
  deprecationWarned = true;
  console.warn("[Deprecation] disableOriginCheck: true currently also disables CSRF checks. In a future version, disableOriginCheck will ONLY disable URL validation. To keep CSRF disabled, add disableCSRFCheck: true to your config.");
}

/**
 * Creates an auth instance, as Better Auth's `betterAuth`.
 * @param {import("../index").BetterAuthOptions} options
 */
function betterAuth(options = {}) {
  options = require("./social.js").resolveSocialProviders(options);
  // fail closed before anything opens: an ignored plugin or option can drop a check
  const { warnings, ignoredPlugins } = checkUnserved(options);
  const { NativeAuth } = loadBinding();
  const plain = markFunctions(plainOptions(options, ignoredPlugins), options);
  // `database` as an adapter function: called once with the options, as Better Auth does
  const adapter = typeof options.database === "function" ? makeAdapter(options.database, options) : null;
  if (adapter) plain.database = { adapter: typeof adapter.id === "string" && adapter.id ? adapter.id : "adapter" };
  let dateKeys = new Set(CORE_DATE_KEYS);
  // what hooks find in `ctx.context` besides the per-call values (filled in once the engine exists)
  const hookExtras = { context: {} };
  warnDeprecatedOriginCheck(options);
  const callbacks = collectCallbacks(options, (v) => reviveDates(v, dateKeys), hookExtras);
  if (adapter) callbacks.set("adapter.run", adapterRunner(adapter));
  let native;
  try {
    native = callbacks.size
      ? new NativeAuth(JSON.stringify(plain), JSON.stringify(envSnapshot()), makeDispatcher(callbacks, (v) => reviveDates(v, dateKeys), hookExtras), [...callbacks.keys()])
      : new NativeAuth(JSON.stringify(plain), JSON.stringify(envSnapshot()));
  } catch (e) {
    const err = new Error(e && e.message ? e.message : String(e));
    err.name = "BetterAuthError";
    throw err;
  }
  const logger = createLogger(options);
  for (const w of warnings) logger.warn(w);
  // nextCookies(): auth.api calls write their Set-Cookie through Next's cookies() (js/next-cookies.js)
  const nextCookies = nextCookiesIntegration(options);
  if (nextCookies?.warning) logger.warn(nextCookies.warning);
  dateKeys = new Set([...CORE_DATE_KEYS, ...native.dateFields]);
  // answers the engine hands over as objects revive the same keys
  native.setDateKeys([...dateKeys]);
  // Better Auth's `ctx.context.internalAdapter`, the methods hooks commonly call
  const internalAdapter = {};
  for (const m of native.internalAdapterMethods) {
    internalAdapter[m] = async (...args) => reviveDates(JSON.parse(await native.internalAdapter(m, JSON.stringify(args === undefined ? [] : args))), dateKeys);
  }
  Object.assign(hookExtras.context, {
    appName: options.appName ?? "Better Auth",
    options,
    baseURL: native.baseOrigin ? native.baseOrigin + native.basePath : undefined,
    internalAdapter,
  });
  if (native.secretIsDefault && process.env.NODE_ENV !== "test" && !process.env.TEST) {
    logger.warn("[better-auth-rs] using the default development secret; set BETTER_AUTH_SECRET (or `secret`) before going to production");
  }

  const handler = async (request) => {
    const r = await fromRequest(request);
    return toResponse(await native.handle(r.method, r.url, r.headers, r.body));
  };

  const endpoint = (name) => async (input) => {
    const ctx = input ?? {};
    const { body, params, request, method, asResponse, returnHeaders, returnStatus } = ctx;
    let headers = ctx.headers;
    let query = ctx.query;
    if (nextCookies && name === "getSession") query = await nextCookies.getSessionQuery(query);
    if (headers === undefined && request) headers = request.headers;
    // getSession answered at once on this thread when the engine can do it without waiting and
    // without a header to send (a cookie-cache hit, or a live session read from an SQLite file
    // the engine reads itself): no thread hand-off. Anything else (refresh due, no session,
    // busy database, hooks, other backends) takes the full endpoint below.
    if (name === "getSession" && headers != null && !request && !asResponse && !returnHeaders && !returnStatus
      && (method === undefined || method === null || String(method).toUpperCase() === "GET")) {
      const flags = sessionFlags(query);
      if (flags !== null) {
        // fromNodeHeaders' Headers: read from the node object, nothing copied
        let pair = headers instanceof Headers ? nodeSessionHeaders(headers) : undefined;
        if (pair === undefined) {
          const h = headers instanceof Headers ? headers : new Headers(headers);
          pair = [h.get("cookie") ?? undefined, h.get("authorization") ?? undefined];
        }
        // objects with their Dates (what JSON.parse + reviveDates make of the endpoint's text),
        // null for no session, undefined when the full endpoint must answer
        const now = native.getSessionNow(pair[0], pair[1], flags.disableCookieCache, flags.disableRefresh);
        if (typeof now === "string") {
          // through a Better Auth adapter: the engine checked the cookie and names the session
          // token; it is read here with the adapter's own call (Better Auth's findSession), and
          // the engine decides from the row (an expired session, a refresh due or no row: the
          // full endpoint, which writes and sets cookies)
          if (adapter) {
            let row;
            try {
              row = await adapter.findOne({ model: "session", where: [{ value: now, field: "token" }], join: { user: true } });
            } catch {
              row = undefined; // the full endpoint reports it
            }
            if (row !== undefined) {
              const answer = native.getSessionNow(pair[0], pair[1], flags.disableCookieCache, flags.disableRefresh, JSON.stringify(plainRow(row)));
              if (answer !== undefined && typeof answer !== "string") return answer;
            }
          }
        } else if (now !== undefined) return now;
      }
    }
    const r = await native.api(
      name,
      headers === undefined || headers === null ? null : flattenHeaders(headers),
      body === undefined ? null : JSON.stringify(body),
      query == null ? null : JSON.stringify(toQueryObject(query)),
      method ?? (request ? request.method : null),
      !!request,
      params == null ? null : JSON.stringify(params),
    );
    if (nextCookies) await nextCookies.forward(r.headers);
    const wantResponse = asResponse ?? !!request;
    if (wantResponse) return apiResultToResponse(r);
    if (r.kind === "error") throw errorFromNative(r);
    if (r.kind === "redirect") {
      const err = new APIError("FOUND", undefined, new Headers({ location: r.body }), 302);
      Object.defineProperty(err, API_ERROR_HEADERS, { value: toHeaders(r.headers), enumerable: false });
      throw err;
    }
    const response = r.kind === "json" ? reviveDates(JSON.parse(r.body), dateKeys) : r.body;
    if (returnHeaders) {
      return returnStatus ? { headers: toHeaders(r.headers), response, status: undefined } : { headers: toHeaders(r.headers), response };
    }
    if (returnStatus) return { response, status: undefined };
    return response;
  };

  const api = {};
  for (const name of native.apiNames) api[name] = endpoint(name);
  // The client's shape, as aliases: auth.api.signUp.email(...), auth.api.signIn.email(...)
  api.signUp = { email: api.signUpEmail };
  api.signIn = { email: api.signInEmail };

  let contextPromise;
  const context = () => {
    if (!contextPromise) {
      contextPromise = native.init().then(() => ({
        appName: options.appName ?? "Better Auth",
        baseURL: native.baseOrigin ? native.baseOrigin + native.basePath : undefined,
        options: { ...options, basePath: native.basePath, baseURL: native.baseOrigin ?? undefined },
        runMigrations: () => native.migrate().then(() => undefined),
        generateMigrations: () => native.generate(),
      }));
    }
    return contextPromise;
  };

  const auth = {
    handler,
    fetch: handler,
    api,
    options,
    get $context() {
      return context();
    },
    // Better Auth merges each plugin's `$ERROR_CODES` (admin's ADMIN_ERROR_CODES, ...)
    $ERROR_CODES: Object.assign(
      { ...BASE_ERROR_CODES },
      ...(Array.isArray(options.plugins) ? options.plugins : []).filter((p) => p && !ignoredPlugins.has(p.id) && p.$ERROR_CODES).map((p) => p.$ERROR_CODES),
    ),
  };
  NATIVE.set(auth, native);
  return auth;
}

const NATIVE = new WeakMap();

/**
 * Migrations for an auth instance, as Better Auth's `getMigrations`: `compileMigrations()`
 * returns the SQL that would run, `runMigrations()` creates what is missing (never drops).
 */
function getMigrations(auth) {
  const native = NATIVE.get(auth);
  if (!native) throw new TypeError("better-auth-rs: getMigrations(auth) expects an instance created by betterAuth()");
  return {
    compileMigrations: async () => {
      const stmts = await native.generate();
      return stmts.map((s) => s + ";").join("\n");
    },
    statements: () => native.generate(),
    runMigrations: () => native.migrate(),
    dialect: native.dialect,
  };
}

/**
 * How many credential accounts hold each password-hash format, read in one aggregate query
 * (`npx better-auth-rs hashes`): `argon2id` (better-auth-rs's default; Better Auth cannot verify
 * it), `scrypt` (Better Auth's format), `other`, `none` (no password), and `total`.
 */
async function passwordHashReport(auth) {
  const native = NATIVE.get(auth);
  if (!native) throw new TypeError("better-auth-rs: passwordHashReport(auth) expects an instance created by betterAuth()");
  const [argon2id, scrypt, other, none] = await native.passwordHashCounts();
  return { dialect: native.dialect, argon2id, scrypt, other, none, total: argon2id + scrypt + other + none };
}

module.exports = { betterAuth, getMigrations, passwordHashReport, plainOptions, reviveDates };
