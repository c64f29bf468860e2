"use strict";
/**
 * `better-auth-rs/plugins`: plugin descriptors for the Rust engine, with Better Auth's names and
 * options. They are plain data; the behaviour lives in Rust (src/plugins/<name>/). Each plugin
 * also has its own subpath, as in Better Auth: `better-auth-rs/plugins/<name>` (js/plugins/).
 * `createAccessControl` / `role` (roles for `admin()`) come from `better-auth-rs/plugins/access`.
 */
const { bearer } = require("./plugins/bearer.js");
const { jwt } = require("./plugins/jwt.js");
const { admin } = require("./plugins/admin.js");
const { magicLink } = require("./plugins/magic-link.js");
const { emailOTP } = require("./plugins/email-otp.js");
const { username } = require("./plugins/username.js");
const { twoFactor } = require("./plugins/two-factor.js");
const { genericOAuth } = require("./plugins/generic-oauth.js");
const { createAccessControl, role } = require("./plugins/access.js");

module.exports = { bearer, jwt, admin, username, twoFactor, magicLink, emailOTP, genericOAuth, createAccessControl, role };
