"use strict";
/**
 * better-auth-rs — Better Auth's core re-built in Rust. Drop-in for `better-auth`:
 *   const { betterAuth } = require("better-auth-rs");
 */
const { betterAuth, getMigrations } = require("./js/auth.js");
const { APIError, isAPIError, BASE_ERROR_CODES } = require("./js/errors.js");

module.exports = { betterAuth, getMigrations, APIError, isAPIError, BASE_ERROR_CODES };
