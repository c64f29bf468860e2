"use strict";
/**
 * `better-auth-rs/adapters/mongodb`: Better Auth's `mongodbAdapter` (from `@better-auth/mongo-adapter`, an
 * optional peer dependency), unchanged, as `better-auth/adapters/mongodb` exports it. Pass what it
 * returns as `database`: every storage operation then goes through it (js/adapter-bridge.js).
 */
module.exports = require("@better-auth/mongo-adapter");
