"use strict";
/**
 * The Express 5 example app. Works with better-auth-rs and with the original better-auth:
 *
 *   const { toNodeHandler, fromNodeHeaders } = require("better-auth-rs/node"); // or "better-auth/node"
 *   const app = createApp({ auth, toNodeHandler, fromNodeHeaders });
 *
 * Routes: /api/auth/* (the auth handler, with the admin plugin's /api/auth/admin/*), GET /api/me
 * (signed-in only), GET /api/admin/stats (role "admin"), /api/projects (per-permission, see
 * permissions.js), GET / (a small test page).
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

/** The roles of a user: the admin plugin stores several comma-joined ("editor,admin"). */
function rolesOf(user, defaultRole = "user") {
  const roles = String(user?.role ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  // a user without a role has the plugin's default role, as in its permission checks
  return roles.length ? roles : [defaultRole];
}

/**
 * Role guard for routes behind `requireAuth`: one of the user's roles (the admin plugin's
 * `user.role`) must be one of `roles`, else 403 `{ "error": "Forbidden" }`.
 */
function requireRole(...roles) {
  return function requireRoleMiddleware(req, res, next) {
    if (!req.user) return res.status(401).json({ error: "Unauthorized" });
    if (!rolesOf(req.user).some((r) => roles.includes(r))) return res.status(403).json({ error: "Forbidden" });
    next();
  };
}

/**
 * Permission guard for routes behind `requireAuth`, e.g. `requirePermission({ project: ["delete"] })`:
 * asks the admin plugin whether the signed-in user's roles grant every listed action
 * (`auth.api.userHasPermission`, evaluated with the roles given to `admin({ ac, roles })`), else
 * 403 `{ "error": "Forbidden" }`. The auth instance is the app's (`app.locals.auth`, set by
 * createApp); it must have the admin plugin.
 */
function requirePermission(permissions) {
  return async function requirePermissionMiddleware(req, res, next) {
    try {
      if (!req.user) return res.status(401).json({ error: "Unauthorized" });
      const { auth } = req.app.locals;
      if (typeof auth?.api?.userHasPermission !== "function") {
        throw new Error("requirePermission needs an auth instance with the admin plugin");
      }
      // no headers: the plugin checks the stored user with this id (the session was read by requireAuth)
      const { success } = await auth.api.userHasPermission({ body: { userId: req.user.id, permissions } });
      if (success !== true) return res.status(403).json({ error: "Forbidden" });
      next();
    } catch (err) {
      next(err);
    }
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
  app.locals.auth = auth; // for requirePermission

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

  // projects (in memory): each route asks for the permission it needs (roles in permissions.js)
  const projects = new Map();
  let nextProjectId = 1;
  app.get("/api/projects", guard, requirePermission({ project: ["read"] }), (req, res) => {
    res.json({ projects: [...projects.values()] });
  });
  app.post("/api/projects", guard, requirePermission({ project: ["create"] }), (req, res) => {
    const name = typeof req.body?.name === "string" ? req.body.name.trim() : "";
    if (!name) return res.status(400).json({ error: "name is required" });
    const project = { id: String(nextProjectId++), name, createdBy: req.user.id };
    projects.set(project.id, project);
    res.status(201).json({ project });
  });
  app.delete("/api/projects/:id", guard, requirePermission({ project: ["delete"] }), (req, res) => {
    if (!projects.delete(req.params.id)) return res.status(404).json({ error: "Not Found" });
    res.json({ deleted: req.params.id });
  });
  // a role guard with several roles: editors and admins
  app.get("/api/editor/drafts", guard, requireRole("editor", "admin"), (req, res) => {
    res.json({ drafts: [], roles: rolesOf(req.user) });
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

module.exports = { createApp, requireAuth, requireRole, requirePermission };
