"use strict";
/**
 * Fail closed on what this version does not serve. A Better Auth plugin or option that the
 * engine would silently ignore can remove a check the app relies on (`twoFactor()`: no second
 * factor; `admin()`: banned users sign in; `disabledPaths`: a disabled endpoint stays open), so
 * `betterAuth()` refuses to start unless the app lists it in `advanced.unservedPlugins` /
 * `advanced.unservedOptions`, knowing its checks will not run. Options whose absence is only
 * cosmetic start with a warning. The table below is the list docs/COMPATIBILITY.md documents;
 * every other Better Auth option given is checked against js/option-paths.js (`tableWarnings`).
 */

const { servedPluginIds } = require("./engine-plugins.js");
const { BY_PATH, INTERIOR, EXTENSION_PATHS } = require("./option-paths.js");

/**
 * Plugin ids served (the engine's registry, src/plugins/mod.rs, then the JS-only ones); Better
 * Auth's own objects with these ids are served too. Read from the binding on first use.
 */
let served;
function servedPlugins() {
  if (!served) served = new Set(servedPluginIds());
  return served;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isSet = (v) => v !== undefined && v !== null && v !== false;

/** Better Auth's `account.accountLinking` defaults (spec http-api.md §8). */
const ACCOUNT_LINKING_DEFAULTS = {
  enabled: true,
  disableImplicitLinking: false,
  requireLocalEmailVerified: true,
  trustedProviders: [],
  allowDifferentEmails: false,
  allowUnlinkingAll: false,
  updateUserInfoOnLink: false,
};

function sameAsDefault(value, def) {
  if (value === undefined) return true;
  if (Array.isArray(def)) return Array.isArray(value) && value.length === def.length && value.every((v, i) => v === def[i]);
  return value === def;
}

function fieldsOf(options, model) {
  const fields = options?.[model]?.additionalFields;
  return isObject(fields) ? Object.entries(fields).filter(([, f]) => isObject(f)) : [];
}

/** The jwt plugin's options (ours or Better Auth's object), or undefined. */
function jwtPluginOptions(options) {
  const p = Array.isArray(options.plugins) ? options.plugins.find((x) => x && x.id === "jwt") : undefined;
  return p ? p.options ?? {} : undefined;
}

/**
 * Options the engine does not serve. `refuse`: ignoring it weakens a check, so construction
 * fails unless the key is listed in `advanced.unservedOptions`. `warn`: cosmetic or
 * functional only (nothing is let through that Better Auth would refuse), one warning.
 * `active(options)` is true when the app set it to something other than the default.
 */
const UNSERVED_OPTIONS = [
  {
    key: "account.accountLinking",
    decision: "refuse",
    // every key is served (src/oauth/) except a function as trustedProviders
    active: (o) => {
      const al = o.account?.accountLinking;
      if (al === undefined || al === null) return false;
      if (!isObject(al)) return true;
      return typeof al.trustedProviders === "function" || Object.keys(al).some((k) => !(k in ACCOUNT_LINKING_DEFAULTS));
    },
    effect: "a function as `trustedProviders` (or an unknown accountLinking key) is not read: implicit account linking would follow the defaults",
  },
  {
    key: "secrets",
    decision: "refuse",
    active: (o) => (Array.isArray(o.secrets) && o.secrets.length > 0) || !!process.env.BETTER_AUTH_SECRETS,
    effect: "versioned secrets (`secrets` / BETTER_AUTH_SECRETS) are not read: cookies and tokens would be signed with `secret` / BETTER_AUTH_SECRET, or the public development default",
  },
  {
    key: "verification.storeIdentifier",
    decision: "refuse",
    active: (o) => isSet(o.verification?.storeIdentifier) && o.verification.storeIdentifier !== "plain",
    effect: "verification identifiers (reset and verification tokens) are stored in plain text, and hashed ones Better Auth wrote are not found",
  },
  {
    key: "additionalFields.validator",
    decision: "refuse",
    active: (o) => ["user", "session"].some((m) => fieldsOf(o, m).some(([, f]) => isSet(f.validator))),
    effect: "`validator` of user/session additionalFields is not run: input it would reject is stored",
  },
  {
    key: "jwt.adapter",
    decision: "refuse",
    active: (o) => isObject(jwtPluginOptions(o)?.adapter) && Object.values(jwtPluginOptions(o).adapter).some((v) => typeof v === "function"),
    effect: "the jwt plugin's `adapter` (getJwks / createJwk) is not called: signing keys would be generated into and read from the jwks table instead of your key storage",
  },
  {
    key: "jwt.jwks.remoteUrl",
    decision: "refuse",
    active: (o) => isSet(jwtPluginOptions(o)?.jwks?.remoteUrl) || typeof jwtPluginOptions(o)?.jwt?.sign === "function",
    effect: "remote JWKS / custom `jwt.sign` are not served: tokens would be signed with a key generated and stored in the database instead",
  },
  // warn: the app keeps working and nothing is let through that Better Auth refuses
  {
    key: "advanced.trustedProxyHeaders",
    decision: "warn",
    active: (o) => o.advanced?.trustedProxyHeaders === true,
    effect: "X-Forwarded-Host/-Proto are not used to infer the base URL; set `baseURL`",
  },
  {
    key: "advanced.backgroundTasks",
    decision: "warn",
    active: (o) => isSet(o.advanced?.backgroundTasks),
    effect: "mail callbacks are awaited instead of handed to your background handler",
  },
  {
    key: "onAPIError",
    decision: "warn",
    active: (o) => isObject(o.onAPIError) && (isSet(o.onAPIError.throw) || isSet(o.onAPIError.onError)),
    effect: "`throw` and `onError` are not used (errors are answered as JSON)",
  },
  {
    key: "verification.storeInDatabase",
    decision: "warn",
    active: (o) => isObject(o.secondaryStorage) && o.verification?.storeInDatabase === false,
    effect: "verification values are stored in the database, not in secondaryStorage",
  },
  {
    key: "emailAndPassword.customSyntheticUser",
    decision: "warn",
    active: (o) => typeof o.emailAndPassword?.customSyntheticUser === "function",
    effect: "not called; the synthetic user has the core and additional fields (no plugin fields are served)",
  },
  {
    key: "session.preserveSessionInDatabase",
    decision: "warn",
    active: (o) => o.session?.preserveSessionInDatabase === true,
    effect: "sessions revoked from secondary storage are removed from the database too",
  },
  {
    key: "additionalFields.transform",
    decision: "warn",
    active: (o) => ["user", "session"].some((m) => fieldsOf(o, m).some(([, f]) => isSet(f.transform) || typeof f.defaultValue === "function")),
    effect: "`transform` and function-valued `defaultValue` of additionalFields are not called",
  },
  {
    key: "jwt.sessionCookieCache",
    decision: "warn",
    active: (o) => jwtPluginOptions(o)?.sessionCookieCache === true,
    effect: "the cookie cache is signed with the secret, not the JWKS key",
  },
  {
    key: "jwt.jwks.jwksPath",
    decision: "warn",
    active: (o) => isSet(jwtPluginOptions(o)?.jwks?.jwksPath) && jwtPluginOptions(o).jwks.jwksPath !== "/jwks",
    effect: "the public keys are served at /jwks only",
  },
  {
    key: "jwt.jwks.keyPairConfigs",
    decision: "warn",
    active: (o) => Array.isArray(jwtPluginOptions(o)?.jwks?.keyPairConfigs) && jwtPluginOptions(o).jwks.keyPairConfigs.length > 0,
    effect: "only `keyPairConfig` is used (no extra algorithms)",
  },
];

/** A plain object (`{}` or `Object.create(null)`): walked into; anything else is a leaf. */
const isPlain = (v) => v !== null && typeof v === "object" && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

const unservedMessage = (path, reason) => `[better-auth-rs] option \`${path}\` is not served by this version and is IGNORED: ${reason}`;

/** Keys known at `prefix` (Better Auth's and ours), by lower case, for a case-only "did you mean". */
let knownKeys;
function knownKeysAt(prefix) {
  if (!knownKeys) {
    knownKeys = new Map();
    for (const path of [...BY_PATH.keys(), ...EXTENSION_PATHS, ...INTERIOR]) {
      const i = path.lastIndexOf(".");
      const parent = i < 0 ? "" : path.slice(0, i);
      if (!knownKeys.has(parent)) knownKeys.set(parent, new Map());
      knownKeys.get(parent).set(path.slice(i + 1).toLowerCase(), path.slice(i + 1));
    }
  }
  return knownKeys.get(prefix);
}

/**
 * Walks the options the app gave against Better Auth's option table (js/option-paths.js): one
 * warning per given path that Better Auth knows and this version neither serves nor marks inert
 * nor leaves to a rule above (nor an `error` entry, which the engine refuses with its own error).
 * Unknown paths are Better Auth's to ignore, except a key that differs from a known one only by
 * letter case, which gets a "did you mean".
 */
function tableWarnings(options) {
  const out = [];
  const walk = (obj, prefix) => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (value === undefined || value === null) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const entry = BY_PATH.get(path);
      if (entry) {
        if (entry.status === "unserved" && !(entry.harmless && entry.harmless.some((h) => Object.is(h, value)))) {
          out.push(unservedMessage(path, entry.reason));
        }
        continue;
      }
      if (INTERIOR.has(path)) {
        if (isPlain(value)) walk(value, path);
        continue;
      }
      const known = knownKeysAt(prefix)?.get(key.toLowerCase());
      if (known && known !== key) {
        const suggestion = prefix ? `${prefix}.${known}` : known;
        out.push(`[better-auth-rs] option \`${path}\` is not a Better Auth option and is ignored; did you mean \`${suggestion}\`?`);
      }
    }
  };
  try {
    if (isPlain(options)) walk(options, "");
  } catch {
    // a throwing getter: what was found so far; never a reason not to start
  }
  return out;
}

function badOption(message) {
  const err = new Error(message);
  err.name = "BetterAuthError";
  return err;
}

function stringList(value, name) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw badOption(`better-auth-rs: option \`advanced.${name}\` must be an array of strings`);
  }
  return value;
}

const quote = (ids) => ids.map((id) => JSON.stringify(id)).join(", ");

/**
 * Checks `options` before the engine starts. Throws a `BetterAuthError` listing every unserved
 * plugin and security-relevant option not opted in; otherwise returns the warnings to print
 * and the set of plugin ids to leave out of the engine's options.
 */
function checkUnserved(options) {
  if (!isObject(options)) return { warnings: [], ignoredPlugins: new Set() };
  const optInPlugins = new Set(stringList(options.advanced?.unservedPlugins, "unservedPlugins"));
  const optInOptions = new Set(stringList(options.advanced?.unservedOptions, "unservedOptions"));
  const problems = [];
  const warnings = [];
  const ignoredPlugins = new Set();

  const plugins = Array.isArray(options.plugins) ? options.plugins : [];
  const servedIds = plugins.length > 0 ? servedPlugins() : new Set();
  const refusedIds = [];
  const noId = [];
  plugins.forEach((p, i) => {
    const id = p && (typeof p === "object" || typeof p === "function") ? p.id : undefined;
    if (typeof id !== "string" || id === "") {
      noId.push(i);
      return;
    }
    if (servedIds.has(id)) return;
    if (optInPlugins.has(id)) {
      if (ignoredPlugins.has(id)) return;
      ignoredPlugins.add(id);
      warnings.push(`[better-auth-rs] plugin "${id}" is not served by this version and is IGNORED (listed in advanced.unservedPlugins): its endpoints, hooks and checks do not run`);
    } else if (!refusedIds.includes(id)) {
      refusedIds.push(id);
    }
  });
  if (refusedIds.length > 0) {
    problems.push(
      `plugin${refusedIds.length > 1 ? "s" : ""} ${quote(refusedIds)}: better-auth-rs does not serve ${refusedIds.length > 1 ? "them" : "it"} yet ` +
        `(served: ${quote([...servedIds])}), and ignoring a plugin drops the checks it adds (a second factor, bans, ...). ` +
        `Remove ${refusedIds.length > 1 ? "them" : "it"}, stay on better-auth for now, or start anyway, knowing ${refusedIds.length > 1 ? "their" : "its"} checks will not run, ` +
        `with advanced: { unservedPlugins: [${quote(refusedIds)}] }`,
    );
  }
  for (const i of noId) {
    problems.push(`plugins[${i}] has no \`id\`: better-auth-rs serves plugins by id (${quote([...servedIds])}); remove it or stay on better-auth`);
  }

  const refusedOptions = [];
  for (const rule of UNSERVED_OPTIONS) {
    let active;
    try {
      active = rule.active(options);
    } catch {
      active = false;
    }
    if (!active) continue;
    if (rule.decision === "refuse" && !optInOptions.has(rule.key)) {
      refusedOptions.push(`\`${rule.key}\`: ${rule.effect}`);
    } else {
      warnings.push(unservedMessage(rule.key, rule.effect));
    }
  }
  warnings.push(...tableWarnings(options));
  if (refusedOptions.length > 0) {
    const keys = UNSERVED_OPTIONS.filter((r) => refusedOptions.some((m) => m.startsWith(`\`${r.key}\``))).map((r) => r.key);
    problems.push(
      `option${keys.length > 1 ? "s" : ""} not served yet, and ignoring ${keys.length > 1 ? "them" : "it"} would weaken a check — ${refusedOptions.join("; ")}. ` +
        `Remove ${keys.length > 1 ? "them" : "it"}, stay on better-auth for now, or start anyway, knowing ${keys.length > 1 ? "they" : "it"} will not apply, ` +
        `with advanced: { unservedOptions: [${quote(keys)}] }`,
    );
  }
  if (problems.length > 0) {
    throw badOption(`better-auth-rs: refusing to start — ${problems.join(". Also ")}. See docs/COMPATIBILITY.md ("Plugins and options not served").`);
  }
  return { warnings, ignoredPlugins };
}

module.exports = { checkUnserved, servedPlugins, tableWarnings, UNSERVED_OPTIONS };
