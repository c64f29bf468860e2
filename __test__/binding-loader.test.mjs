// The addon's load error (issue 23.6): a bundler that swallowed the package (Next.js without
// `serverExternalPackages`) is named with the one-line next.config fix, instead of "not built for
// this platform". The bundled condition is simulated by running js/binding-loader.js the way a
// bundler's output runs it: in a module wrapper where `__webpack_require__` exists, Next's
// `process.env.__NEXT_BUNDLER` define has a value, or the file sits under `.next/`.
import { test, describe } from "node:test";
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
  assert.match(e.message, /Cause: Cannot find module /);
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
  assert.match(e.message, /no (native|prebuilt) binary (loaded )?for this platform/);
});

test("plain Node without a built addon: the build instructions, no bundler talk", () => {
  const e = loadAs();
  assert.match(e.message, /^better-auth-rs: no (native|prebuilt) binary (loaded )?for this platform/);
  assert.equal(e.code, "BETTER_AUTH_RS_NO_BINARY");
  assert.doesNotMatch(e.message, /serverExternalPackages|bundled/);
});

test("the real loader, unbundled, sees no bundler", () => {
  const { environment } = require("../js/binding-loader.js");
  const env = environment();
  assert.equal(env.bundler, null);
});

// Which binary loads (issue 20): the prebuilt platform package npm installed from
// optionalDependencies, then a build from source, else one message naming the platform.
describe("pickBinary: the platform package, then the local build, else one message", () => {
  const { pickBinary, currentPlatform, PREBUILT } = require("../js/binding-loader.js");
  const linux = { key: "linux-x64-gnu", label: "Linux x64, glibc 2.36", libc: "gnu", glibc: "2.36" };
  const notFound = (id) => () => {
    const e = new Error(`Cannot find module '${id}'`);
    e.code = "MODULE_NOT_FOUND";
    throw e;
  };
  const PKG = "better-auth-rs-linux-x64-gnu";
  const LOCAL = "../better-auth-rs.linux-x64-gnu.node";
  const table = (pkgJson, pkg, local) => ({ "linux-x64-gnu": [pkgJson, pkg, local] });

  test("the installed platform package wins over a local build", () => {
    const got = pickBinary(linux, table(() => ({ version: "1.2.3" }), () => "prebuilt", () => "local"), "1.2.3");
    assert.equal(got, "prebuilt");
  });

  test("no platform package: the build from source", () => {
    assert.equal(pickBinary(linux, table(notFound(`${PKG}/package.json`), notFound(PKG), () => "local"), "1.2.3"), "local");
  });

  test("a platform package of another version is passed over for the local build, and named when nothing loads", () => {
    assert.equal(pickBinary(linux, table(() => ({ version: "1.0.0" }), () => "old", () => "local"), "1.2.3"), "local");
    assert.throws(
      () => pickBinary(linux, table(() => ({ version: "1.0.0" }), () => "old", notFound(LOCAL)), "1.2.3"),
      (e) => /version 1\.0\.0 installed/.test(e.message) && e.message.includes(`npm install ${PKG}@1.2.3`),
    );
  });

  test("nothing installed or built: names the platform, what was tried and the package to install", () => {
    assert.throws(
      () => pickBinary(linux, table(notFound(`${PKG}/package.json`), notFound(PKG), notFound(LOCAL)), "1.2.3"),
      (e) => {
        assert.equal(e.code, "BETTER_AUTH_RS_NO_BINARY");
        assert.equal(e.platform, "linux-x64-gnu");
        const lines = e.message.split("\n");
        assert.equal(lines[0], "better-auth-rs: no native binary loaded for this platform, linux-x64-gnu (Linux x64, glibc 2.36).");
        assert.match(lines[1], /better-auth-rs-linux-x64-gnu \(the prebuilt package\): not installed/);
        assert.match(lines[2], /better-auth-rs\.linux-x64-gnu\.node \(a build from source\): not built/);
        assert.ok(e.message.includes(`npm install ${PKG}@1.2.3`));
        assert.ok(e.message.includes("--omit=optional"));
        assert.ok(e.message.includes("npm run build"));
        return true;
      },
    );
  });

  test("an installed binary that does not load on an older glibc: says which glibc it needs", () => {
    const old = { ...linux, label: "Linux x64, glibc 2.12", glibc: "2.12" };
    const dlopen = () => {
      throw new Error("/lib64/libc.so.6: version `GLIBC_2.14' not found");
    };
    assert.throws(
      () => pickBinary(old, table(() => ({ version: "1.2.3" }), dlopen, notFound(LOCAL)), "1.2.3"),
      (e) => /installed but did not load: .*GLIBC_2\.14/.test(e.message) &&
        e.message.includes(`needs glibc ${PREBUILT["linux-x64-gnu"].glibc} or newer; this system has glibc 2.12`) &&
        !e.message.includes("npm install better-auth-rs-linux-x64-gnu"),
    );
  });

  test("a platform with no prebuilt package (musl): lists the prebuilt ones and how to build from source", () => {
    const musl = { key: "linux-x64-musl", label: "Linux x64, musl libc", libc: "musl", glibc: null };
    assert.equal(pickBinary(musl, table(), "1.2.3", () => "local musl"), "local musl");
    assert.throws(
      () => pickBinary(musl, table(), "1.2.3", notFound("/x/better-auth-rs.linux-x64-musl.node")),
      (e) => e.message.startsWith("better-auth-rs: no prebuilt binary for this platform, linux-x64-musl (Linux x64, musl libc).") &&
        e.message.includes("linux-x64-gnu (glibc 2.17+), linux-arm64-gnu (glibc 2.17+), darwin-x64, darwin-arm64, win32-x64-msvc") &&
        e.message.includes("better-auth-rs.linux-x64-musl.node"),
    );
  });

  test("currentPlatform names this machine in napi-rs's spelling, and survives a process without report", () => {
    const here = currentPlatform();
    assert.match(here.key, /^[a-z0-9]+-[a-z0-9]+(-(gnu|musl|msvc))?$/);
    assert.equal(currentPlatform({ platform: "win32", arch: "arm64" }).key, "win32-arm64-msvc");
    assert.equal(currentPlatform({ platform: "darwin", arch: "arm64" }).key, "darwin-arm64");
    assert.equal(currentPlatform({ platform: "linux", arch: "x64", report: { getReport: () => ({ header: { glibcVersionRuntime: "2.31" } }) } }).key, "linux-x64-gnu");
    assert.equal(currentPlatform({ platform: "linux", arch: "arm64", report: { getReport: () => ({ header: {} }) } }).key, "linux-arm64-musl");
    assert.equal(currentPlatform({}).key, "unknown-unknown");
  });

  test("the loader's targets are package.json's napi.targets, each with its committed npm/<platform>/ manifest", () => {
    const pkg = require("../package.json");
    assert.deepEqual(Object.values(PREBUILT).map((t) => t.triple), pkg.napi.targets);
    for (const [key, t] of Object.entries(PREBUILT)) {
      const m = require(`../npm/${key}/package.json`);
      assert.equal(m.name, `${pkg.napi.binaryName}-${key}`);
      assert.equal(m.version, pkg.version);
      assert.equal(m.main, `${pkg.napi.binaryName}.${key}.node`);
      assert.deepEqual(m.files, [m.main]);
      const [os, cpu] = key.split("-");
      assert.deepEqual(m.os, [os]);
      assert.deepEqual(m.cpu, [cpu]);
      if (t.glibc) assert.deepEqual(m.libc, ["glibc"]);
      // the loader requires each one by a literal name (bundlers and Next's file tracing read it)
      assert.ok(source.includes(`require("${m.name}")`) && source.includes(`require("../${m.main}")`), key);
    }
  });
});
