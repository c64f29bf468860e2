"use strict";
/**
 * `better-auth-rs/adapters/kysely`: Better Auth's `kyselyAdapter` (from `@better-auth/kysely-adapter`, an
 * optional peer dependency), unchanged, as `better-auth/adapters/kysely` exports it. Pass what it
 * returns as `database`: every storage operation then goes through it (js/adapter-bridge.js).
 */
module.exports = require("@better-auth/kysely-adapter");
