"use strict";
/**
 * User callbacks the Rust engine calls (through one thread-safe function): each is looked up
 * by name, awaited, and its result or error encoded as JSON. The dispatcher never throws.
 */

/** True for a `database` option naming an SQLite file (the engine's default included). */
function isSqlitePath(db) {
  const url = typeof db === "string" ? db : db instanceof URL ? db.toString() : db && typeof db === "object" && !db.pool && (db.provider === "sqlite" || db.type === "sqlite") ? db.url ?? db.filename ?? db.path : db == null ? "better-auth.db" : null;
  if (typeof url !== "string" || url === "" || url === ":memory:") return false;
  return !/^(postgres|postgresql|mysql|mariadb):\/\//i.test(url);
}

/**
 * Collects the callbacks present in `options`: Map(name → fn). `extras.context` is merged into
 * hook contexts (see makeDispatcher).
 */
function collectCallbacks(options, reviveDates = (x) => x, extras = {}) {
  const fns = new Map();
  const { hookRunner } = require("./hooks.js");
  const { pluginCallbacks } = require("./engine-plugins.js");
  if (typeof options?.hooks?.before === "function") fns.set("hooks.before", hookRunner(options.hooks.before, reviveDates, extras));
  if (typeof options?.hooks?.after === "function") fns.set("hooks.after", hookRunner(options.hooks.after, reviveDates, extras));
  const pw = options?.emailAndPassword?.password;
  if (typeof pw?.hash === "function") fns.set("password.hash", pw.hash);
  if (typeof pw?.verify === "function") fns.set("password.verify", pw.verify);
  const gen = options?.advanced?.database?.generateId ?? options?.advanced?.generateId;
  if (typeof gen === "function") fns.set("generateId", gen);
  const ep = options?.emailAndPassword;
  if (typeof ep?.sendResetPassword === "function") fns.set("sendResetPassword", ep.sendResetPassword);
  if (typeof ep?.onPasswordReset === "function") fns.set("onPasswordReset", ep.onPasswordReset);
  if (typeof ep?.onExistingUserSignUp === "function") fns.set("onExistingUserSignUp", ep.onExistingUserSignUp);
  if (typeof options?.logger?.log === "function") {
    const log = options.logger.log;
    fns.set("logger.log", (level, message) => log(level, message));
  }
  if (typeof options?.session?.cookieCache?.version === "function") fns.set("session.cookieCache.version", options.session.cookieCache.version);
  if (typeof options?.user?.validateUserInfo === "function") fns.set("user.validateUserInfo", options.user.validateUserInfo);
  const { outboundFetch, usesOAuth } = require("./outbound.js");
  if (usesOAuth(options)) fns.set("http.fetch", outboundFetch);
  for (const [name, fn] of require("./social.js").socialCallbacks(options)) fns.set(name, fn);
  // the callbacks each engine plugin declares (src/plugins/<name>/: jwt.definePayload, ...)
  for (const [name, fn] of pluginCallbacks(options?.plugins)) fns.set(name, fn);
  const ss = options?.secondaryStorage;
  if (ss && typeof ss.get === "function" && typeof ss.set === "function" && typeof ss.delete === "function") {
    fns.set("secondaryStorage.get", (k) => ss.get(k));
    fns.set("secondaryStorage.set", (k, v, ttl) => (ttl === undefined ? ss.set(k, v) : ss.set(k, v, ttl)));
    fns.set("secondaryStorage.delete", (k) => ss.delete(k));
    if (typeof ss.increment === "function") fns.set("secondaryStorage.increment", (k, ttl) => ss.increment(k, ttl));
  }
  const rl = options?.rateLimit;
  if (rl?.customRules && typeof rl.customRules === "object") {
    const fnRules = Object.entries(rl.customRules).filter(([, v]) => typeof v === "function");
    if (fnRules.length > 0) {
      const byPath = new Map(fnRules);
      fns.set("rateLimit.customRule", async (pattern, request, current) => {
        const fn = byPath.get(pattern);
        return fn ? await fn(request, current) : undefined;
      });
    }
  }
  if (rl?.customStorage && typeof rl.customStorage.consume === "function") {
    fns.set("rateLimit.customStorage.consume", (key, rule) => rl.customStorage.consume(key, rule));
  }
  if (typeof options?.trustedOrigins === "function") {
    fns.set("trustedOrigins", async (request) => {
      const list = await options.trustedOrigins(request ?? undefined);
      return Array.isArray(list) ? list.filter((o) => typeof o === "string") : [];
    });
  }
  const dh = options?.databaseHooks;
  for (const model of ["user", "session", "account", "verification"]) {
    for (const op of ["create", "update", "delete"]) {
      for (const when of ["before", "after"]) {
        const fn = dh?.[model]?.[op]?.[when];
        if (typeof fn === "function") fns.set(`databaseHooks.${model}.${op}.${when}`, fn);
      }
    }
  }
  const du = options?.user?.deleteUser;
  for (const k of ["sendDeleteAccountVerification", "beforeDelete", "afterDelete"]) {
    if (typeof du?.[k] === "function") fns.set(`deleteUser.${k}`, du[k]);
  }
  if (typeof options?.user?.changeEmail?.sendChangeEmailConfirmation === "function") {
    fns.set("changeEmail.sendChangeEmailConfirmation", options.user.changeEmail.sendChangeEmailConfirmation);
  }
  const db = options?.database;
  const { isBetterSqlite3, isNodeSqlite, sqliteRunner, attachCallbacks } = require("./sqlite-handle.js");
  if (isBetterSqlite3(db) || isNodeSqlite(db)) fns.set("sqlite.run", sqliteRunner(db));
  else if (isSqlitePath(db)) attachCallbacks(fns);
  const ev = options?.emailVerification;
  for (const k of ["sendVerificationEmail", "beforeEmailVerification", "afterEmailVerification"]) {
    if (typeof ev?.[k] === "function") fns.set(k, ev[k]);
  }
  return fns;
}

function undefinedMarkers(v) {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    if (v.__undefined === true && Object.keys(v).length === 1) return undefined;
    for (const k of Object.keys(v)) v[k] = undefinedMarkers(v[k]);
  }
  return v;
}

/**
 * The endpoint context Better Auth passes to a database hook (second argument): `path` is the
 * endpoint's (`/sign-up/email`), `context` carries `session`, `newSession`, `returned`,
 * `responseHeaders`, `options`, `baseURL` and the served part of `internalAdapter`.
 */
function hookContext(c, reviveDates, extras) {
  const r = c.request && c.request.__request;
  const request = r ? new Request(r.url, { method: r.method, headers: r.headers }) : undefined;
  const headers = new Headers(c.headers);
  let cookies;
  const context = {
    ...(extras && extras.context),
    session: reviveDates(c.context?.session ?? null),
    newSession: reviveDates(c.context?.newSession ?? null),
    returned: undefined,
    responseHeaders: new Headers(),
    baseURL: c.baseURL,
  };
  return {
    path: c.path || (request ? new URL(request.url).pathname : undefined),
    method: c.method || (request ? request.method : undefined),
    body: c.body ?? undefined,
    query: c.query ?? {},
    params: c.params ?? {},
    headers,
    request,
    context,
    getHeader: (k) => headers.get(k),
    getCookie: (k) => (cookies ??= require("./hooks.js").parseCookies(headers.get("cookie"))).get(k) ?? null,
  };
}

/** Arguments as Better Auth passes them: `Request` objects, `Date`s and `undefined`s revived. */
function reviveArgs(args, reviveDates, extras) {
  return args.map(undefinedMarkers).map((a) => {
    if (a && typeof a === "object" && a.__request) {
      const r = a.__request;
      return new Request(r.url, { method: r.method, headers: r.headers });
    }
    if (a && typeof a === "object" && a.__hookctx) return hookContext(a.__hookctx, reviveDates, extras);
    return reviveDates(a);
  });
}

/** Marks function-valued options the engine must know about (JSON drops functions). */
function markFunctions(plain, options) {
  const rl = options?.rateLimit;
  if (rl && typeof rl === "object") {
    const customRules = {};
    for (const [k, v] of Object.entries(rl.customRules ?? {})) customRules[k] = typeof v === "function" ? "[function]" : v;
    plain.rateLimit = { ...rl, customRules, customStorage: rl.customStorage ? "[object]" : undefined };
  }
  if (typeof options?.trustedOrigins === "function") plain.trustedOrigins = "[function]";
  const gen = options?.advanced?.database?.generateId ?? options?.advanced?.generateId;
  if (typeof gen === "function") {
    plain.advanced = { ...plain.advanced, database: { ...plain.advanced?.database, generateId: "[function]" } };
  }
  return plain;
}

function encodeError(e) {
  return {
    name: e && e.name,
    message: String((e && e.message) ?? e),
    status: e && (typeof e.status === "string" || typeof e.status === "number") ? e.status : undefined,
    statusCode: e && typeof e.statusCode === "number" ? e.statusCode : undefined,
    body: e && e.body && typeof e.body === "object" ? { message: e.body.message, code: e.body.code } : undefined,
  };
}

/**
 * `(name, argsJson) => Promise<replyJson>` for the native side. `extras.context` (filled in once
 * the engine exists) is merged into the `context` of hook contexts.
 */
function makeDispatcher(fns, reviveDates = (x) => x, extras = {}) {
  return async (name, argsJson) => {
    try {
      const fn = fns.get(name);
      if (!fn) throw new Error(`no callback named ${name}`);
      const value = await fn(...reviveArgs(JSON.parse(argsJson), reviveDates, extras));
      return JSON.stringify(value === undefined ? { u: 1 } : { v: value });
    } catch (e) {
      try {
        return JSON.stringify({ e: encodeError(e) });
      } catch {
        return JSON.stringify({ e: { message: "callback failed" } });
      }
    }
  };
}

module.exports = { collectCallbacks, markFunctions, makeDispatcher };
