"use strict";
// The Express example with the jwt() and bearer() plugins, for backends that verify tokens
// (examples/fastapi). Configured by env:
//   JWT_MODE=eddsa|hs256, JWT_SECRET (hs256), JWT_ISSUER, JWT_AUDIENCE, JWT_EXPIRES ("15m"...),
//   AUTH_DB (SQLite file), PORT (0 = free port), BETTER_AUTH_SECRET.
// Prints `READY http://127.0.0.1:<port>` once listening.
const http = require("node:http");
const path = require("node:path");
const { betterAuth } = require("better-auth-rs");
const { jwt, bearer } = require("better-auth-rs/plugins");
const { toNodeHandler, fromNodeHeaders } = require("better-auth-rs/node");
const { createApp } = require("./app");

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  const origin = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  const mode = process.env.JWT_MODE || "eddsa";
  const jwtOptions = {
    ...(process.env.JWT_ISSUER ? { issuer: process.env.JWT_ISSUER } : {}),
    ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
    ...(process.env.JWT_EXPIRES ? { expirationTime: process.env.JWT_EXPIRES } : {}),
    ...(mode === "hs256" ? { algorithm: "HS256", secret: process.env.JWT_SECRET } : {}),
  };
  const auth = betterAuth({
    baseURL: origin,
    secret: process.env.BETTER_AUTH_SECRET || "dev-only-INSECURE-secret-change-me-0123456789",
    database: process.env.AUTH_DB || path.join(__dirname, "jwt-example.db"),
    emailAndPassword: { enabled: true },
    plugins: [jwt({ jwt: jwtOptions }), bearer()],
  });
  server.on("request", createApp({ auth, toNodeHandler, fromNodeHeaders }));
  console.log(`READY ${origin}`);
});
