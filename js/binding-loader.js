"use strict";
/**
 * Loads the napi binding: the prebuilt per-platform package that npm installed through
 * `optionalDependencies` (`better-auth-rs-linux-x64-gnu`, ...), else a build from source next to
 * package.json (`better-auth-rs.<platform>.node`, from `npm run build` in a git checkout). When
 * neither loads, one error says why, naming the platform and what to do: a bundler that swallowed
 * the package (Next.js without `serverExternalPackages`), the Edge runtime, no binary installed
 * or built for this platform, or a binary that would not load (an older glibc).
 */
let cached;

/**
 * The prebuilt platform packages, one per `napi.targets` entry in package.json (npm/<key>/ holds
 * each one's manifest; `npm run pack:local` and the release workflow build them). Linux binaries
 * are linked against the glibc named here (cargo-zigbuild), so they load on that glibc or newer.
 */
const PREBUILT = {
  "linux-x64-gnu": { triple: "x86_64-unknown-linux-gnu", glibc: "2.17" },
  "linux-arm64-gnu": { triple: "aarch64-unknown-linux-gnu", glibc: "2.17" },
  "darwin-x64": { triple: "x86_64-apple-darwin" },
  "darwin-arm64": { triple: "aarch64-apple-darwin" },
  "win32-x64-msvc": { triple: "x86_64-pc-windows-msvc" },
};
const PACKAGE = "better-auth-rs";

/**
 * This process's platform in napi-rs's naming (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`),
 * with a readable description and, on Linux, the C library. Never throws. The C library comes
 * from /usr/bin/ldd (what napi-rs's loaders read: microseconds); the glibc version, only wanted
 * in error messages, from `process.report` (tens of milliseconds), when `withVersion` is set or
 * ldd tells nothing.
 * @param {any} [proc] process, or a stand-in (tests)
 * @param {boolean} [withVersion]
 * @returns {{ key: string, label: string, libc: string | null, glibc: string | null | undefined }}
 */
function currentPlatform(proc = process, withVersion = false) {
  const platform = String((proc && proc.platform) || "unknown");
  const arch = String((proc && proc.arch) || "unknown");
  let libc = null;
  let glibc; // undefined: not looked up
  let key = `${platform}-${arch}`;
  if (platform === "linux") {
    if (!withVersion && proc === process) {
      try {
        const ldd = require("node:fs").readFileSync("/usr/bin/ldd", "latin1");
        if (ldd.includes("musl")) libc = "musl";
        else if (ldd.includes("GNU C Library") || ldd.includes("GLIBC")) libc = "gnu";
      } catch {}
    }
    if (!libc) {
      glibc = null;
      try {
        const report = proc.report;
        const exclude = report.excludeNetwork;
        report.excludeNetwork = true; // no DNS look-ups for the report's network section
        try {
          glibc = report.getReport().header.glibcVersionRuntime || null;
        } finally {
          report.excludeNetwork = exclude;
        }
        libc = glibc ? "gnu" : "musl";
      } catch {
        libc = "gnu"; // no way to tell: the common case
      }
    }
    key += `-${libc}`;
  } else if (platform === "win32") {
    key += "-msvc";
  }
  const names = { linux: "Linux", darwin: "macOS", win32: "Windows" };
  let label = `${names[platform] || platform} ${arch}`;
  if (libc === "musl") label += ", musl libc";
  else if (libc) label += glibc ? `, glibc ${glibc}` : ", glibc";
  return { key, label, libc, glibc };
}

/** Compares dotted versions: < 0 when a is older than b. */
function compareVersions(a, b) {
  const pa = String(a).split(".").map(Number);
  const pb = String(b).split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

/** True when `e` is "Cannot find module" for `id` itself (not for something it requires). */
function isNotFound(e, id) {
  return !!e && (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_MODULE_NOT_FOUND") && String(e.message).includes(id);
}

/**
 * Tries the platform package, then the local build, for `platform` (`currentPlatform()`), with
 * `candidates[key]` = [package.json of the platform package, the package, the local build] as
 * functions that require them. Returns the binding, or throws one error (code
 * `BETTER_AUTH_RS_NO_BINARY`) naming the platform, what was tried and what to do.
 * @param {ReturnType<typeof currentPlatform>} platform
 * @param {Record<string, Array<() => any>>} candidates
 * @param {string} version this package's version
 * @param {(key: string) => any} [requireLocal] the local build for a platform without prebuilt package
 */
function pickBinary(platform, candidates, version, requireLocal) {
  const { key } = platform;
  const pkg = `${PACKAGE}-${key}`;
  const file = `${PACKAGE}.${key}.node`;
  const target = PREBUILT[key];
  const tried = [];
  let firstError = null;
  const fail = (what, e) => {
    if (!firstError) firstError = e;
    tried.push(what);
  };
  const found = candidates[key];
  if (found) {
    const [pkgJson, pkgMain, local] = found;
    let installed = null;
    try {
      installed = pkgJson().version;
    } catch (e) {
      fail(isNotFound(e, pkg) ? `${pkg} (the prebuilt package): not installed` : `${pkg}: unreadable (${e.message})`, e);
    }
    if (installed !== null && version !== null && installed !== version) {
      fail(`${pkg} (the prebuilt package): version ${installed} installed, ${PACKAGE} ${version} needs ${version}`, new Error(`${pkg} ${installed} != ${version}`));
    } else if (installed !== null) {
      try {
        return pkgMain();
      } catch (e) {
        fail(`${pkg}@${installed} (the prebuilt package): installed but did not load: ${e.message}`, e);
      }
    }
    try {
      return local();
    } catch (e) {
      fail(isNotFound(e, file) ? `${file} (a build from source): not built` : `${file} (a build from source): did not load: ${e.message}`, e);
    }
  } else if (requireLocal) {
    try {
      return requireLocal(key);
    } catch (e) {
      fail(isNotFound(e, file) ? `${file} (a build from source): not built` : `${file} (a build from source): did not load: ${e.message}`, e);
    }
  }

  // the glibc version, for the message (process.report is slow, so only now)
  if (platform.libc === "gnu" && platform.glibc === undefined) {
    const full = currentPlatform(process, true);
    if (full.key === key) platform = full;
  }
  const lines = [];
  if (target) {
    lines.push(`better-auth-rs: no native binary loaded for this platform, ${key} (${platform.label}).`);
    for (const t of tried) lines.push(`  - ${t}`);
    const tooOld = target.glibc && platform.glibc && compareVersions(platform.glibc, target.glibc) < 0;
    if (tooOld) {
      lines.push(`The prebuilt binary needs glibc ${target.glibc} or newer; this system has glibc ${platform.glibc}. Build from source instead (below).`);
    } else if (tried.some((t) => t.startsWith(pkg) && !t.includes("did not load"))) {
      lines.push(
        `Install the prebuilt binary: \`npm install ${pkg}@${version ?? "latest"}\`. npm leaves this optional dependency out ` +
          "when installing with --omit=optional (or --no-optional), or with a package-lock.json made on another " +
          "platform (npm/cli#4828); reinstalling without those also brings it.",
      );
    }
    lines.push(`From a git checkout of better-auth-rs: \`npm install\` builds ${file} when Rust is installed (rustup.rs), or \`npm run build\`.`);
  } else {
    lines.push(`better-auth-rs: no prebuilt binary for this platform, ${key} (${platform.label}).`);
    lines.push(
      "Prebuilt packages exist for " +
        Object.entries(PREBUILT).map(([k, t]) => (t.glibc ? `${k} (glibc ${t.glibc}+)` : k)).join(", ") + ".",
    );
    for (const t of tried) lines.push(`  - ${t}`);
    lines.push(
      `Build one from source: in a git checkout of better-auth-rs, with Rust installed (rustup.rs), \`npm install\` builds ${file}; ` +
        "then depend on that checkout (`npm install /path/to/better-auth-rs`).",
    );
  }
  const err = new Error(lines.join("\n"));
  err.code = "BETTER_AUTH_RS_NO_BINARY";
  err.platform = key;
  err.requireError = firstError;
  throw err;
}

/**
 * What this module can tell about how it is being run. Each test is written so that a bundler
 * rewrites it in place (webpack and Turbopack replace `typeof __webpack_require__` and Next's
 * `process.env.*` defines at build time), so it must stay a literal expression, not a lookup.
 * @returns {{ bundler: string | null, nextRuntime: string | null, filename: string }}
 */
function environment() {
  let bundler = null;
  // Next.js defines these for the code it bundles (webpack, Turbopack, Rspack); a package that
  // Node loads itself (serverExternalPackages) sees none of them
  let nextBundler;
  try {
    nextBundler = process.env.__NEXT_BUNDLER;
  } catch {
    nextBundler = undefined;
  }
  if (typeof nextBundler === "string" && nextBundler) bundler = nextBundler;
  else if (typeof __webpack_require__ !== "undefined") bundler = "webpack"; // eslint-disable-line no-undef
  else if (typeof __non_webpack_require__ !== "undefined") bundler = "webpack"; // eslint-disable-line no-undef
  else if (typeof __turbopack_context__ !== "undefined") bundler = "Turbopack"; // eslint-disable-line no-undef
  else {
    try {
      if (typeof process !== "undefined" && process.turbopack === true) bundler = "Turbopack";
    } catch {}
  }
  let filename = "";
  try {
    filename = typeof __filename === "string" ? __filename : "";
  } catch {}
  // a copy of this file under `.next/` was emitted by Next's bundler
  if (!bundler && /[\\/]\.next[\\/]/.test(filename)) bundler = "Next.js's bundler";
  let nextRuntime = null;
  try {
    nextRuntime = process.env.NEXT_RUNTIME || null;
  } catch {}
  return { bundler, nextRuntime, filename };
}

/**
 * The error to throw when the binding did not load, given `environment()`'s answer.
 * @param {unknown} cause what requireBinding() threw (`BETTER_AUTH_RS_NO_BINARY` when no binary loaded)
 * @param {{ bundler: string | null, nextRuntime: string | null }} env
 */
function loadFailure(cause, env) {
  const c = /** @type {any} */ (cause);
  const noBinary = !!c && c.code === "BETTER_AUTH_RS_NO_BINARY";
  // the require error itself: in a bundle it tells what the bundler did with the require
  const first = noBinary && c.requireError ? c.requireError : c;
  const because = "\nCause: " + (first && first.message ? first.message : String(first));
  let message;
  if (env.nextRuntime === "edge") {
    message =
      "better-auth-rs: the native addon cannot run on the Edge runtime. Run the route (and any middleware " +
      'that imports your auth instance) on Node.js: `export const runtime = "nodejs";`, and keep the ' +
      'package out of the bundle in next.config: `serverExternalPackages: ["better-auth-rs"]`.' + because;
  } else if (env.bundler) {
    message =
      `better-auth-rs: the package was bundled by ${env.bundler}, which cannot load a native addon. ` +
      "Leave it to Node's own require. In Next.js, add one line to next.config (js/ts):\n\n" +
      '  const nextConfig = { serverExternalPackages: ["better-auth-rs"] };\n\n' +
      "then restart `next dev` / re-run `next build`. With another bundler, mark `better-auth-rs` as " +
      "external (webpack `externals`, esbuild `--external:better-auth-rs`, Vite `ssr.external`)." + because;
  } else if (env.nextRuntime) {
    message =
      "better-auth-rs: the native addon could not be loaded in Next.js. If `better-auth-rs` is not in " +
      'next.config\'s `serverExternalPackages: ["better-auth-rs"]`, add it. Otherwise:\n' +
      (noBinary ? c.message : String(first && first.message ? first.message : first));
  } else if (noBinary) {
    return c;
  } else {
    message = "better-auth-rs: the native addon could not be loaded." + because;
  }
  const err = new Error(message);
  // bundled: the require error itself says what the bundler did
  err.cause = env.bundler || env.nextRuntime === "edge" ? first : cause;
  return err;
}

/**
 * Requires the addon (pickBinary: the platform package, then the local build), written so bundlers
 * do not follow the requires into the `.node` files, which they cannot place (a build error that
 * never names the fix): webpack evaluates `typeof __webpack_require__`, and Turbopack
 * `process.turbopack` (a Next.js define), at build time and skip the dead branch, so bundled code
 * throws and `loadFailure` says why. Node, and Next's output file tracing for
 * `serverExternalPackages` (which must still find the platform package and the addon), see plain
 * requires with literal names.
 */
function requireBinding() {
  if (typeof __webpack_require__ !== "undefined" || process.turbopack === true) { // eslint-disable-line no-undef
    const e = new Error("this copy of better-auth-rs was compiled into a bundle, so it cannot require its native addon");
    e.code = "BUNDLED";
    throw e;
  } else {
    // [the platform package's package.json, the platform package, the build from source]
    const candidates = {
      "linux-x64-gnu": [
        () => require("better-auth-rs-linux-x64-gnu/package.json"),
        () => require("better-auth-rs-linux-x64-gnu"),
        () => require("../better-auth-rs.linux-x64-gnu.node"),
      ],
      "linux-arm64-gnu": [
        () => require("better-auth-rs-linux-arm64-gnu/package.json"),
        () => require("better-auth-rs-linux-arm64-gnu"),
        () => require("../better-auth-rs.linux-arm64-gnu.node"),
      ],
      "darwin-x64": [
        () => require("better-auth-rs-darwin-x64/package.json"),
        () => require("better-auth-rs-darwin-x64"),
        () => require("../better-auth-rs.darwin-x64.node"),
      ],
      "darwin-arm64": [
        () => require("better-auth-rs-darwin-arm64/package.json"),
        () => require("better-auth-rs-darwin-arm64"),
        () => require("../better-auth-rs.darwin-arm64.node"),
      ],
      "win32-x64-msvc": [
        () => require("better-auth-rs-win32-x64-msvc/package.json"),
        () => require("better-auth-rs-win32-x64-msvc"),
        () => require("../better-auth-rs.win32-x64-msvc.node"),
      ],
    };
    let version = null;
    try {
      version = require("../package.json").version;
    } catch {}
    // a platform without a prebuilt package: only a build from source can serve it
    const local = (key) => require(`${__dirname}/../${PACKAGE}.${key}.node`);
    return pickBinary(currentPlatform(), candidates, version, local);
  }
}

function loadBinding() {
  if (cached) return cached;
  try {
    cached = requireBinding();
  } catch (e) {
    throw loadFailure(e, environment());
  }
  return cached;
}

module.exports = { loadBinding, loadFailure, environment, currentPlatform, pickBinary, PREBUILT };
