"use strict";
/**
 * The Express 5 example app. Works with better-auth-rs and with the original better-auth:
 *
 *   const { toNodeHandler, fromNodeHeaders } = require("better-auth-rs/node"); // or "better-auth/node"
 *   const app = createApp({ auth, toNodeHandler, fromNodeHeaders });
 *
 * Routes: /api/auth/* (the auth handler), GET /api/me (signed-in only), GET / (a small test page).
 */
const path = require("node:path");
const express = require("express");

/**
 * Express middleware factory: reads the session from the request's cookies. Signed in → sets
 * `req.user` / `req.session` and continues; signed out → 401 `{ "error": "Unauthorized" }`.
 */
function requireAuth({ auth, fromNodeHeaders }) {
  return async function requireAuthMiddleware(req, res, next) {
    try {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (!session) return res.status(401).json({ error: "Unauthorized" });
      req.user = session.user;
      req.session = session.session;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Role guard for routes behind `requireAuth`: the user's `role` (an additional field, see
 * auth.js) must be one of `roles`, else 403 `{ "error": "Forbidden" }`.
 */
function requireRole(...roles) {
  return function requireRoleMiddleware(req, res, next) {
    const userRoles = String(req.user?.role ?? "").split(",").map((r) => r.trim());
    if (!roles.some((r) => userRoles.includes(r))) return res.status(403).json({ error: "Forbidden" });
    next();
  };
}

/**
 * CORS for explicitly listed origins only (Better Auth sets no CORS headers itself). The page
 * served by this app is same-origin and needs none of this; it is for a front end on another
 * origin, which must also be in the auth instance's `trustedOrigins`.
 */
function cors(origins) {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) return next();
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.vary("Origin");
    if (req.method === "OPTIONS") {
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] || "content-type");
      res.setHeader("Access-Control-Max-Age", "600");
      return res.status(204).end();
    }
    next();
  };
}

/**
 * @param {{ auth?: any, toNodeHandler?: Function, fromNodeHeaders?: Function, trustedOrigins?: string[] }} [opts]
 * @returns {import("express").Express}
 */
function createApp({ auth, toNodeHandler, fromNodeHeaders, trustedOrigins } = {}) {
  if (!auth || typeof toNodeHandler !== "function" || typeof fromNodeHeaders !== "function") {
    throw new TypeError("createApp({ auth, toNodeHandler, fromNodeHeaders }): all three are required");
  }
  const app = express();
  app.disable("x-powered-by");
  const guard = requireAuth({ auth, fromNodeHeaders });
  app.locals.requireAuth = guard;

  if (trustedOrigins && trustedOrigins.length) app.use("/api", cors(trustedOrigins));

  // The auth handler reads the raw body itself: mount it before any body parser.
  app.all("/api/auth/*splat", toNodeHandler(auth));

  app.use(express.json());

  app.get("/api/me", guard, (req, res) => {
    res.json({ user: req.user, session: req.session });
  });

  // an admin-only route: requireAuth first, then the role check
  app.get("/api/admin/stats", guard, requireRole("admin"), (req, res) => {
    res.json({ ok: true, admin: req.user.email });
  });

  app.get("/", (req, res, next) => {
    res.sendFile(path.join(__dirname, "public", "index.html"), (err) => err && next(err));
  });

  app.use("/api", (req, res) => res.status(404).json({ error: "Not Found" }));

  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    const status = Number(err && (err.status || err.statusCode));
    if (status >= 400 && status < 500) {
      // e.g. malformed JSON caught by express.json()
      return res.status(status).json({ error: err.expose && err.message ? err.message : "Bad Request" });
    }
    console.error("[example] unhandled error:", err);
    if (res.headersSent) return res.end();
    res.status(500).json({ error: "Internal Server Error" });
  });

  return app;
}

module.exports = { createApp, requireAuth, requireRole };
