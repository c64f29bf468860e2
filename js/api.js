"use strict";
/** `better-auth-rs/api`, as `better-auth/api`: `createAuthMiddleware`, `APIError`, `isAPIError`. */
const { createAuthMiddleware } = require("./hooks.js");
const { APIError, isAPIError } = require("./errors.js");
module.exports = { createAuthMiddleware, APIError, isAPIError };
