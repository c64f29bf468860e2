"use strict";
/**
 * `npx better-auth-rs generate` when `database` is a Better Auth adapter: the schema file Better
 * Auth's CLI (`npx auth generate`) writes for that adapter: a Drizzle schema (js/generate/drizzle.js),
 * Prisma models merged into schema.prisma (prisma.js) or SQL for Kysely (kysely.js), from the
 * tables the adapter itself maps names by (schema.js). An adapter with its own `createSchema`
 * (a third-party adapter built with `createAdapterFactory`) writes its own, as with Better Auth.
 */
const fs = require("node:fs");
const path = require("node:path");
const { resolveAdapter, authTables } = require("./schema.js");
const { drizzleSchema } = require("./drizzle.js");
const { prismaSchema } = require("./prisma.js");
const { kyselySql } = require("./kysely.js");

/** The file name `generate` writes when `--output` is not given or is a directory. */
function defaultFileName(adapterId, now = new Date()) {
  if (adapterId === "prisma") return "schema.prisma";
  if (adapterId === "kysely") return `${now.toISOString().replace(/:/g, "-")}.sql`;
  return "auth-schema.ts";
}

/** What to run once the schema file is written, per adapter. */
const NEXT_STEP = {
  drizzle: "apply it with drizzle-kit (`npx drizzle-kit generate` + `npx drizzle-kit migrate`, or `npx drizzle-kit push`)",
  prisma: "apply it with Prisma (`npx prisma migrate dev`, or `npx prisma db push`), then `npx prisma generate`",
  kysely: "run the SQL on your database (or add it to your Kysely migrations)",
};

/**
 * The schema for the auth options (`options.database` an adapter function):
 * `{ adapterId, code, fileName, overwrite }`; `code` is "" when an existing Prisma schema already
 * has everything. `output` is `--output` (a file, or a directory for the default file name);
 * `cwd` resolves relative paths; `configDir` is where `@better-auth/core` is looked up first;
 * `configName` names the config file in messages.
 */
async function generateSchema({ options, output, cwd = process.cwd(), configDir, configName }) {
  if (!options || typeof options.database !== "function") {
    throw new TypeError("generateSchema: `database` is not a Better Auth adapter");
  }
  const { adapter, adapterOptions } = resolveAdapter(options);
  const id = adapter.id;
  let file = output;
  if (file) {
    try {
      if (fs.statSync(path.resolve(cwd, file)).isDirectory()) file = path.join(file, defaultFileName(id));
    } catch {
      // not there yet: a file name
    }
  }
  if (typeof adapter.createSchema === "function") {
    const r = await adapter.createSchema(adapterOptions, file);
    return { adapterId: id, code: r.code ?? "", fileName: r.path, overwrite: r.overwrite === true };
  }
  if (!["drizzle", "prisma", "kysely"].includes(id)) throw new Error(noGeneratorMessage(id, configName));
  const tables = authTables(adapterOptions, configDir);
  if (id === "prisma") return { adapterId: id, ...prismaSchema({ tables, options, adapter, file, cwd }) };
  const fileName = file || (id === "drizzle" ? "./auth-schema.ts" : `./better-auth_migrations/${defaultFileName(id)}`);
  const code = id === "drizzle" ? drizzleSchema({ tables, options, adapter }) : kyselySql({ tables, options, adapter });
  const exists = fs.existsSync(path.resolve(cwd, fileName));
  return { adapterId: id, code, fileName, overwrite: id === "drizzle" && exists };
}

/** For an adapter no generator knows (memory, MongoDB, a custom one without `createSchema`). */
function noGeneratorMessage(adapterId, configName) {
  return (
    `the database${configName ? ` in ${configName}` : ""} is a Better Auth adapter (${adapterId ?? "custom"}): its ORM owns the schema` +
    (adapterId === "mongodb-adapter" ? " (MongoDB creates collections on first write)" : adapterId === "memory" ? " (the memory adapter keeps plain objects)" : "") +
    ", and there is no schema file to write for it.\nBetter Auth's CLI (`npx auth generate`, formerly `npx @better-auth/cli generate`) generates for drizzle, prisma and kysely adapters and for adapters that implement `createSchema`."
  );
}

/**
 * What `migrate` says for an adapter: Better Auth's CLI migrates only through its built-in Kysely
 * connection; an ORM adapter owns the schema, and `kyselyAdapter(db)` keeps its Kysely instance
 * to itself (Better Auth's CLI cannot migrate it either).
 */
function migrateMessage(adapterId, configName) {
  const via = `the database in ${configName} is a Better Auth adapter (${adapterId})`;
  if (adapterId === "drizzle" || adapterId === "prisma") {
    const orm = adapterId === "drizzle" ? "Drizzle" : "Prisma";
    return `${via}: ${orm} owns the schema, so migrate does not touch the database.\nRun \`npx better-auth-rs generate\` to write the schema, then ${NEXT_STEP[adapterId]}.`;
  }
  if (adapterId === "kysely") {
    return (
      `${via}: kyselyAdapter(db) keeps its Kysely instance to itself, so migrate cannot reach the database.\n` +
      "Run `npx better-auth-rs generate` and run the SQL it writes, or pass the connection itself as `database` " +
      "(a URL, a pg Pool, a mysql2 pool, a better-sqlite3 Database): migrate then creates the tables."
    );
  }
  return noGeneratorMessage(adapterId, configName);
}

module.exports = { generateSchema, migrateMessage, defaultFileName, NEXT_STEP };
