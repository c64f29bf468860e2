"use strict";
const path = require("node:path");
const { betterAuth } = require("better-auth-rs");

// DEV ONLY fallback: set BETTER_AUTH_SECRET (32+ random chars, e.g. `openssl rand -base64 32`)
// anywhere real users sign in. Anyone who knows the secret can forge session cookies.
const DEV_SECRET = "dev-only-INSECURE-secret-change-me-0123456789";
const secret = process.env.BETTER_AUTH_SECRET || DEV_SECRET;
if (secret === DEV_SECRET && process.env.NODE_ENV === "production") {
  throw new Error("examples/express: set BETTER_AUTH_SECRET in production");
}

const auth = betterAuth({
  database: process.env.AUTH_DB || path.join(__dirname, "auth.db"), // embedded SQLite file
  emailAndPassword: { enabled: true },
  baseURL: process.env.BETTER_AUTH_URL || "http://localhost:" + (process.env.PORT || 3000),
  secret,
});

module.exports = { auth };
