"use strict";
/**
 * Loads the napi binding, with an actionable message when it cannot be loaded: a bundler that
 * swallowed the package (Next.js without `serverExternalPackages`), the Edge runtime, or an addon
 * that has not been built for this platform.
 */
let cached;

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
 * @param {unknown} cause
 * @param {{ bundler: string | null, nextRuntime: string | null }} env
 */
function loadFailure(cause, env) {
  const because = "\nCause: " + (cause && /** @type {any} */ (cause).message ? /** @type {any} */ (cause).message : String(cause));
  let message;
  if (env.nextRuntime === "edge") {
    message =
      "better-auth-rs: the native addon cannot run on the Edge runtime. Run the route (and any middleware " +
      'that imports your auth instance) on Node.js: `export const runtime = "nodejs";`, and keep the ' +
      'package out of the bundle in next.config: `serverExternalPackages: ["better-auth-rs"]`.';
  } else if (env.bundler) {
    message =
      `better-auth-rs: the package was bundled by ${env.bundler}, which cannot load a native addon. ` +
      "Leave it to Node's own require. In Next.js, add one line to next.config (js/ts):\n\n" +
      '  const nextConfig = { serverExternalPackages: ["better-auth-rs"] };\n\n' +
      "then restart `next dev` / re-run `next build`. With another bundler, mark `better-auth-rs` as " +
      "external (webpack `externals`, esbuild `--external:better-auth-rs`, Vite `ssr.external`).";
  } else if (env.nextRuntime) {
    message =
      "better-auth-rs: the native addon could not be loaded in Next.js. If `better-auth-rs` is not in " +
      'next.config\'s `serverExternalPackages: ["better-auth-rs"]`, add it; otherwise the addon is not built ' +
      "for this platform: run `npm run build` in the package (needs a Rust toolchain), or install a " +
      "published release with a prebuilt binary.";
  } else {
    message =
      "better-auth-rs: the native addon is not built for this platform. Run `npm run build` in the package " +
      "(needs a Rust toolchain), or install a published release with a prebuilt binary.";
  }
  const err = new Error(message + because);
  err.cause = cause;
  return err;
}

/**
 * `require("../binding.js")`, written so bundlers do not follow it into binding.js and its
 * `.node` file, which they cannot place (a build error that never names the fix): webpack
 * evaluates `typeof __webpack_require__`, and Turbopack `process.turbopack` (a Next.js define),
 * at build time and skip the dead branch, so bundled code throws and `loadFailure` says why.
 * Node, and Next's output file tracing for `serverExternalPackages` (which must still find
 * binding.js and the addon), see a plain require.
 */
function requireBinding() {
  if (typeof __webpack_require__ !== "undefined" || process.turbopack === true) { // eslint-disable-line no-undef
    const e = new Error("this copy of better-auth-rs was compiled into a bundle, so it cannot require its native addon");
    e.code = "BUNDLED";
    throw e;
  } else {
    return require("../binding.js");
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

module.exports = { loadBinding, loadFailure, environment };
