// Installing better-auth-rs as a user does, from the tarballs `npm run pack:local` writes into
// dist/ (what `npm publish` would upload), on a machine without Rust (issue 20): a fresh app in a
// temporary folder with its own package.json runs `npm install <tarballs>` with cargo and rustc
// absent from PATH, then signs up, signs in and reads the session on embedded SQLite, once with
// `require` and once with `import`. The installed binary must need no glibc symbol newer than the
// floor README states, and with the platform package left out, betterAuth() must fail with one
// message naming the platform and the package to install.
//
// `npm test` runs `npm run pack:local` (stage "npm packages") before the node suites; run alone,
// this file skips when dist/ holds no tarballs, or tarballs older than the sources they are made of.
import "./helpers/env.mjs";
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const pkg = require("../package.json");
const { PREBUILT, currentPlatform } = require("../js/binding-loader.js");
const run = promisify(execFile);

const host = currentPlatform();
const mainTgz = path.join(DIST, `${pkg.name}-${pkg.version}.tgz`);
const platformPkg = `${pkg.napi.binaryName}-${host.key}`;
const platformTgz = path.join(DIST, `${platformPkg}-${pkg.version}.tgz`);
const haveTarballs = existsSync(mainTgz) && existsSync(platformTgz);

/** The newest source file the tarballs are made from, when it is newer than they are. */
function newerSource() {
  const packed = Math.min(statSync(mainTgz).mtimeMs, statSync(platformTgz).mtimeMs);
  let newest = null;
  const visit = (rel) => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    const st = statSync(abs);
    if (st.isDirectory()) for (const f of readdirSync(abs)) visit(path.join(rel, f));
    else if (st.mtimeMs > packed && (!newest || st.mtimeMs > newest.mtimeMs)) newest = { rel, mtimeMs: st.mtimeMs };
  };
  for (const rel of ["package.json", "index.js", "index.mjs", "index.d.ts", "js", "bin", "src", "Cargo.toml", "Cargo.lock"]) visit(rel);
  return newest && newest.rel;
}
const stale = haveTarballs && newerSource();
const skip = !haveTarballs
  ? `no ${path.relative(ROOT, mainTgz)} and ${path.relative(ROOT, platformTgz)}: run \`npm run pack:local\``
  : stale
    ? `dist/ is older than ${stale}: run \`npm run pack:local\` (npm test does)`
    : false;

/** PATH without any folder that holds cargo or rustc (rustup's ~/.cargo/bin, a system Rust). */
function pathWithoutRust() {
  const exe = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  const hasRust = (dir) => ["cargo", "rustc", "rustup"].some((t) => exe.some((e) => existsSync(path.join(dir, t + e))));
  return (process.env.PATH || "").split(path.delimiter).filter((d) => d && !hasRust(d)).join(path.delimiter);
}

/** The environment the fresh app runs in: no Rust on PATH, no CARGO_* or RUSTUP_* hints, no project npm config. */
function appEnv(extra = {}) {
  const env = { ...process.env };
  // (Windows spells it Path)
  for (const k of Object.keys(env)) if (/^(CARGO|RUSTUP|RUSTC|RUST)_|^npm_|^path$/i.test(k)) delete env[k];
  Object.assign(env, { PATH: pathWithoutRust(), ...extra });
  delete env.NODE_OPTIONS;
  return env;
}

async function npmInstall(dir, tarballs, env) {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // --offline: everything comes from the tarballs (the package has no dependencies of its own);
  // npm skips the other platforms' optional packages it cannot fetch, as it does their 404s today
  return run(npm, ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
    cwd: dir, env, timeout: 240_000, shell: process.platform === "win32",
  });
}

function freshApp(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `better-auth-rs-${name}-`));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `fresh-${name}`, version: "1.0.0", private: true }, null, 2));
  return dir;
}

// The app's own code: sign-up over HTTP (auth.handler), sign-in through auth.api (cookies from
// asResponse), getSession with that cookie, then the session row read back through the handler.
const flow = (importLine, resolve) => `${importLine}
const auth = betterAuth({
  database: "./auth.db",
  emailAndPassword: { enabled: true },
  secret: "fresh-app-secret-fresh-app-secret-0123",
  baseURL: "http://localhost:3000",
});
const email = "fresh-" + Date.now() + "@example.com";
const password = "correct-horse-battery";
const up = await auth.handler(new Request("http://localhost:3000/api/auth/sign-up/email", {
  method: "POST",
  headers: { "content-type": "application/json", origin: "http://localhost:3000" },
  body: JSON.stringify({ email, password, name: "Fresh" }),
}));
if (up.status !== 200) throw new Error("sign-up: " + up.status + " " + (await up.text()));
const signedIn = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
if (signedIn.status !== 200) throw new Error("sign-in: " + signedIn.status + " " + (await signedIn.text()));
const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const session = await auth.api.getSession({ headers: { cookie } });
const viaHttp = await (await auth.handler(new Request("http://localhost:3000/api/auth/get-session", { headers: { cookie } }))).json();
const resolved = ${resolve};
console.log(JSON.stringify({ email: session && session.user.email, sessionUser: session && session.session.userId === session.user.id, httpEmail: viaHttp && viaHttp.user.email, resolved }));
`;

describe("installed from dist/ tarballs into a fresh app, no Rust on PATH", { skip }, () => {
  let dir;
  let env;
  before(async () => {
    env = appEnv();
    for (const tool of ["cargo", "rustc"]) {
      const r = spawnSync(tool, ["--version"], { env, encoding: "utf8" });
      assert.equal(r.error?.code, "ENOENT", `${tool} is still on the fresh app's PATH: ${r.stdout}`);
    }
    dir = freshApp("app");
    await npmInstall(dir, [mainTgz, platformTgz], env);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  test("npm installed the JS package without a binary, and the platform package with one", () => {
    const main = path.join(dir, "node_modules", pkg.name);
    const plat = path.join(dir, "node_modules", platformPkg);
    const mainFiles = readdirSync(main);
    assert.ok(!mainFiles.some((f) => f.endsWith(".node")), `main package ships a binary: ${mainFiles}`);
    assert.ok(!mainFiles.includes("Cargo.toml") && !mainFiles.includes("src"), "main package ships the Rust sources");
    const manifest = JSON.parse(readFileSync(path.join(main, "package.json"), "utf8"));
    assert.equal(manifest.optionalDependencies[platformPkg], pkg.version);
    assert.deepEqual(Object.keys(manifest.optionalDependencies).sort(), Object.keys(PREBUILT).map((k) => `${pkg.napi.binaryName}-${k}`).sort());
    const pm = JSON.parse(readFileSync(path.join(plat, "package.json"), "utf8"));
    assert.deepEqual(readdirSync(plat).sort(), ["README.md", pm.main, "package.json"].sort());
    assert.ok(statSync(path.join(plat, pm.main)).size > 1_000_000);
  });

  test("require: sign-up, sign-in, getSession on embedded SQLite", async () => {
    writeFileSync(path.join(dir, "app.cjs"), `const { betterAuth } = require("better-auth-rs");\n(async () => {\n${flow("", 'require.resolve("better-auth-rs")')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`);
    const { stdout } = await run(process.execPath, ["app.cjs"], { cwd: dir, env, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.match(out.email, /^fresh-\d+@example\.com$/);
    assert.equal(out.httpEmail, out.email);
    assert.equal(out.sessionUser, true);
    assert.ok(out.resolved.startsWith(path.join(dir, "node_modules", pkg.name)), out.resolved);
    assert.ok(existsSync(path.join(dir, "auth.db")));
  });

  test("import: the same flow from an ES module", async () => {
    writeFileSync(path.join(dir, "app.mjs"), flow(`import { betterAuth } from "better-auth-rs";`, 'import.meta.resolve("better-auth-rs")'));
    const { stdout } = await run(process.execPath, ["app.mjs"], { cwd: dir, env, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.match(out.email, /^fresh-\d+@example\.com$/);
    assert.equal(out.httpEmail, out.email);
    assert.ok(out.resolved.includes(`/node_modules/${pkg.name}/`), out.resolved);
  });

  test(`the installed binary needs no glibc newer than ${PREBUILT[host.key]?.glibc ?? "(not Linux)"}`, { skip: !PREBUILT[host.key]?.glibc && "not a glibc target" }, async () => {
    const { glibcNeeds } = await import("../scripts/build-dist.mjs");
    const plat = path.join(dir, "node_modules", platformPkg);
    const bin = path.join(plat, JSON.parse(readFileSync(path.join(plat, "package.json"), "utf8")).main);
    const { max, symbols, needed, cmp } = glibcNeeds(bin);
    const floor = PREBUILT[host.key].glibc;
    assert.ok(max, "no GLIBC_ symbol versions read");
    assert.ok(cmp(max, floor) <= 0, `needs GLIBC_${max} (${symbols.join(", ")}), newer than ${floor}`);
    assert.ok(needed.includes("libc.so.6"), needed.join(","));
    assert.ok(!needed.some((l) => /libstdc\+\+|libssl|libcrypto|libsqlite/.test(l)), `unexpected shared libraries: ${needed}`);
    // the floor README states
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.match(readme, new RegExp(`glibc ${floor.replace(".", "\\.")}`));
  });
});

describe("installed without the platform package", { skip }, () => {
  let dir;
  let env;
  before(async () => {
    env = appEnv();
    dir = freshApp("nobinary");
    // npm skips the optional platform packages it cannot fetch (not published here) or is told to omit
    await npmInstall(dir, ["--omit=optional", mainTgz], env);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  test("betterAuth() throws one message naming the platform and the package to install", async () => {
    writeFileSync(path.join(dir, "app.cjs"), `const { betterAuth } = require("better-auth-rs");
try { betterAuth({ database: "./auth.db", emailAndPassword: { enabled: true } }); console.log("loaded"); }
catch (e) { console.log(JSON.stringify({ message: e.message, code: e.code })); }\n`);
    const { stdout } = await run(process.execPath, ["app.cjs"], { cwd: dir, env, timeout: 60_000 });
    assert.notEqual(stdout.trim(), "loaded");
    const { message, code } = JSON.parse(stdout.trim());
    assert.equal(code, "BETTER_AUTH_RS_NO_BINARY");
    assert.ok(message.startsWith(`better-auth-rs: no native binary loaded for this platform, ${host.key} (`), message);
    assert.ok(message.includes(`npm install ${platformPkg}@${pkg.version}`), message);
    assert.ok(message.includes("--omit=optional"), message);
    assert.doesNotMatch(message, /bundled|serverExternalPackages/);
  });
});
