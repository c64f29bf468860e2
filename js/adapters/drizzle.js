"use strict";
/**
 * `better-auth-rs/adapters/drizzle`: Better Auth's `drizzleAdapter` (from `@better-auth/drizzle-adapter`, an
 * optional peer dependency), unchanged, as `better-auth/adapters/drizzle` exports it. Pass what it
 * returns as `database`: every storage operation then goes through it (js/adapter-bridge.js).
 */
module.exports = require("@better-auth/drizzle-adapter");
