"use strict";
/** `better-auth-rs/next-js`: `toNextJsHandler` and `nextCookies`, as `better-auth/next-js`. */
const { nextCookies } = require("./next-cookies.js");

/**
 * @param {{ handler: (r: Request) => Promise<Response> } | ((r: Request) => Promise<Response>)} auth
 * @returns {{ GET, POST, PATCH, PUT, DELETE }} route handlers for `app/api/auth/[...all]/route.ts`
 */
function toNextJsHandler(auth) {
  const handler = async (request) => ("handler" in auth ? auth.handler(request) : auth(request));
  return { GET: handler, POST: handler, PATCH: handler, PUT: handler, DELETE: handler };
}

module.exports = { toNextJsHandler, nextCookies };
