"use strict";
/**
 * `better-auth-rs/plugins/jwt`: the `jwt()` plugin descriptor (behaviour in src/plugins/jwt/).
 */

/**
 * `jwt()`: `/token`, `/jwks` and the `set-auth-jwt` header, as Better Auth's JWT plugin.
 * @param {object} [options]
 */
function jwt(options = {}) {
  return { id: "jwt", options };
}

module.exports = { jwt };
