"use strict";
/**
 * `hooks.before` / `hooks.after` support: `createAuthMiddleware` (as `better-auth/api`'s) and the
 * runner the engine calls. Hooks written with Better Auth's own `createAuthMiddleware` work too:
 * both are called with the same input context and `returnHeaders: true`.
 */
const { APIError } = require("./errors.js");

function parseCookies(header) {
  const out = new Map();
  for (const part of (header || "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || out.has(k)) continue;
    let v = part.slice(i + 1).trim();
    try {
      v = decodeURIComponent(v);
    } catch {}
    out.set(k, v);
  }
  return out;
}

function serializeCookie(name, value, o = {}) {
  let s = `${name}=${encodeURIComponent(value)}`;
  if (o.maxAge !== undefined) s += `; Max-Age=${Math.floor(o.maxAge)}`;
  if (o.domain) s += `; Domain=${o.domain}`;
  s += `; Path=${o.path ?? "/"}`;
  if (o.expires) s += `; Expires=${o.expires.toUTCString()}`;
  if (o.httpOnly) s += "; HttpOnly";
  if (o.secure) s += "; Secure";
  if (o.sameSite) s += `; SameSite=${o.sameSite[0].toUpperCase()}${o.sameSite.slice(1).toLowerCase()}`;
  if (o.partitioned) s += "; Partitioned";
  return s;
}

/**
 * Creates a hook/middleware, as Better Auth's `createAuthMiddleware`: `fn(ctx)` gets `path`,
 * `method`, `body`, `query`, `headers`, `request`, `context` (with `returned`, `newSession`,
 * `responseHeaders` in after hooks) and the helpers `json`, `error`, `redirect`, `setHeader`,
 * `getHeader`, `setCookie`, `getCookie`.
 */
function createAuthMiddleware(optionsOrHandler, handler) {
  const fn = typeof optionsOrHandler === "function" ? optionsOrHandler : handler;
  return async (inputCtx = {}) => {
    const responseHeaders = new Headers();
    const headers = inputCtx.headers instanceof Headers ? inputCtx.headers : new Headers(inputCtx.headers ?? {});
    const cookies = parseCookies(headers.get("cookie"));
    const ctx = {
      ...inputCtx,
      headers,
      context: inputCtx.context ?? {},
      setHeader: (k, v) => responseHeaders.set(k, v),
      getHeader: (k) => headers.get(k),
      getCookie: (k) => cookies.get(k) ?? null,
      setCookie: (k, v, o) => {
        const c = serializeCookie(k, v, o);
        responseHeaders.append("set-cookie", c);
        return c;
      },
      redirect: (url) => {
        responseHeaders.set("location", url);
        return new APIError("FOUND", undefined, responseHeaders);
      },
      error: (status, body, h) => new APIError(status, body, h),
      json: (j) => j,
      setStatus: () => {},
      responseHeaders,
    };
    const response = await fn(ctx);
    return inputCtx.returnHeaders ? { headers: responseHeaders, response } : response;
  };
}

function headerPairs(h) {
  if (!h) return [];
  const out = [];
  for (const [k, v] of h) if (k !== "set-cookie") out.push([k, v]);
  for (const c of typeof h.getSetCookie === "function" ? h.getSetCookie() : []) out.push(["set-cookie", c]);
  return out;
}

function toRequest(r) {
  return r && r.__request ? new Request(r.__request.url, { method: r.__request.method, headers: r.__request.headers }) : undefined;
}

function returnedValue(v) {
  if (v && typeof v === "object" && v.__error) {
    const e = v.__error;
    return new APIError(e.status, e.body ?? undefined, {}, e.statusCode);
  }
  return v;
}

/** Wraps a user hook into the engine callback `(input) => { response, headers }`. */
function hookRunner(hook, reviveDates, extras = {}) {
  return async (input) => {
    const context = input.context
      ? {
          ...extras.context,
          ...input.context,
          returned: returnedValue(reviveDates(input.context.returned)),
          newSession: reviveDates(input.context.newSession) ?? null,
          responseHeaders: new Headers(input.context.responseHeaders ?? []),
        }
      : { ...extras.context, session: null };
    const inputCtx = {
      path: input.path,
      method: input.method,
      body: input.body ?? undefined,
      query: input.query,
      params: input.params,
      headers: new Headers(input.headers),
      request: toRequest(input.request),
      context,
      returnHeaders: true,
      ...(input.fromRouter ? { _flag: "router" } : {}),
    };
    const out = await hook(inputCtx);
    let response = out;
    let headers;
    if (out && typeof out === "object" && "response" in out && out.headers instanceof Headers) {
      response = out.response;
      headers = out.headers;
    }
    if (response instanceof APIError || (response && response.name === "APIError")) throw response;
    let reply;
    if (response && typeof response === "object" && response.context && typeof response.context === "object") {
      const c = { ...response.context };
      if (c.headers) c.headers = headerPairs(c.headers instanceof Headers ? c.headers : new Headers(c.headers));
      reply = { context: c };
    } else {
      reply = response;
    }
    return { response: reply === undefined ? null : reply, headers: headerPairs(headers) };
  };
}

module.exports = { createAuthMiddleware, hookRunner, parseCookies };
