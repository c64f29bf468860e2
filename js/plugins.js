"use strict";
/**
 * `better-auth-rs/plugins`: plugin descriptors for the Rust engine, with Better Auth's names and
 * options. They are plain data; the behaviour lives in Rust (src/plugins/<name>/). Each plugin
 * also has its own subpath, as in Better Auth: `better-auth-rs/plugins/<name>` (js/plugins/).
 */
const { bearer } = require("./plugins/bearer.js");
const { jwt } = require("./plugins/jwt.js");

module.exports = { bearer, jwt };
