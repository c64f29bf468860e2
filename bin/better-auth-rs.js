#!/usr/bin/env node
"use strict";
/**
 * better-auth-rs CLI, as Better Auth's `npx auth migrate|generate`:
 *   npx better-auth-rs migrate [--config ./auth.js] [--yes]
 *   npx better-auth-rs generate [--config ./auth.js] [--output schema.sql] [--yes]
 *   npx better-auth-rs hashes [--config ./auth.js] [--json]
 * The config module must export the auth instance as `auth` (or default).
 */
const path = require("node:path");
const fs = require("node:fs");
const readline = require("node:readline");
const { pathToFileURL } = require("node:url");

const CANDIDATES = ["auth.js", "auth.mjs", "auth.cjs", "lib/auth.js", "lib/auth.mjs", "src/auth.js", "src/lib/auth.js", "utils/auth.js", "server/auth.js"];

function usage(code) {
  console.log(`usage: better-auth-rs <migrate|generate|hashes> [--config <file>] [--yes] [--output <file>] [--json]

  migrate    create the missing tables, columns and indexes (never drops anything)
  generate   print (or --output) the SQL migrate would run; with a Better Auth adapter as
             \`database\`, write its schema as Better Auth's CLI does: drizzleAdapter → a Drizzle
             schema (auth-schema.ts), prismaAdapter → models merged into prisma/schema.prisma,
             kyselyAdapter → SQL (better-auth_migrations/<time>.sql); --yes overwrites without asking
  hashes     count credential accounts by password-hash format: argon2id (Better Auth cannot
             verify these, so those users could not sign in after a switch back), scrypt
             (Better Auth's format), other, none; read-only (--json for machine output)

The config file exports your auth instance: \`export const auth = betterAuth({...})\`.
Looked up by default: ${CANDIDATES.join(", ")}.`);
  process.exit(code);
}

function parseArgs(argv) {
  const args = { command: argv[0], yes: false, json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--yes" || a === "-y") args.yes = true;
    else if (a === "--config") args.config = argv[++i];
    else if (a === "--output") args.output = argv[++i];
    else if (a === "--json") args.json = true;
    else if (a === "--help" || a === "-h") usage(0);
    else {
      console.error(`unknown argument: ${a}`);
      usage(2);
    }
  }
  return args;
}

async function loadAuth(configPath) {
  let file = configPath ? path.resolve(configPath) : CANDIDATES.map((c) => path.resolve(c)).find((c) => fs.existsSync(c));
  if (!file || !fs.existsSync(file)) {
    throw new Error(configPath ? `config file not found: ${configPath}` : `no auth config found (looked for ${CANDIDATES.join(", ")}); pass --config <file>`);
  }
  if (/\.(ts|mts|cts|tsx)$/.test(file)) {
    throw new Error(`${file} is TypeScript, which Node ${process.versions.node} cannot load directly; point --config at a .js/.mjs file that exports the same auth instance`);
  }
  const mod = await import(pathToFileURL(file).href);
  const auth = mod.auth ?? mod.default?.auth ?? mod.default;
  if (!auth || typeof auth.handler !== "function") throw new Error(`${file} must export the auth instance as \`auth\` or as the default export`);
  return { auth, file };
}

function confirm(question) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => rl.question(question, (a) => { rl.close(); resolve(/^y(es)?$/i.test(a.trim())); }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.command || !["migrate", "generate", "hashes"].includes(args.command)) usage(args.command ? 2 : 0);
  const { getMigrations } = require("..");
  const { auth, file } = await loadAuth(args.config);
  if (args.command === "hashes") return hashes(auth, file, args);
  if (typeof auth.options?.database === "function") return adapterCommand(auth, file, args);
  const m = getMigrations(auth);
  const statements = await m.statements();
  if (args.command === "generate") {
    const sql = statements.map((s) => s + ";").join("\n") + (statements.length ? "\n" : "");
    if (args.output) {
      fs.writeFileSync(args.output, sql);
      console.log(`wrote ${statements.length} statement(s) to ${args.output}`);
    } else if (statements.length) {
      process.stdout.write(sql);
    } else {
      console.error("-- the database is up to date; nothing to generate");
    }
    return;
  }
  if (!statements.length) {
    console.log(`the ${m.dialect} database is up to date (${path.relative(process.cwd(), file)})`);
    return;
  }
  console.log(`${statements.length} statement(s) to run on ${m.dialect}:\n`);
  for (const s of statements) console.log("  " + s + ";");
  if (!args.yes) {
    if (!process.stdin.isTTY) throw new Error("refusing to migrate without confirmation; pass --yes");
    if (!(await confirm("\nApply? [y/N] "))) {
      console.log("aborted");
      return;
    }
  }
  await m.runMigrations();
  console.log(`\nmigrated: ${statements.length} statement(s) applied`);
}

/**
 * `generate` / `migrate` when `database` is a Better Auth adapter: generate writes the schema
 * file Better Auth's CLI writes for it (js/generate/); migrate refuses, saying who owns the schema.
 */
async function adapterCommand(auth, file, args) {
  const { generateSchema, migrateMessage, NEXT_STEP } = require("../js/generate/index.js");
  const configName = path.relative(process.cwd(), file) || file;
  if (args.command === "migrate") {
    const { resolveAdapter } = require("../js/generate/schema.js");
    throw new Error(migrateMessage(resolveAdapter(auth.options).adapter.id, configName));
  }
  const schema = await generateSchema({ options: auth.options, output: args.output, configDir: path.dirname(file), configName });
  if (!schema.code) {
    console.log("Your schema is already up to date.");
    return;
  }
  const target = path.resolve(schema.fileName);
  const shown = path.relative(process.cwd(), target) || target;
  if (!args.yes) {
    if (!process.stdin.isTTY) throw new Error(`refusing to write ${shown} without confirmation; pass --yes`);
    const question = schema.overwrite ? `The file ${shown} already exists. Overwrite it? [y/N] ` : `Generate the schema to ${shown}? [y/N] `;
    if (!(await confirm(question))) throw new Error("schema generation aborted");
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, schema.code);
  console.log(`${schema.overwrite ? "overwrote" : "wrote"} ${shown} (${schema.adapterId} schema for ${configName})`);
  if (NEXT_STEP[schema.adapterId]) console.log(`next: ${NEXT_STEP[schema.adapterId]}`);
}

/** `hashes`: what a switch back to Better Auth would cost, and how to keep it possible. */
async function hashes(auth, file, args) {
  const { passwordHashReport } = require("../js/auth.js");
  const r = await passwordHashReport(auth);
  const pw = auth.options?.emailAndPassword?.password ?? {};
  const algorithm = pw.algorithm ?? "argon2id";
  const rehash = algorithm === "argon2id" && pw.rehashLegacyHashes !== false;
  if (args.json) {
    console.log(JSON.stringify({ ...r, algorithm, rehashLegacyHashes: rehash }));
    return;
  }
  const n = (v) => String(v).padStart(String(r.total).length);
  console.log(`credential accounts (${r.dialect}, ${path.relative(process.cwd(), file)}): ${r.total}`);
  console.log(`  argon2id  ${n(r.argon2id)}  better-auth-rs's format: Better Auth cannot verify these`);
  console.log(`  scrypt    ${n(r.scrypt)}  Better Auth's format: these sign in on either`);
  console.log(`  other     ${n(r.other)}  neither (a custom password.hash, or another import)`);
  console.log(`  none      ${n(r.none)}  no password set`);
  console.log("");
  if (r.argon2id > 0) {
    console.log(`${r.argon2id} user(s) could not sign in with their password on Better Auth: they would need a password reset.`);
  }
  if (algorithm === "scrypt" && !rehash) {
    console.log('New hashes are scrypt (emailAndPassword.password.algorithm: "scrypt"): the argon2id count does not grow.');
  } else {
    console.log(
      `New hashes are argon2id${rehash ? ", and scrypt hashes are upgraded at sign-in" : ""}. While a switch back must stay possible, set
` +
        '  emailAndPassword: { password: { algorithm: "scrypt", rehashLegacyHashes: false } }',
    );
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`better-auth-rs: ${e && e.message ? e.message : e}`);
    process.exit(1);
  },
);
