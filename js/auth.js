"use strict";
/**
 * `betterAuth(options)`: splits the options into plain data for the Rust engine, and wraps the
 * engine's two doors — `handler(Request)` and `api.<name>(input)` — in Better Auth's shapes.
 * Nothing about auth is decided here.
 */
const { loadBinding } = require("./binding-loader.js");
const { APIError, BASE_ERROR_CODES, API_ERROR_HEADERS } = require("./errors.js");
const { flattenHeaders, toHeaders, fromRequest, toResponse } = require("./request.js");

const ENV_KEYS = [
  "NODE_ENV", "TEST", "BETTER_AUTH_SECRET", "AUTH_SECRET", "BETTER_AUTH_URL", "NEXT_PUBLIC_BETTER_AUTH_URL",
  "PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_BETTER_AUTH_URL", "NUXT_PUBLIC_AUTH_URL", "BASE_URL",
  "BETTER_AUTH_TRUSTED_ORIGINS",
];

/** Keys of `user`/`session` objects that `auth.api` returns as `Date`s. */
const DATE_KEYS = new Set(["createdAt", "updatedAt", "expiresAt"]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function reviveDates(value) {
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value && typeof value === "object") {
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (DATE_KEYS.has(k) && typeof v === "string" && ISO.test(v)) value[k] = new Date(v);
      else if (v && typeof v === "object") value[k] = reviveDates(v);
    }
  }
  return value;
}

function isBetterSqlite3(db) {
  return db && typeof db === "object" && typeof db.prepare === "function" && typeof db.name === "string";
}

/** Options as plain JSON for the engine. Throws for forms this version cannot serve. */
function plainOptions(options) {
  if (options == null) return {};
  if (typeof options !== "object") throw new TypeError("better-auth-rs: betterAuth(options) expects an object");
  const plain = { ...options };
  const db = options.database;
  if (db === undefined || db === null || typeof db === "string") {
    // string or default: resolved in Rust
  } else if (isBetterSqlite3(db)) {
    if (db.memory || db.name === ":memory:") {
      throw new TypeError("better-auth-rs: option `database`: an in-memory better-sqlite3 Database cannot be shared with the Rust engine; pass a file");
    }
    plain.database = { provider: "sqlite", url: db.name };
  } else if (typeof db === "object" && (typeof db.provider === "string" || typeof db.url === "string")) {
    plain.database = { provider: db.provider, url: db.url };
  } else if (typeof db === "function") {
    throw new TypeError("better-auth-rs: option `database`: adapter functions (drizzleAdapter, prismaAdapter, ...) are not supported; pass an SQLite file path, a `file:`/`sqlite:` URL, { provider: \"sqlite\", url } or a better-sqlite3 Database");
  } else {
    throw new TypeError("better-auth-rs: option `database`: unsupported value; pass an SQLite file path, a `file:`/`sqlite:` URL, { provider: \"sqlite\", url } or a better-sqlite3 Database");
  }
  if (typeof options.trustedOrigins === "function") {
    throw new TypeError("better-auth-rs: option `trustedOrigins`: the function form is not supported yet; pass an array of origins");
  }
  return plain;
}

const UNSUPPORTED = [
  ["plugins", (v) => Array.isArray(v) && v.length > 0],
  ["hooks", (v) => v && (v.before || v.after)],
  ["databaseHooks", (v) => v && Object.keys(v).length > 0],
  ["secondaryStorage", (v) => !!v],
  ["socialProviders", (v) => v && Object.keys(v).length > 0],
  ["rateLimit", (v) => v && v.enabled === true],
];

function warnUnsupported(options) {
  if (!options || process.env.NODE_ENV === "test") return;
  for (const [key, active] of UNSUPPORTED) {
    if (active(options[key])) {
      console.warn(`[better-auth-rs] option \`${key}\` is not supported by this version yet and is ignored (see docs/COMPATIBILITY.md)`);
    }
  }
}

function envSnapshot() {
  const env = {};
  for (const k of ENV_KEYS) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
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

/**
 * Creates an auth instance, as Better Auth's `betterAuth`.
 * @param {import("../index").BetterAuthOptions} options
 */
function betterAuth(options = {}) {
  const { NativeAuth } = loadBinding();
  const plain = plainOptions(options);
  let native;
  try {
    native = new NativeAuth(JSON.stringify(plain), JSON.stringify(envSnapshot()));
  } catch (e) {
    const err = new Error(e && e.message ? e.message : String(e));
    err.name = "BetterAuthError";
    throw err;
  }
  warnUnsupported(options);
  if (native.secretIsDefault && process.env.NODE_ENV !== "test" && !process.env.TEST) {
    console.warn("[better-auth-rs] using the default development secret; set BETTER_AUTH_SECRET (or `secret`) before going to production");
  }

  const handler = async (request) => {
    const r = await fromRequest(request);
    return toResponse(await native.handle(r.method, r.url, r.headers, r.body));
  };

  const endpoint = (name) => async (input) => {
    const ctx = input ?? {};
    const { body, query, request, method, asResponse, returnHeaders, returnStatus } = ctx;
    let headers = ctx.headers;
    if (headers === undefined && request) headers = request.headers;
    const r = await native.api(
      name,
      headers === undefined || headers === null ? null : flattenHeaders(headers),
      body === undefined ? null : JSON.stringify(body),
      query == null ? null : JSON.stringify(toQueryObject(query)),
      method ?? (request ? request.method : null),
      !!request,
    );
    const wantResponse = asResponse ?? !!request;
    if (wantResponse) return apiResultToResponse(r);
    if (r.kind === "error") throw errorFromNative(r);
    if (r.kind === "redirect") {
      const err = new APIError("FOUND", undefined, new Headers({ location: r.body }), 302);
      Object.defineProperty(err, API_ERROR_HEADERS, { value: toHeaders(r.headers), enumerable: false });
      throw err;
    }
    const response = r.kind === "json" ? reviveDates(JSON.parse(r.body)) : r.body;
    if (returnHeaders) {
      return returnStatus ? { headers: toHeaders(r.headers), response, status: undefined } : { headers: toHeaders(r.headers), response };
    }
    if (returnStatus) return { response, status: undefined };
    return response;
  };

  const api = {
    signUpEmail: endpoint("signUpEmail"),
    signInEmail: endpoint("signInEmail"),
    signOut: endpoint("signOut"),
    getSession: endpoint("getSession"),
    ok: endpoint("ok"),
    error: endpoint("error"),
  };
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
        runMigrations: () => native.init(),
      }));
    }
    return contextPromise;
  };

  return {
    handler,
    fetch: handler,
    api,
    options,
    get $context() {
      return context();
    },
    $ERROR_CODES: { ...BASE_ERROR_CODES },
  };
}

module.exports = { betterAuth, plainOptions, reviveDates };
