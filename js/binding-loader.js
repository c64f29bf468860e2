"use strict";
/** Loads the napi binding, with an actionable message when it has not been built. */
let cached;
function loadBinding() {
  if (cached) return cached;
  try {
    cached = require("../binding.js");
  } catch (e) {
    const err = new Error(
      "better-auth-rs: the native addon is not built for this platform. Run `npm run build` in the package " +
        "(needs a Rust toolchain), or install a published release with a prebuilt binary.\nCause: " + (e && e.message),
    );
    err.cause = e;
    throw err;
  }
  return cached;
}
module.exports = { loadBinding };
