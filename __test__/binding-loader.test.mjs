// The addon's load error (issue 23.6): a bundler that swallowed the package (Next.js without
// `serverExternalPackages`) is named with the one-line next.config fix, instead of "not built for
// this platform". The bundled condition is simulated by running js/binding-loader.js the way a
// bundler's output runs it: in a module wrapper where `__webpack_require__` exists, Next's
// `process.env.__NEXT_BUNDLER` define has a value, or the file sits under `.next/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import path from "node:path";

const require = createRequire(import.meta.url);
const loaderPath = require.resolve("../js/binding-loader.js");
const source = readFileSync(loaderPath, "utf8");
const FIX = 'serverExternalPackages: ["better-auth-rs"]';

/** Runs the loader as a bundle would, with `globals` visible to it, and returns loadBinding()'s error. */
function loadAs({ globals = {}, env = {}, filename = loaderPath, turbopack } = {}) {
  const proc = { env: { ...env } };
  if (turbopack !== undefined) proc.turbopack = turbopack;
  const context = vm.createContext({ process: proc, Error, String, RegExp, ...globals });
  const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, context);
  const mod = { exports: {} };
  const fakeRequire = (id) => {
    // what webpack's stub for a module it could not place throws at run time
    const e = new Error(`Cannot find module '${id}'`);
    e.code = "MODULE_NOT_FOUND";
    throw e;
  };
  wrapper(mod.exports, fakeRequire, mod, filename, path.dirname(filename));
  try {
    mod.exports.loadBinding();
  } catch (e) {
    return e;
  }
  assert.fail("loadBinding() should have thrown");
}

test("webpack (__webpack_require__ in scope): names the bundler and shows the next.config line", () => {
  const e = loadAs({ globals: { __webpack_require__: function () {} } });
  assert.match(e.message, /bundled by webpack/);
  assert.ok(e.message.includes(FIX), e.message);
  assert.doesNotMatch(e.message, /not built for this platform/);
  assert.match(e.message, /compiled into a bundle/);
  assert.equal(e.cause.code, "BUNDLED");
});

test("a bundle where the require itself fails (Turbopack: the ignored require runs from .next/server/chunks)", () => {
  const e = loadAs({ env: { __NEXT_BUNDLER: "Turbopack", NEXT_RUNTIME: "nodejs" }, filename: "/srv/app/.next/server/chunks/[root-of-the-server]__0zcd._.js" });
  assert.match(e.message, /bundled by Turbopack/);
  assert.match(e.message, /Cannot find module '\.\.\/binding\.js'/);
  assert.equal(e.cause.code, "MODULE_NOT_FOUND");
});

test("Next's define (process.env.__NEXT_BUNDLER, as Turbopack and webpack builds set it)", () => {
  for (const b of ["Turbopack", "Webpack", "Rspack"]) {
    const e = loadAs({ env: { __NEXT_BUNDLER: b, NEXT_RUNTIME: "nodejs" } });
    assert.match(e.message, new RegExp(`bundled by ${b}`));
    assert.ok(e.message.includes(FIX));
    assert.doesNotMatch(e.message, /not built for this platform/);
  }
});

test("Turbopack's module context or process.turbopack (defined true in its bundles: the require is never tried)", () => {
  assert.match(loadAs({ globals: { __turbopack_context__: {} } }).message, /bundled by Turbopack/);
  const e = loadAs({ turbopack: true });
  assert.match(e.message, /bundled by Turbopack/);
  assert.equal(e.cause.code, "BUNDLED");
});

test("a copy of the loader emitted under .next/ counts as bundled", () => {
  const e = loadAs({ filename: "/srv/app/.next/server/chunks/ssr/[root-of-the-server]__abc._.js" });
  assert.match(e.message, /bundled by Next\.js's bundler/);
  assert.ok(e.message.includes(FIX));
  const w = loadAs({ filename: "C:\\app\\.next\\server\\chunks\\x.js" });
  assert.ok(w.message.includes(FIX));
});

test("the Edge runtime: says to run on Node.js", () => {
  const e = loadAs({ env: { NEXT_RUNTIME: "edge", __NEXT_BUNDLER: "Turbopack" } });
  assert.match(e.message, /cannot run on the Edge runtime/);
  assert.match(e.message, /export const runtime = "nodejs"/);
  assert.ok(e.message.includes(FIX));
});

test("in Next.js but not bundled: both possible causes are named", () => {
  const e = loadAs({ env: { NEXT_RUNTIME: "nodejs" } });
  assert.ok(e.message.includes(FIX));
  assert.match(e.message, /not built\s+for this platform/);
});

test("plain Node without a built addon: the build instructions, no bundler talk", () => {
  const e = loadAs();
  assert.match(e.message, /not built for this platform/);
  assert.doesNotMatch(e.message, /serverExternalPackages|bundled/);
});

test("the real loader, unbundled, sees no bundler", () => {
  const { environment } = require("../js/binding-loader.js");
  const env = environment();
  assert.equal(env.bundler, null);
});
