"use strict";
/**
 * `socialProviders` on the JS side: entries given as functions are called (Better Auth awaits
 * them at start; a start here is synchronous, so a function that returns a promise is refused
 * with a clear message), and the provider functions the engine calls (`getUserInfo`,
 * `mapProfileToUser`, `refreshAccessToken`, `verifyIdToken`) become callbacks named
 * `socialProviders.<id>.<name>` (src/oauth/social/). A function option the engine does not
 * call (Microsoft's `clientAssertion`, ...) stops the start: ignoring it would change how the
 * provider authenticates.
 */

const PROVIDER_FUNCTIONS = ["getUserInfo", "mapProfileToUser", "refreshAccessToken", "verifyIdToken"];

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `options` with function-valued `socialProviders` entries replaced by their value. */
function resolveSocialProviders(options) {
  const sp = options?.socialProviders;
  if (!isObject(sp)) return options;
  let changed = false;
  const out = {};
  for (const [id, v] of Object.entries(sp)) {
    if (typeof v === "function") {
      const value = v();
      if (value && typeof value.then === "function") {
        throw new Error(`better-auth-rs: socialProviders.${id} is a function that returns a promise; betterAuth() starts synchronously here, so give the provider options as an object (or resolve them before calling betterAuth)`);
      }
      out[id] = value;
      changed = true;
    } else out[id] = v;
    const entry = out[id];
    if (!isObject(entry)) continue;
    for (const [k, f] of Object.entries(entry)) {
      if (typeof f === "function" && !PROVIDER_FUNCTIONS.includes(k)) {
        throw new Error(`better-auth-rs does not serve socialProviders.${id}.${k} (a function) yet; remove it, or keep better-auth for now`);
      }
    }
  }
  return changed ? { ...options, socialProviders: out } : options;
}

/** Map(name → fn) of the provider functions present. */
function socialCallbacks(options) {
  const fns = new Map();
  const sp = options?.socialProviders;
  if (!isObject(sp)) return fns;
  for (const [id, entry] of Object.entries(sp)) {
    if (!isObject(entry)) continue;
    for (const k of PROVIDER_FUNCTIONS) {
      if (typeof entry[k] === "function") fns.set(`socialProviders.${id}.${k}`, entry[k].bind(entry));
    }
  }
  return fns;
}

module.exports = { resolveSocialProviders, socialCallbacks, PROVIDER_FUNCTIONS };
