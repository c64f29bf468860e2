"use strict";
/**
 * `better-auth-rs/plugins/magic-link`: the `magicLink()` plugin descriptor (behaviour in
 * src/plugins/magic_link/). The engine calls back the functions of `options`:
 * `sendMagicLink`, `generateToken` and a custom `storeToken.hash`.
 */

/**
 * `magicLink()`: passwordless sign-in by a single-use link mailed through `sendMagicLink`, as
 * Better Auth's magic-link plugin (`POST /sign-in/magic-link`, `GET /magic-link/verify`).
 * @param {object} options Better Auth's `MagicLinkOptions` (`sendMagicLink` is required)
 */
function magicLink(options = {}) {
  const o = options ?? {};
  if (o.allowedAttempts !== undefined && o.allowedAttempts !== 1) {
    // as Better Auth: the option has no effect (a token is consumed by its first verification)
    console.warn("[better-auth-rs/magic-link] `allowedAttempts` has no effect: a magic-link token is used up by its first verification. Remove the option to silence this warning.");
  }
  return { id: "magic-link", options: o };
}

module.exports = { magicLink };
