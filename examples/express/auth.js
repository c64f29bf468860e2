"use strict";
const path = require("node:path");
const { betterAuth } = require("better-auth-rs");
const { admin } = require("better-auth-rs/plugins"); // was: better-auth/plugins
const { ac, roles } = require("./permissions");

// DEV ONLY fallback: set BETTER_AUTH_SECRET (32+ random chars, e.g. `openssl rand -base64 32`)
// anywhere real users sign in. Anyone who knows the secret can forge session cookies.
const DEV_SECRET = "dev-only-INSECURE-secret-change-me-0123456789";
const secret = process.env.BETTER_AUTH_SECRET || DEV_SECRET;
if (secret === DEV_SECRET && process.env.NODE_ENV === "production") {
  throw new Error("examples/express: set BETTER_AUTH_SECRET in production");
}

// ADMIN_EMAILS=a@x.com,b@y.com: those users get role "admin" when they sign up (the first admin;
// after that, admins change roles through /api/auth/admin/set-role).
const adminEmails = new Set((process.env.ADMIN_EMAILS || "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean));

const auth = betterAuth({
  database: process.env.AUTH_DB || path.join(__dirname, "auth.db"), // embedded SQLite file
  emailAndPassword: { enabled: true },
  // the admin plugin: user.role/banned columns (clients cannot set them), /api/auth/admin/*
  // endpoints, and the roles of permissions.js (user, editor, admin; new users get "user")
  plugins: [admin({ ac, roles, defaultRole: "user" })],
  databaseHooks: {
    user: {
      create: {
        // runs after the plugin's own hook (which writes defaultRole): this one has the last word
        before: async (user) => (adminEmails.has(user.email) ? { data: { ...user, role: "admin" } } : undefined),
      },
    },
  },
  // a separate front end (e.g. a Vite dev server) may call the API with cookies
  trustedOrigins: (process.env.FRONTEND_ORIGINS || "").split(",").filter(Boolean),
  baseURL: process.env.BETTER_AUTH_URL || "http://localhost:" + (process.env.PORT || 3000),
  secret,
});

module.exports = { auth };
