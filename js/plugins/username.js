"use strict";
/**
 * `better-auth-rs/plugins/username`: the `username()` plugin descriptor (behaviour in
 * src/plugins/username/: `/sign-in/username`, `/is-username-available`, the checks and
 * normalization on sign-up, update-user and every user write). Validator and normalizer
 * functions stay in JS and are called by the engine.
 */
const { defineErrorCodes } = require("../errors.js");

/** `{ CODE: { code, message } }` as Better Auth's `USERNAME_ERROR_CODES`. */
const USERNAME_ERROR_CODES = defineErrorCodes({
  INVALID_USERNAME_OR_PASSWORD: "Invalid username or password",
  EMAIL_NOT_VERIFIED: "Email not verified",
  UNEXPECTED_ERROR: "Unexpected error",
  USERNAME_IS_ALREADY_TAKEN: "Username is already taken. Please try another.",
  USERNAME_TOO_SHORT: "Username is too short",
  USERNAME_TOO_LONG: "Username is too long",
  INVALID_USERNAME: "Username is invalid",
  INVALID_DISPLAY_USERNAME: "Display username is invalid",
  USERNAME_IS_IMMUTABLE: "Username cannot be updated",
});

/**
 * `username(options)`: usernames beside emails, as Better Auth's username plugin.
 * @param {object} [options]
 */
function username(options = {}) {
  const fields = { username: { type: "string", required: false, unique: true, sortable: true } };
  if (options.displayUsername !== false) fields.displayUsername = { type: "string", required: false };
  return { id: "username", options, $ERROR_CODES: USERNAME_ERROR_CODES, schema: { user: { fields } } };
}

module.exports = { username, USERNAME_ERROR_CODES };
