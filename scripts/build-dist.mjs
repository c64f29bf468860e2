#!/usr/bin/env node
// Builds the published binary of one platform package into npm/<platform>/ (what
// `npm run pack:local` packs and the release workflow uploads):
//
//   node scripts/build-dist.mjs [--target linux-x64-gnu|x86_64-unknown-linux-gnu|...] [--no-check]
//   node scripts/build-dist.mjs --tools-only    (install Zig and cargo-zigbuild when missing, then stop)
//
// Cargo's `dist` profile (fat LTO, one codegen unit), symbols stripped. Linux glibc targets are
// linked by cargo-zigbuild against the glibc floor named in js/binding-loader.js (2.17): the
// binary then loads on that glibc and every newer one, whatever glibc the build machine has.
//
// Where: a cache shared by every checkout on the machine, like ~/.cargo's crate cache
// ($BETTER_AUTH_RS_CACHE, default ~/.cache/better-auth-rs): Zig (PyPI `ziglang`) and
// cargo-zigbuild, pinned below, in a venv there (installed when missing), and the build's own
// Cargo target dir ($BETTER_AUTH_RS_DIST_TARGET_DIR, default <cache>/target-dist). Its own, so it
// never invalidates the `npm run build` artifacts in target/ (Zig's C compiler would make Cargo
// rebuild them); shared, so a second checkout (CI's fresh clone) compiles only this crate, not
// its ~300 dependencies again. After a Linux build the binary's dynamic symbols are read
// (readelf) and the build fails if any needs a newer glibc than the floor.
// macOS and Windows targets are built with plain cargo on their own runners
// (.github/workflows/release.yml); the target's Rust standard library must be installed.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ZIGLANG_VERSION = "0.15.2";
const CARGO_ZIGBUILD_VERSION = "0.24.1";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { PREBUILT, currentPlatform } = require("../js/binding-loader.js");
const binaryName = require("../package.json").napi.binaryName;
export const CACHE = process.env.BETTER_AUTH_RS_CACHE ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "better-auth-rs");
/** The venv with the pinned Zig and cargo-zigbuild (its name changes with the pins). */
export const ZIG_VENV = path.join(CACHE, `zig-tools-${ZIGLANG_VERSION}-${CARGO_ZIGBUILD_VERSION}`);

function die(message) {
  console.error(`build-dist: ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  console.log(`$ ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.error) die(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) die(`${cmd} ${args[0] ?? ""} exited with ${r.status ?? r.signal}`);
}

function works(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: "ignore", env });
  return !r.error && r.status === 0;
}

/**
 * The pinned Zig and cargo-zigbuild first on PATH, installed from PyPI into ZIG_VENV when missing
 * (cargo-zigbuild runs `python3 -m ziglang`, the venv's python3, when no `zig` is on PATH).
 * @returns {NodeJS.ProcessEnv} the environment to build with
 */
function zigEnv() {
  const env = { ...process.env };
  const bin = path.join(ZIG_VENV, process.platform === "win32" ? "Scripts" : "bin");
  env.PATH = `${bin}${path.delimiter}${env.PATH}`;
  const ready = () => existsSync(path.join(bin, "cargo-zigbuild")) && works(path.join(bin, "python"), ["-m", "ziglang", "version"], env);
  if (!ready()) {
    console.log(`build-dist: installing ziglang==${ZIGLANG_VERSION} and cargo-zigbuild==${CARGO_ZIGBUILD_VERSION} (PyPI) into ${ZIG_VENV}`);
    rmSync(ZIG_VENV, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    run(works("python3", ["--version"]) ? "python3" : "python", ["-m", "venv", ZIG_VENV]);
    run(path.join(bin, "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check",
      `ziglang==${ZIGLANG_VERSION}`, `cargo-zigbuild==${CARGO_ZIGBUILD_VERSION}`]);
    if (!ready()) die(`cargo-zigbuild or zig did not start from ${bin}`);
  }
  return env;
}

/** Highest GLIBC_x.y version a shared object's dynamic symbols need, with the symbols needing it. */
export function glibcNeeds(file) {
  const r = spawnSync("readelf", ["--dyn-syms", "--wide", file], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`readelf --dyn-syms ${file}: ${r.error?.message ?? r.stderr}`);
  const versions = new Map(); // version -> symbols
  for (const line of r.stdout.split("\n")) {
    const m = line.match(/\sUND\s+(\S+)@GLIBC_(\d+(?:\.\d+)+)/);
    if (!m) continue;
    const list = versions.get(m[2]) ?? [];
    list.push(m[1]);
    versions.set(m[2], list);
  }
  const cmp = (a, b) => {
    const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
    return 0;
  };
  const sorted = [...versions.keys()].sort(cmp);
  const max = sorted.at(-1) ?? null;
  const needed = spawnSync("readelf", ["--dynamic", "--wide", file], { encoding: "utf8" }).stdout
    .split("\n").map((l) => l.match(/\(NEEDED\).*\[(.+)\]/)?.[1]).filter(Boolean);
  return { max, symbols: max ? versions.get(max) : [], versions: sorted, needed, cmp };
}

function main() {
  const args = process.argv.slice(2);
  let wanted = null;
  let check = true;
  let toolsOnly = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--target") wanted = args[++i];
    else if (args[i].startsWith("--target=")) wanted = args[i].slice(9);
    else if (args[i] === "--no-check") check = false;
    else if (args[i] === "--tools-only") toolsOnly = true;
    else die(`unknown argument ${args[i]}`);
  }
  const key = wanted
    ? Object.keys(PREBUILT).find((k) => k === wanted || PREBUILT[k].triple === wanted)
    : currentPlatform().key;
  if (!key || !PREBUILT[key]) {
    die(`no platform package for ${wanted ?? currentPlatform().key}; the configured ones: ${Object.keys(PREBUILT).join(", ")}`);
  }
  const { triple, glibc } = PREBUILT[key];
  const targetDir = process.env.BETTER_AUTH_RS_DIST_TARGET_DIR || path.join(CACHE, "target-dist");
  const env = glibc ? zigEnv() : { ...process.env };
  if (toolsOnly) {
    if (glibc) console.log(`build-dist: zig ${spawnSync("python3", ["-m", "ziglang", "version"], { env, encoding: "utf8" }).stdout.trim()}, ${spawnSync("cargo-zigbuild", ["--version"], { env, encoding: "utf8" }).stdout.trim()} in ${ZIG_VENV}`);
    return;
  }
  Object.assign(env, { CARGO_TARGET_DIR: targetDir, CARGO_PROFILE_DIST_STRIP: "symbols" });
  // Windows: the C runtime linked in, so the addon needs no Visual C++ redistributable
  if (triple.endsWith("-msvc")) env.RUSTFLAGS = `${env.RUSTFLAGS ?? ""} -C target-feature=+crt-static`.trim();
  const cargoArgs = glibc
    ? ["zigbuild", "--lib", "--locked", "--profile", "dist", "--target", `${triple}.${glibc}`]
    : ["build", "--lib", "--locked", "--profile", "dist", "--target", triple];
  const started = Date.now();
  run("cargo", cargoArgs, { cwd: root, env });

  const crate = "better_auth_rs";
  const built = path.join(targetDir, triple, "dist",
    triple.includes("windows") ? `${crate}.dll` : triple.includes("apple") ? `lib${crate}.dylib` : `lib${crate}.so`);
  const dir = path.join(root, "npm", key);
  if (!existsSync(path.join(dir, "package.json"))) die(`${path.relative(root, dir)}/package.json is missing (npx napi create-npm-dirs)`);
  const out = path.join(dir, `${binaryName}.${key}.node`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(built, out);
  const mib = (statSync(out).size / 1048576).toFixed(1);
  console.log(`build-dist: ${path.relative(root, out)} (${mib} MiB, ${triple}, profile dist, stripped) in ${Math.round((Date.now() - started) / 1000)} s`);

  if (glibc && check) {
    const { max, symbols, versions, needed, cmp } = glibcNeeds(out);
    console.log(`build-dist: needs ${needed.join(", ")}; glibc symbol versions ${versions.join(", ")}`);
    if (max && cmp(max, glibc) > 0) {
      die(`${path.relative(root, out)} needs GLIBC_${max} (${symbols.join(", ")}), newer than the floor ${glibc}`);
    }
    console.log(`build-dist: the newest glibc symbol version needed is GLIBC_${max} (floor ${glibc}): loads on glibc ${glibc} and newer`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
