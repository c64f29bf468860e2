"use strict";
/**
 * Every option path of Better Auth 1.7 (`BetterAuthOptions` in
 * @better-auth/core/dist/types/init-options.d.mts, `Logger` in env/logger.d.mts, checked against
 * what better-auth 1.7.25's dist reads at run time), and what better-auth-rs does with it.
 * `checkUnserved` (js/unserved.js) walks the options an app gives against this table, so an option
 * we do not serve is never silently dropped; docs/COMPATIBILITY.md ("Plugins and options not
 * served") lists the same entries.
 *
 * status:
 * - `served`: the engine (src/config.rs, src/store/schema.rs, src/rate_limit.rs, src/plugins/) or
 *   the JS layer (js/auth.js, js/callbacks.js, js/logger.js) reads it and acts as Better Auth does.
 * - `inert`: accepted and ignored, and nothing a user can observe changes (`reason` says why).
 * - `rule`: decided by the `UNSERVED_OPTIONS` rule `rule` in js/unserved.js (refuse or warn when
 *   set to something other than Better Auth's default).
 * - `unserved`: not served; a given value prints one warning naming the path, with `reason`,
 *   unless it is one of `harmless` (a value that asks for what this version does anyway).
 * - `error`: the engine refuses it at construction with an error naming it.
 *
 * A path is a leaf: what lies below it (field definitions, cookie names, provider configs,
 * plugin objects, a database object) is judged by that entry alone. Paths that are only
 * prefixes of entries (`session.cookieCache`) are walked into when their value is a plain object.
 * Paths Better Auth does not know (typos, better-auth-rs extensions) are not judged here.
 */

const served = (path, where) => ({ path, status: "served", where });
const inert = (path, reason) => ({ path, status: "inert", reason });
const rule = (path, key = path) => ({ path, status: "rule", rule: key });
const unserved = (path, reason, harmless) => (harmless ? { path, status: "unserved", reason, harmless } : { path, status: "unserved", reason });
const error = (path, reason) => ({ path, status: "error", reason });


const MODELS = ["user", "session", "account", "verification"];
const DB_HOOKS = [];
for (const model of MODELS) {
  for (const op of ["create", "update", "delete"]) {
    for (const when of ["before", "after"]) {
      const path = `databaseHooks.${model}.${op}.${when}`;
      DB_HOOKS.push(served(path, "js/callbacks.js → src/endpoints/db_hooks.rs"));
    }
  }
}

const OPTION_PATHS = [
  served("appName", "src/config.rs (error page, two-factor issuer, ctx.context.appName)"),
  served("baseURL", "src/config.rs (a URL string; the dynamic { allowedHosts } form throws naming it)"),
  served("basePath", "src/config.rs"),
  served("secret", "src/config.rs"),
  rule("secrets"),
  served("database", "js/auth.js plainDatabase (an unsupported form throws naming it); adapter functions: js/adapter-bridge.js, src/store/js_adapter.rs"),
  served("secondaryStorage", "js/callbacks.js → src/store/secondary.rs"),

  served("emailVerification.sendVerificationEmail", "js/callbacks.js"),
  served("emailVerification.sendOnSignUp", "src/config.rs"),
  served("emailVerification.sendOnSignIn", "src/config.rs"),
  served("emailVerification.autoSignInAfterVerification", "src/config.rs"),
  served("emailVerification.expiresIn", "src/config.rs"),
  served("emailVerification.beforeEmailVerification", "js/callbacks.js"),
  served("emailVerification.afterEmailVerification", "js/callbacks.js"),

  served("emailAndPassword.enabled", "src/config.rs"),
  served("emailAndPassword.disableSignUp", "src/config.rs"),
  served("emailAndPassword.requireEmailVerification", "src/config.rs"),
  served("emailAndPassword.maxPasswordLength", "src/config.rs"),
  served("emailAndPassword.minPasswordLength", "src/config.rs"),
  served("emailAndPassword.sendResetPassword", "js/callbacks.js"),
  served("emailAndPassword.resetPasswordTokenExpiresIn", "src/config.rs"),
  served("emailAndPassword.onPasswordReset", "js/callbacks.js"),
  served("emailAndPassword.password.hash", "js/callbacks.js"),
  served("emailAndPassword.password.verify", "js/callbacks.js"),
  served("emailAndPassword.autoSignIn", "src/config.rs"),
  served("emailAndPassword.revokeSessionsOnPasswordReset", "src/config.rs"),
  served("emailAndPassword.onExistingUserSignUp", "js/callbacks.js"),
  rule("emailAndPassword.customSyntheticUser"),

  served("socialProviders", "src/oauth/social/ (google, github, discord, microsoft, apple, gitlab; any other provider refuses at start), js/social.js"),
  served("plugins", "js/unserved.js (unserved ids refuse) → src/plugins/"),

  served("user.modelName", "src/store/schema.rs"),
  served("user.fields", "src/store/schema.rs (a field the schema lacks warns, js/auth.js)"),
  served("user.additionalFields", "src/store/schema.rs (`validator`/`transform` per their rules)"),
  served("user.validateUserInfo", "js/callbacks.js"),
  served("user.changeEmail.enabled", "src/config.rs"),
  served("user.changeEmail.sendChangeEmailConfirmation", "js/callbacks.js"),
  served("user.changeEmail.updateEmailWithoutVerification", "src/config.rs"),
  served("user.deleteUser.enabled", "src/config.rs"),
  served("user.deleteUser.sendDeleteAccountVerification", "js/callbacks.js"),
  served("user.deleteUser.beforeDelete", "js/callbacks.js"),
  served("user.deleteUser.afterDelete", "js/callbacks.js"),
  served("user.deleteUser.deleteTokenExpiresIn", "src/config.rs"),

  served("session.modelName", "src/store/schema.rs"),
  served("session.fields", "src/store/schema.rs"),
  served("session.additionalFields", "src/store/schema.rs"),
  served("session.expiresIn", "src/config.rs"),
  served("session.updateAge", "src/config.rs"),
  served("session.freshAge", "src/config.rs"),
  served("session.disableSessionRefresh", "src/config.rs"),
  served("session.deferSessionRefresh", "src/config.rs"),
  served("session.storeSessionInDatabase", "src/config.rs"),
  rule("session.preserveSessionInDatabase"),
  served("session.cookieCache.enabled", "src/config.rs"),
  served("session.cookieCache.maxAge", "src/config.rs"),
  served("session.cookieCache.strategy", "src/config.rs"),
  served("session.cookieCache.version", "src/config.rs, js/callbacks.js (a function)"),
  unserved(
    "session.cookieCache.refreshCache",
    "it is for database-less setups, and this version always has a database (Better Auth also turns it off when a database or secondaryStorage is set)",
    [false],
  ),

  served("account.modelName", "src/store/schema.rs"),
  served("account.fields", "src/store/schema.rs"),
  served("account.additionalFields", "src/store/schema.rs"),
  rule("account.accountLinking.enabled", "account.accountLinking"),
  rule("account.accountLinking.disableImplicitLinking", "account.accountLinking"),
  rule("account.accountLinking.requireLocalEmailVerified", "account.accountLinking"),
  rule("account.accountLinking.trustedProviders", "account.accountLinking"),
  rule("account.accountLinking.allowDifferentEmails", "account.accountLinking"),
  rule("account.accountLinking.allowUnlinkingAll", "account.accountLinking"),
  rule("account.accountLinking.updateUserInfoOnLink", "account.accountLinking"),
  served("account.updateAccountOnSignIn", "src/oauth/link.rs"),
  served("account.encryptOAuthTokens", "src/oauth/mod.rs (seal/open: Better Auth's symmetricEncrypt with the secret)"),
  served("account.skipStateCookieCheck", "src/oauth/state.rs"),
  served("account.storeStateStrategy", "src/oauth/state.rs (\"cookie\": the encrypted oauth_state cookie)"),
  served("account.storeAccountCookie", "src/oauth/account_cookie.rs"),

  served("verification.modelName", "src/store/schema.rs"),
  served("verification.fields", "src/store/schema.rs"),
  error("verification.additionalFields", "the engine refuses extra columns on the verification table"),
  unserved(
    "verification.disableCleanup",
    "expired verification rows are never cleaned up in bulk by this version (what `true` asks for), so `false` does not bring Better Auth's periodic cleanup back",
    [true],
  ),
  rule("verification.storeIdentifier"),
  rule("verification.storeInDatabase"),

  served("trustedOrigins", "src/config.rs, js/callbacks.js (a function)"),

  served("rateLimit.enabled", "src/rate_limit.rs"),
  served("rateLimit.window", "src/rate_limit.rs"),
  served("rateLimit.max", "src/rate_limit.rs"),
  served("rateLimit.customRules", "src/rate_limit.rs, js/callbacks.js (functions)"),
  served("rateLimit.storage", "src/rate_limit.rs"),
  served("rateLimit.customStorage", "js/callbacks.js"),
  served("rateLimit.modelName", "src/rate_limit.rs"),
  served("rateLimit.fields", "src/config.rs → src/store/schema.rs (column names of the rateLimit table)"),

  served("advanced.ipAddress.ipAddressHeaders", "src/config.rs"),
  served("advanced.ipAddress.disableIpTracking", "src/config.rs"),
  served("advanced.ipAddress.ipv6Subnet", "src/config.rs"),
  served("advanced.ipAddress.trustedProxies", "src/config.rs"),
  served("advanced.useSecureCookies", "src/config.rs"),
  served("advanced.disableCSRFCheck", "src/config.rs"),
  served("advanced.disableOriginCheck", "src/config.rs"),
  served("advanced.crossSubDomainCookies.enabled", "src/config.rs"),
  served("advanced.crossSubDomainCookies.domain", "src/config.rs"),
  inert("advanced.crossSubDomainCookies.additionalCookies", "in the type but read by nothing in Better Auth 1.7 either"),
  served("advanced.cookies", "src/config.rs → src/cookies.rs"),
  served("advanced.defaultCookieAttributes", "src/config.rs → src/cookies.rs"),
  served("advanced.cookiePrefix", "src/config.rs"),
  served("advanced.database.generateId", "src/store/schema.rs, js/callbacks.js (a function)"),
  // the 1.6 spelling, still read by Better Auth 1.7's context (before advanced.database.generateId)
  served("advanced.generateId", "src/store/schema.rs, js/callbacks.js (a function)"),
  unserved(
    "advanced.database.defaultFindManyLimit",
    "lists read without a limit (a user's sessions and accounts) are never capped, while Better Auth caps them at this number (100 by default)",
  ),
  inert("advanced.database.joins", "an adapter performance switch: Better Auth answers the same with or without joins, and so does the engine"),
  unserved(
    "advanced.database.validateSchema",
    "the database schema is not compared with the expected one at start, so mismatches are not logged",
    [false],
  ),
  rule("advanced.trustedProxyHeaders"),
  rule("advanced.backgroundTasks.handler", "advanced.backgroundTasks"),
  served("advanced.skipTrailingSlashes", "src/config.rs"),

  served("logger.disabled", "js/logger.js, src/config.rs"),
  served("logger.level", "js/logger.js, src/config.rs"),
  served("logger.log", "js/logger.js, js/callbacks.js"),
  inert("logger.disableColors", "the engine's log lines carry no color codes (what `true` asks for); Better Auth colors only a terminal's output"),

  ...DB_HOOKS,

  rule("onAPIError.throw", "onAPIError"),
  rule("onAPIError.onError", "onAPIError"),
  served("onAPIError.errorURL", "src/oauth/endpoints.rs (OAuth error redirects), src/endpoints/health.rs (GET /error)"),
  unserved(
    "onAPIError.customizeDefaultErrorPage",
    "GET /error shows this version's own page (your colors, sizes, font and flags are not applied), and in production it still redirects to `/?error=` instead of showing the customized page",
  ),

  served("hooks.before", "js/callbacks.js → js/hooks.js"),
  served("hooks.after", "js/callbacks.js → js/hooks.js"),
  served("disabledPaths", "src/config.rs"),

  inert("telemetry.enabled", "Better Auth's anonymous usage report to its own servers; this version sends none, and nothing the app serves depends on it"),
  inert("telemetry.debug", "prints Better Auth's telemetry events, of which this version has none"),
  unserved(
    "experimental.instrumentation.enabled",
    "no OpenTelemetry spans are emitted (what `false` asks for); Better Auth emits them when @opentelemetry/api is installed",
    [false],
  ),
];

/**
 * better-auth-rs's own options (extensions; Better Auth ignores them). Not judged by the walk;
 * listed so the docs and tests can tell them from typos.
 */
const EXTENSION_PATHS = [
  "autoMigrate",
  "jwt",
  "advanced.hashConcurrency",
  "advanced.maxBodySize",
  "advanced.callbackTimeout",
  "advanced.revocationChannel",
  "advanced.unservedPlugins",
  "advanced.unservedOptions",
  "advanced.ipAddress.trustedProxyCount",
  "emailAndPassword.password.algorithm",
  "emailAndPassword.password.argon2",
  "emailAndPassword.password.rehashLegacyHashes",
  "emailAndPassword.password.rejectCommon",
  "emailAndPassword.accountLockout",
];

const BY_PATH = new Map(OPTION_PATHS.map((e) => [e.path, e]));

/** Prefixes of entries (`session`, `session.cookieCache`, `databaseHooks.user.create`): walked into. */
const INTERIOR = new Set();
for (const { path } of OPTION_PATHS) {
  const parts = path.split(".");
  for (let i = 1; i < parts.length; i++) INTERIOR.add(parts.slice(0, i).join("."));
}

module.exports = { OPTION_PATHS, EXTENSION_PATHS, BY_PATH, INTERIOR };
