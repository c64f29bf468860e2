"use strict";
/**
 * `better-auth-rs/adapters/prisma`: Better Auth's `prismaAdapter` (from `@better-auth/prisma-adapter`, an
 * optional peer dependency), unchanged, as `better-auth/adapters/prisma` exports it. Pass what it
 * returns as `database`: every storage operation then goes through it (js/adapter-bridge.js).
 */
module.exports = require("@better-auth/prisma-adapter");
