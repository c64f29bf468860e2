#!/usr/bin/env node
// `npm run pack:local`: writes into dist/ the tarballs `npm publish` would upload:
//   - better-auth-rs-<version>.tgz: the JS package, no binary, with `optionalDependencies` on
//     every platform package of package.json's `napi.targets` (npm installs the one matching the
//     user's os/cpu/libc, and js/binding-loader.js loads it);
//   - better-auth-rs-<platform>-<version>.tgz for each npm/<platform>/ that holds its binary.
// First it builds this machine's platform binary (scripts/build-dist.mjs: dist profile, stripped,
// glibc 2.17 floor on Linux); `--no-build` packs only what npm/*/ already holds (the release
// workflow, after downloading the binaries built on each platform's runner).
//
// The repository's own package.json lists no optionalDependencies: a git checkout uses its own
// build (`npm run build`) and never downloads a published binary over it, and the examples'
// lockfiles stay valid. They are written into a staged copy of the package (in a temp dir), which
// is what gets packed. Its `files` are package.json's less the `*.node` binaries, which `files`
// keeps for installs from a git checkout.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { PREBUILT, currentPlatform } = require("../js/binding-loader.js");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const dist = path.join(root, "dist");

function die(message) {
  console.error(`pack:local: ${message}`);
  process.exit(1);
}

/** `npm pack` in `dir` into dist/, scripts off; returns npm's JSON record of the tarball. */
function pack(dir) {
  const out = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dist], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    shell: process.platform === "win32",
  });
  return JSON.parse(out.slice(out.indexOf("[")))[0];
}

const kib = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

function main() {
  const args = process.argv.slice(2);
  const build = !args.includes("--no-build");
  for (const a of args) if (a !== "--no-build") die(`unknown argument ${a}`);
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const targets = Object.keys(PREBUILT);
  const configured = pkg.napi.targets.map((t) => targets.find((k) => PREBUILT[k].triple === t) ?? t);
  if (configured.join() !== targets.join()) {
    die(`package.json napi.targets (${configured.join(", ")}) and js/binding-loader.js PREBUILT (${targets.join(", ")}) differ`);
  }

  // what an earlier run left is never mistaken for this run's output
  rmSync(dist, { recursive: true, force: true });
  if (build) {
    const host = currentPlatform().key;
    if (!PREBUILT[host]) die(`this machine (${host}) has no platform package to build; use --no-build to pack npm/*/ as they are`);
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "build-dist.mjs"), "--target", host], { stdio: "inherit" });
    if (r.status !== 0) die(`scripts/build-dist.mjs failed (exit ${r.status ?? r.signal})`);
  }

  mkdirSync(dist, { recursive: true });
  const rows = [];

  // the platform packages that hold their binary
  for (const key of targets) {
    const dir = path.join(root, "npm", key);
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    if (manifest.version !== pkg.version) die(`npm/${key}/package.json is version ${manifest.version}, package.json ${pkg.version}`);
    const binary = path.join(dir, manifest.main);
    if (!existsSync(binary)) {
      rows.push({ name: manifest.name, note: `not built here (no npm/${key}/${manifest.main})` });
      continue;
    }
    const t = pack(dir);
    rows.push({ name: manifest.name, file: t.filename, size: t.size, unpacked: t.unpackedSize, files: t.entryCount });
  }

  // the main package, staged with its optionalDependencies
  const stage = path.join(mkdtempSync(path.join(os.tmpdir(), "better-auth-rs-pack-")), pkg.name);
  mkdirSync(stage, { recursive: true });
  // no binaries, and no build script: the staged manifest has no `prepare` to run it
  const listed = pack_dry_run(root).filter((f) => !f.endsWith(".node") && !f.startsWith("scripts/"));
  for (const f of listed) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(stage, f));
  }
  const staged = { ...pkg };
  staged.files = pkg.files.filter((f) => !f.endsWith(".node") && !f.startsWith("scripts/"));
  // nothing to build or test in an installed package (npm never runs `prepare` for a registry
  // install); the publish guard stays out too, since `npm publish <tarball>` is the way
  for (const k of ["scripts", "devDependencies", "allowScripts"]) delete staged[k];
  staged.optionalDependencies = Object.fromEntries(targets.map((k) => [`${pkg.napi.binaryName}-${k}`, pkg.version]));
  writeFileSync(path.join(stage, "package.json"), JSON.stringify(staged, null, 2) + "\n");
  const t = pack(stage);
  rmSync(path.dirname(stage), { recursive: true, force: true });
  rows.unshift({ name: pkg.name, file: t.filename, size: t.size, unpacked: t.unpackedSize, files: t.entryCount });

  console.log(`\npack:local: dist/ (what \`npm publish\` would upload)`);
  for (const r of rows) {
    if (r.file) console.log(`  ${r.file.padEnd(44)} ${kib(r.size).padStart(10)} packed, ${kib(r.unpacked).padStart(10)} unpacked, ${r.files} files`);
    else console.log(`  ${r.name.padEnd(44)} ${r.note}`);
  }
  const left = readdirSync(dist).filter((f) => f.endsWith(".tgz"));
  if (left.length !== rows.filter((r) => r.file).length) die(`dist/ holds ${left.join(", ")}`);
}

/** The files `npm pack` takes from `dir` (package.json's `files`, npm's own rules), scripts off. */
function pack_dry_run(dir) {
  const out = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    shell: process.platform === "win32",
  });
  return JSON.parse(out.slice(out.indexOf("[")))[0].files.map((f) => f.path).filter((f) => statSync(path.join(dir, f)).isFile() && f !== "package.json");
}

main();
