"use strict";
/**
 * `better-auth-rs/plugins`: plugin descriptors for the Rust engine, with Better Auth's names and
 * options. They are plain data; the behaviour lives in Rust.
 */

/**
 * `bearer()`: `Authorization: Bearer <token>` works wherever the session cookie does, and
 * responses that set a session cookie carry `set-auth-token`.
 * @param {{ requireSignature?: boolean }} [options]
 */
function bearer(options = {}) {
  return { id: "bearer", options };
}

/**
 * `jwt()`: `/token`, `/jwks` and the `set-auth-jwt` header, as Better Auth's JWT plugin.
 * @param {object} [options]
 */
function jwt(options = {}) {
  return { id: "jwt", options };
}

module.exports = { bearer, jwt };
