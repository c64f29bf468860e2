"use strict";
// `npm start` → http://localhost:3000 (PORT to change it; PORT=0 picks a free port).
const http = require("node:http");
const { toNodeHandler, fromNodeHeaders } = require("better-auth-rs/node");
const { createApp } = require("./app");

const server = http.createServer();
server.listen(Number(process.env.PORT || 3000), () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  // Known only now when PORT=0: auth.js derives its baseURL (the trusted origin) from PORT.
  process.env.PORT = String(port);
  const { auth } = require("./auth");
  const trustedOrigins = (process.env.FRONTEND_ORIGINS || "").split(",").filter(Boolean);
  server.on("request", createApp({ auth, toNodeHandler, fromNodeHeaders, trustedOrigins }));
  console.log(`better-auth-rs example listening on http://localhost:${port}`);
});
