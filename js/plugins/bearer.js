"use strict";
/**
 * `better-auth-rs/plugins/bearer`: the `bearer()` plugin descriptor (behaviour in
 * src/plugins/bearer/).
 */

/**
 * `bearer()`: `Authorization: Bearer <token>` works wherever the session cookie does, and
 * responses that set a session cookie carry `set-auth-token`.
 * @param {{ requireSignature?: boolean }} [options]
 */
function bearer(options = {}) {
  return { id: "bearer", options };
}

module.exports = { bearer };
