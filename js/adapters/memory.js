"use strict";
/**
 * `better-auth-rs/adapters/memory`: Better Auth's `memoryAdapter` (from `@better-auth/memory-adapter`, an
 * optional peer dependency), unchanged, as `better-auth/adapters/memory` exports it. Pass what it
 * returns as `database`: every storage operation then goes through it (js/adapter-bridge.js).
 */
module.exports = require("@better-auth/memory-adapter");
