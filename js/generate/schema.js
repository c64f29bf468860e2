"use strict";
/**
 * The logical schema `generate` writes for an adapter, and the naming rules every target shares.
 *
 * The tables come from `getAuthTables` of the `@better-auth/core` the app already has (every
 * Better Auth adapter package requires it): called with the options the adapter itself is called
 * with (js/adapter-bridge.js `adapterOptions`), it is exactly the schema the adapter maps logical
 * names and types by at run time, so the generated file and the adapter's lookups cannot drift.
 */
const path = require("node:path");
const { createRequire } = require("node:module");
const { makeAdapter } = require("../adapter-bridge.js");

/** `@better-auth/core/db`, resolved from the app first (the copy its adapter uses), then from us. */
function loadCoreDb(fromDir) {
  const bases = [fromDir, process.cwd(), __dirname].filter(Boolean);
  for (const base of bases) {
    try {
      return createRequire(path.join(base, "noop.js"))("@better-auth/core/db");
    } catch {
      // try the next place
    }
  }
  throw new Error("cannot find @better-auth/core (installed with every Better Auth adapter package: @better-auth/drizzle-adapter, @better-auth/prisma-adapter, @better-auth/kysely-adapter); install it next to your adapter");
}

/**
 * The app's adapter (its `database` function called as betterAuth() calls it) and the options it
 * was called with (the app's, plus the `rateLimit` table when account lockout keeps counters).
 */
function resolveAdapter(options) {
  let seen = options;
  const adapter = makeAdapter((o) => {
    seen = o;
    return options.database(o);
  }, options);
  return { adapter, adapterOptions: seen };
}

/**
 * The tables, keyed by logical name (`user`, `session`, ..., `twoFactor`, `jwks`, `rateLimit`),
 * each `{ modelName, fields: { key: { type, required, unique, index, references, fieldName,
 * defaultValue, onUpdate, bigint, sortable } }, indexes?, disableMigrations? }`.
 */
function authTables(adapterOptions, fromDir) {
  const { getAuthTables } = loadCoreDb(fromDir);
  return getAuthTables(adapterOptions);
}

/** Words of an identifier: `emailVerified` → email, Verified; `userID` → user, ID. */
const WORDS = /[\p{Ll}\d]+|\p{Lu}+(?!\p{Ll})|\p{Lu}[\p{Ll}\d]+|\p{Lo}+/gu;

/** `emailVerified` → `email_verified` (the column names Drizzle schemas use by default). */
function snakeCase(s) {
  return (s.replace(/['\u2019]/g, "").match(WORDS) ?? []).map((w) => w.toLowerCase()).join("_");
}

function capitalize(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Name helpers over `tables`: `model(k)` is the model name for a logical key or a model name
 * (`modelName`, plus `s` with `usePlural`), `key(m)` the logical key back, `field(m, f)` the
 * field's `fieldName`.
 */
function namer(tables, usePlural) {
  const key = (m) => {
    if (tables[m]) return m;
    const found = Object.keys(tables).find((k) => tables[k].modelName === m || (usePlural && `${tables[k].modelName}s` === m));
    return found ?? m;
  };
  const model = (m) => {
    const k = key(m);
    const base = tables[k] ? tables[k].modelName || k : m;
    return usePlural ? `${base}s` : base;
  };
  const field = (m, f) => {
    const t = tables[key(m)];
    if (!t) return f;
    if (t.fields[f]) return t.fields[f].fieldName || f;
    return f;
  };
  return { key, model, field };
}

/** True when the table is not to be created (`disableMigrations`). */
function skipped(tables, m, names) {
  return Object.entries(tables).some(([k, t]) => t.disableMigrations === true && (m === k || m === (t.modelName || k) || m === names.model(k)));
}

/** FNV-1a (32 bits) as 8 hex digits: the suffix of an index name cut to 63 bytes. */
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** `<table>_<columns>_idx` (`_uidx` when unique), cut to 63 bytes with a hash suffix. */
function indexName(table, columns, unique, explicit) {
  if (explicit !== undefined) return explicit;
  const kind = unique ? "uidx" : "idx";
  const name = `${table}_${columns.join("_")}_${kind}`;
  if (Buffer.byteLength(name) <= 63) return name;
  const suffix = `_${fnv1a(name)}_${kind}`;
  let head = "";
  for (const ch of name.slice(0, -kind.length - 1)) {
    if (Buffer.byteLength(head + ch) > 63 - Buffer.byteLength(suffix)) break;
    head += ch;
  }
  return head + suffix;
}

/** A table's `indexes` (table-level, several columns) with column names and index names. */
function tableIndexes(table, tableName) {
  const seen = new Set();
  const out = [];
  for (const ix of table.indexes ?? []) {
    const columns = ix.fields.map((f) => table.fields[f]?.fieldName || f);
    const name = indexName(tableName, columns, ix.unique, ix.name);
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push({ name, columns, unique: ix.unique === true });
  }
  return out;
}

/**
 * On MySQL, a string column inside a table-level index gets `varchar(n)` with `n` small enough
 * for the index to fit 3072 bytes at 4 bytes a character (191 at most); `undefined` otherwise.
 */
function mysqlIndexedLength(column, fields, indexes) {
  const byColumn = new Map(Object.entries(fields).map(([k, f]) => [f.fieldName || k, f]));
  const within = indexes.filter((ix) => ix.columns.includes(column));
  if (within.length === 0) return undefined;
  let len = 191;
  for (const ix of within) {
    const strings = ix.columns.filter((c) => {
      const t = byColumn.get(c)?.type;
      return t === "string" || Array.isArray(t);
    }).length;
    if (strings === 0) continue;
    const other = (ix.columns.length - strings) * 16;
    len = Math.min(len, Math.floor(Math.max(1, 3072 - other) / 4 / strings));
  }
  return len;
}

/** True for a date default that means "now" (`() => new Date()`). */
function isNowDefault(field) {
  return field.type === "date" && typeof field.defaultValue === "function" && String(field.defaultValue).includes("new Date()");
}

module.exports = { resolveAdapter, authTables, snakeCase, capitalize, namer, skipped, indexName, tableIndexes, mysqlIndexedLength, isNowDefault };
