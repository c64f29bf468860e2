"use strict";
/**
 * APIError with Better Auth's shape: `status` (a name such as "UNAUTHORIZED", or a number for
 * numeric statuses), `statusCode`, `body` ({ message, code }), `headers`, `message`.
 */

const statusCodes = {
  OK: 200, CREATED: 201, ACCEPTED: 202, NO_CONTENT: 204, MULTIPLE_CHOICES: 300, MOVED_PERMANENTLY: 301,
  FOUND: 302, SEE_OTHER: 303, NOT_MODIFIED: 304, TEMPORARY_REDIRECT: 307, BAD_REQUEST: 400,
  UNAUTHORIZED: 401, PAYMENT_REQUIRED: 402, FORBIDDEN: 403, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406, CONFLICT: 409, GONE: 410, PAYLOAD_TOO_LARGE: 413, URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415, UNPROCESSABLE_ENTITY: 422, LOCKED: 423, TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500, NOT_IMPLEMENTED: 501, BAD_GATEWAY: 502, SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
};

const API_ERROR_HEADERS = Symbol.for("better-call:api-error-headers");

class APIError extends Error {
  constructor(status = "INTERNAL_SERVER_ERROR", body = undefined, headers = {}, statusCode = typeof status === "number" ? status : statusCodes[status]) {
    super(body?.message, body && "cause" in body ? { cause: body.cause } : undefined);
    this.name = "APIError";
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.statusCode = statusCode;
  }
  static fromStatus(status, body) {
    return new APIError(status, body);
  }
  static from(status, error) {
    const { code, message } = error;
    return new APIError(status, { message, code });
  }
}

/**
 * Code written for Better Auth checks `err instanceof APIError` with the class from
 * `better-auth/api` (@better-auth/core's, on better-call's). When that package is installed, our
 * class joins its prototype chain (asynchronously at load, without require(esm)), so both
 * `instanceof` checks hold for errors `auth.api` throws. Without it, ours stands alone.
 */
function joinBetterAuthAPIError() {
  const path = require("node:path");
  const { pathToFileURL } = require("node:url");
  const candidates = [];
  try { candidates.push(require.resolve("@better-auth/core/error")); } catch { /* not next to us */ }
  try {
    const ba = require.resolve("better-auth/package.json", { paths: [process.cwd()] });
    candidates.push(require("node:module").createRequire(ba).resolve("@better-auth/core/error"));
  } catch { /* the app has no better-auth */ }
  const file = candidates[0];
  if (!file) return;
  import(pathToFileURL(path.resolve(file)).href)
    .then((m) => {
      const Base = m && m.APIError;
      if (typeof Base !== "function" || Base === APIError || APIError.prototype instanceof Base) return;
      // the prototype only: `super()` in our constructor must stay Error's
      Object.setPrototypeOf(APIError.prototype, Base.prototype);
    })
    .catch(() => { /* keep our own */ });
}
joinBetterAuthAPIError();

function isAPIError(e) {
  return e instanceof APIError || (e != null && typeof e === "object" && e.name === "APIError");
}

function defineErrorCodes(codes) {
  return Object.fromEntries(
    Object.entries(codes).map(([code, message]) => [code, { code, message, toString: () => code }]),
  );
}

/** Better Auth 1.7's BASE_ERROR_CODES. */
const BASE_ERROR_CODES = defineErrorCodes({
  USER_NOT_FOUND: "User not found",
  FAILED_TO_CREATE_USER: "Failed to create user",
  FAILED_TO_CREATE_SESSION: "Failed to create session",
  FAILED_TO_UPDATE_USER: "Failed to update user",
  FAILED_TO_GET_SESSION: "Failed to get session",
  INVALID_PASSWORD: "Invalid password",
  INVALID_EMAIL: "Invalid email",
  INVALID_EMAIL_OR_PASSWORD: "Invalid email or password",
  INVALID_USER: "Invalid user",
  SOCIAL_ACCOUNT_ALREADY_LINKED: "Social account already linked",
  PROVIDER_NOT_FOUND: "Provider not found",
  INVALID_TOKEN: "Invalid token",
  TOKEN_EXPIRED: "Token expired",
  ID_TOKEN_NOT_SUPPORTED: "id_token not supported",
  FAILED_TO_GET_USER_INFO: "Failed to get user info",
  USER_EMAIL_NOT_FOUND: "User email not found",
  EMAIL_NOT_VERIFIED: "Email not verified",
  PASSWORD_TOO_SHORT: "Password too short",
  PASSWORD_TOO_LONG: "Password too long",
  USER_ALREADY_EXISTS: "User already exists.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "User already exists. Use another email.",
  EMAIL_CAN_NOT_BE_UPDATED: "Email can not be updated",
  CHANGE_EMAIL_DISABLED: "Change email is disabled",
  CREDENTIAL_ACCOUNT_NOT_FOUND: "Credential account not found",
  SESSION_EXPIRED: "Session expired. Re-authenticate to perform this action.",
  FAILED_TO_UNLINK_LAST_ACCOUNT: "You can't unlink your last account",
  ACCOUNT_NOT_FOUND: "Account not found",
  USER_ALREADY_HAS_PASSWORD: "User already has a password. Provide that to delete the account.",
  CROSS_SITE_NAVIGATION_LOGIN_BLOCKED: "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
  VERIFICATION_EMAIL_NOT_ENABLED: "Verification email isn't enabled",
  EMAIL_ALREADY_VERIFIED: "Email is already verified",
  EMAIL_MISMATCH: "Email mismatch",
  SESSION_NOT_FRESH: "Session is not fresh",
  LINKED_ACCOUNT_ALREADY_EXISTS: "Linked account already exists",
  INVALID_ORIGIN: "Invalid origin",
  INVALID_CALLBACK_URL: "Invalid callbackURL",
  INVALID_REDIRECT_URL: "Invalid redirectURL",
  INVALID_ERROR_CALLBACK_URL: "Invalid errorCallbackURL",
  INVALID_NEW_USER_CALLBACK_URL: "Invalid newUserCallbackURL",
  MISSING_OR_NULL_ORIGIN: "Missing or null Origin",
  CALLBACK_URL_REQUIRED: "callbackURL is required",
  FAILED_TO_CREATE_VERIFICATION: "Unable to create verification",
  FIELD_NOT_ALLOWED: "Field not allowed to be set",
  ASYNC_VALIDATION_NOT_SUPPORTED: "Async validation is not supported",
  VALIDATION_ERROR: "Validation Error",
  MISSING_FIELD: "Field is required",
  METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED: "POST method requires deferSessionRefresh to be enabled in session config",
  BODY_MUST_BE_AN_OBJECT: "Body must be an object",
  PASSWORD_ALREADY_SET: "User already has a password set",
});

module.exports = { APIError, isAPIError, BASE_ERROR_CODES, API_ERROR_HEADERS, statusCodes, defineErrorCodes };
