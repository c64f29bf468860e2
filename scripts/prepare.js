#!/usr/bin/env node
"use strict";
// `npm install` in a git checkout: build the native addon from source when no binary for this
// platform is present (npm runs `prepare` on install and again on pack; the guard makes the
// second run a no-op).
const { existsSync, readdirSync } = require("node:fs");
const { execSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const haveBinary = readdirSync(root).some((f) => f.startsWith("better-auth-rs.") && f.endsWith(".node"));
if (haveBinary && !process.env.BETTER_AUTH_RS_FORCE_BUILD) {
  process.exit(0);
}
if (!existsSync(path.join(root, "Cargo.toml"))) process.exit(0); // installed from a registry tarball
try {
  execSync("cargo --version", { stdio: "ignore" });
} catch {
  console.error("better-auth-rs: no prebuilt binary for this platform and no Rust toolchain (cargo) to build one. Install Rust from rustup.rs and run `npm run build`.");
  process.exit(1);
}
console.log("better-auth-rs: building the native addon from source (a few minutes the first time)...");
execSync("npm run build", { cwd: root, stdio: "inherit" });
