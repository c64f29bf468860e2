"use strict";
/**
 * `nextCookies()` (`better-auth-rs/next-js`), as Better Auth's: an `auth.api.*` call made from a
 * Next.js server action or route handler writes the response's `Set-Cookie` through `cookies()`
 * from `next/headers`, so `auth.api.signInEmail(...)` in a server action signs the browser in.
 * Served by id ("next-cookies"): Better Auth's own `nextCookies()` object works the same.
 *
 * - After every `auth.api.*` call (success, error or redirect; never the HTTP handler, whose
 *   Response carries its own cookies), each Set-Cookie is parsed as Better Auth parses it and
 *   passed to `cookies().set(name, value, options)`.
 * - Before `auth.api.getSession` in a React Server Component render (`RSC: 1` without
 *   `next-action`), where Next refuses cookie writes, the session refresh is skipped
 *   (`query.disableRefresh`), so the database and the browser's cookie never drift apart.
 * - `next/headers` is imported lazily, once; outside Next.js (not installed, or no request
 *   scope) the plugin does nothing.
 */

const PLUGIN_ID = "next-cookies";

/**
 * Plugins whose Better Auth version has `hooks.after` (Better Auth warns when one of them follows
 * the cookie plugin); ours are plain descriptors without hooks, so they are named here.
 */
const BA_AFTER_HOOK_PLUGINS = new Set(["bearer", "jwt"]);

/**
 * `nextCookies()`: list it (last) in `plugins` to have `auth.api.*` calls made in server
 * actions set their cookies in the browser.
 * @returns {{ id: "next-cookies", options: {} }}
 */
function nextCookies() {
  return { id: PLUGIN_ID, options: {} };
}

let nextHeadersModule;
/** `next/headers`, imported once (a failed import is retried next time, as Better Auth does). */
function loadNextHeaders() {
  nextHeadersModule ??= import("next/headers.js").catch((error) => {
    nextHeadersModule = undefined;
    throw error;
  });
  return nextHeadersModule;
}

function tryDecode(s) {
  if (s.indexOf("%") === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function unquote(s) {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/**
 * Set-Cookie values → Map(name → attributes), as Better Auth's `parseSetCookieHeader`: value
 * unquoted and URI-decoded, attribute names lower-cased, a later cookie of the same name wins.
 * @param {string[]} setCookies one value per cookie
 */
function parseSetCookies(setCookies) {
  const cookies = new Map();
  for (const cookieString of setCookies) {
    const [nameValue, ...attributes] = cookieString.split(";").map((part) => part.trim());
    const [name, ...valueParts] = (nameValue || "").split("=");
    if (!name) continue;
    const attrs = { value: tryDecode(unquote(valueParts.join("="))) };
    for (const attribute of attributes) {
      const [attrName, ...attrValueParts] = attribute.split("=");
      const attrValue = attrValueParts.join("=");
      const key = attrName.trim().toLowerCase();
      switch (key) {
        case "max-age":
          attrs["max-age"] = attrValue ? parseInt(attrValue.trim(), 10) : undefined;
          break;
        case "expires":
          attrs.expires = attrValue ? new Date(attrValue.trim()) : undefined;
          break;
        case "domain":
        case "path":
          attrs[key] = attrValue ? attrValue.trim() : undefined;
          break;
        case "secure":
        case "httponly":
        case "partitioned":
          attrs[key] = true;
          break;
        case "samesite":
          attrs.samesite = attrValue ? attrValue.trim().toLowerCase() : undefined;
          break;
        default:
          attrs[key] = attrValue ? attrValue.trim() : true;
      }
    }
    cookies.set(name, attrs);
  }
  return cookies;
}

/** Parsed attributes → the options of Next's `cookies().set(name, value, options)`. */
function toCookieOptions(a) {
  return {
    maxAge: a["max-age"],
    expires: a.expires,
    domain: a.domain,
    path: a.path,
    secure: a.secure,
    httpOnly: a.httponly,
    sameSite: a.samesite,
    partitioned: a.partitioned,
  };
}

const isModuleNotFound = (e) =>
  e && (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "MODULE_NOT_FOUND" || (typeof e.message === "string" && e.message.includes("Cannot find module")));

/**
 * Writes Set-Cookie values through Next's `cookies()`. Outside Next.js or outside a request
 * scope nothing happens; a write Next refuses (a Server Component render) is skipped, as in
 * Better Auth; any other error from `cookies()` is thrown.
 * @param {string[]} setCookies
 */
async function writeCookies(setCookies) {
  if (setCookies.length === 0) return;
  const parsed = parseSetCookies(setCookies);
  let store;
  try {
    const { cookies } = await loadNextHeaders();
    store = await cookies();
  } catch (error) {
    if (isModuleNotFound(error)) return;
    if (error instanceof Error && error.message.startsWith("`cookies` was called outside a request scope.")) return;
    throw error;
  }
  parsed.forEach((attrs, name) => {
    if (!name) return;
    try {
      store.set(name, attrs.value, toCookieOptions(attrs));
    } catch {
      // read-only cookies (Server Component render): Better Auth skips the write too
    }
  });
}

/** True in a React Server Component render, where Next refuses cookie writes. */
async function inServerComponent() {
  let h;
  try {
    const { headers } = await loadNextHeaders();
    h = await headers();
  } catch {
    return false;
  }
  return h.get("RSC") === "1" && !h.get("next-action");
}

/** `query` with `disableRefresh` added (an object or URLSearchParams; the caller's is not changed). */
function withDisableRefresh(query) {
  if (query instanceof URLSearchParams) {
    const q = new URLSearchParams(query);
    q.set("disableRefresh", "true");
    return q;
  }
  return { ...(query ?? {}), disableRefresh: true };
}

/**
 * Better Auth's warning when a cookie plugin is not effectively last: a plugin listed after it
 * has after-hooks (in Better Auth), whose cookies the integration would not see.
 */
function notLastWarning(plugins, id = PLUGIN_ID) {
  const index = plugins.findIndex((p) => p && p.id === id);
  if (index === -1) return null;
  const later = plugins.slice(index + 1);
  const hasAfter = (p) => p && ((p.hooks && Array.isArray(p.hooks.after) && p.hooks.after.length > 0) || BA_AFTER_HOOK_PLUGINS.has(p.id));
  if (!later.some(hasAfter)) return null;
  return `[better-auth-rs] Cookie integration plugin "${id}" should be placed last in the plugins array. Plugins with \`hooks.after\` running after it may set cookies that are not forwarded to the framework cookie store. Move your cookie integration plugin to the end of the \`plugins\` array to avoid missing \`Set-Cookie\` headers.`;
}

/**
 * The `auth.api` side of the plugin for `options`, or null when `nextCookies()` is not listed.
 * `getSessionQuery(query)` → the query to send (refresh skipped in a Server Component);
 * `forward(flatHeaders)` writes the Set-Cookie values of the engine's answer.
 */
function nextCookiesIntegration(options) {
  const plugins = Array.isArray(options?.plugins) ? options.plugins : [];
  if (!plugins.some((p) => p && p.id === PLUGIN_ID)) return null;
  return {
    warning: notLastWarning(plugins),
    async getSessionQuery(query) {
      return (await inServerComponent()) ? withDisableRefresh(query) : query;
    },
    async forward(flat) {
      const setCookies = [];
      for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i].toLowerCase() === "set-cookie") setCookies.push(flat[i + 1]);
      await writeCookies(setCookies);
    },
  };
}

module.exports = { nextCookies, nextCookiesIntegration, parseSetCookies, toCookieOptions, PLUGIN_ID };
