"use strict";
/**
 * `generate` for `prismaAdapter(prisma, { provider })`: Prisma models for the auth tables, in
 * `prisma/schema.prisma` by default. A new file gets a generator and a datasource block (Prisma 7:
 * `prisma-client` and no `url`, read from the app's package.json, as Better Auth's CLI reads it)
 * and one model per table; an existing file keeps every line it has and gains the models and
 * fields it lacks (with their `@@unique`, `@@index` and `@@map`), as Better Auth's CLI adds them.
 * Model names are the capitalised model names (`User`, plural with `usePlural`), mapped to the
 * table with `@@map`; columns are the field names, camelCase, as Better Auth's CLI writes them.
 */
const fs = require("node:fs");
const path = require("node:path");
const { capitalize, namer, skipped, tableIndexes, mysqlIndexedLength } = require("./schema.js");

/** The major version of `prisma` (or `@prisma/client`) in the app's package.json, or null. */
function prismaMajor(cwd) {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(cwd, "package.json"), "utf8"));
    const v = pkg.dependencies?.prisma || pkg.devDependencies?.prisma || pkg.dependencies?.["@prisma/client"] || pkg.devDependencies?.["@prisma/client"];
    const m = v && String(v).match(/(\d+)/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The generator and datasource blocks of a new schema file. */
function header(provider, cwd) {
  const v7 = (prismaMajor(cwd) ?? 0) >= 7;
  const ds = [`  provider = "${provider}"`];
  if (!v7) ds.push(`  url      = ${provider === "sqlite" ? '"file:./dev.db"' : 'env("DATABASE_URL")'}`);
  return `\ngenerator client {\n  provider = "${v7 ? "prisma-client" : "prisma-client-js"}"\n}\n\ndatasource db {\n${ds.join("\n")}\n}\n`;
}

/** `fields` as aligned lines: name, type and attributes in columns, as `prisma format` prints. */
function alignFields(fields, indent = "  ") {
  const nameW = Math.max(0, ...fields.map((f) => f.name.length));
  const typeW = Math.max(0, ...fields.map((f) => f.type.length));
  return fields.map((f) => {
    if (!f.attrs.length) return `${indent}${f.name.padEnd(nameW)} ${f.type}`.trimEnd();
    return `${indent}${f.name.padEnd(nameW)} ${f.type.padEnd(typeW)} ${f.attrs.join(" ")}`;
  });
}

function printModel(m) {
  const lines = [`model ${m.name} {`, ...alignFields(m.fields)];
  if (m.blockAttrs.length) lines.push("", ...m.blockAttrs.map((a) => `  ${a}`));
  lines.push("}");
  return lines.join("\n");
}

/** The models a schema file declares: name → { start, end (index of `}`), fields, text }. */
function parseModels(text) {
  const models = new Map();
  const re = /^model\s+(\w+)\s*\{/gm;
  let m;
  while ((m = re.exec(text))) {
    let depth = 0;
    let end = -1;
    for (let i = m.index + m[0].length - 1; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i = text.indexOf('"', i + 1);
        if (i < 0) break;
      } else if (c === "/" && text[i + 1] === "/") {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl;
      } else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new Error(`cannot read model ${m[1]} in the Prisma schema (unbalanced braces)`);
    const body = text.slice(m.index + m[0].length, end);
    const fields = new Set();
    for (const line of body.split("\n")) {
      const f = line.match(/^\s*([A-Za-z_]\w*)\s+[A-Za-z_]/);
      if (f) fields.add(f[1]);
    }
    models.set(m[1], { start: m.index, end, fields, body });
  }
  return models;
}

/** The field's Prisma type (`String?`, `Int`, `Json`, `String[]`, ...). */
function prismaType(provider, type, optional, bigint) {
  const o = optional ? "?" : "";
  const textual = provider === "sqlite" || provider === "mysql";
  if (type === "string" || Array.isArray(type)) return `String${o}`;
  if (type === "number") return bigint ? `BigInt${o}` : `Int${o}`;
  if (type === "boolean") return `Boolean${o}`;
  if (type === "date") return `DateTime${o}`;
  if (type === "json") return textual ? `String${o}` : `Json${o}`;
  if (type === "string[]") return textual ? `String${o}` : "String[]";
  if (type === "number[]") return textual ? "String" : "Int[]";
  return undefined;
}

/** A Prisma string literal. */
const lit = (s) => JSON.stringify(String(s));

/**
 * The schema file: `{ code, fileName, overwrite }`; `code` is "" when the file already has every
 * model and field.
 */
function prismaSchema({ tables, options, adapter, file, cwd }) {
  const provider = adapter.options?.provider || "postgresql";
  const fileName = file || "./prisma/schema.prisma";
  const abs = path.isAbsolute(fileName) ? fileName : path.join(cwd, fileName);
  const exists = fs.existsSync(abs);
  const original = exists ? fs.readFileSync(abs, "utf8") : header(provider, cwd);
  const existing = parseModels(original);
  const names = namer(tables, adapter.options?.adapterConfig?.usePlural === true);
  const generateId = options.advanced?.database?.generateId;
  const serial = generateId === "serial";
  const uuid = generateId === "uuid" && provider === "postgresql";
  const keys = Object.keys(tables).filter((k) => !skipped(tables, k, names));
  const modelOf = (k) => capitalize(names.model(tables[k]?.modelName || k));

  // which models point at which (for the list fields on the referenced side)
  const backRefs = new Map();
  for (const k of keys) {
    for (const f of Object.values(tables[k].fields)) {
      if (!f.references || skipped(tables, f.references.model, names)) continue;
      const target = capitalize(names.model(tables[f.references.model]?.modelName || f.references.model));
      if (!backRefs.has(target)) backRefs.set(target, new Set());
      backRefs.get(target).add(modelOf(k));
    }
  }

  const additions = []; // [{ name, fields, blockAttrs, existing }]
  for (const k of keys) {
    const table = tables[k];
    const name = modelOf(k);
    const have = existing.get(name);
    const hasField = (f) => have?.fields.has(f) ?? false;
    const hasAttr = (re) => (have ? re.test(have.body) : false);
    const fields = [];
    const blockAttrs = [];
    const tIndexes = tableIndexes(table, names.model(table.modelName || k));
    if (!have) {
      if (provider === "mongodb") fields.push({ name: "id", type: "String", attrs: ["@id", '@map("_id")'] });
      else if (serial) fields.push({ name: "id", type: "Int", attrs: ["@id", "@default(autoincrement())"] });
      else if (uuid) fields.push({ name: "id", type: "String", attrs: ["@id", '@default(dbgenerated("pg_catalog.gen_random_uuid()"))', "@db.Uuid"] });
      else fields.push({ name: "id", type: "String", attrs: ["@id"] });
    }
    for (const [fk, f] of Object.entries(table.fields)) {
      const column = f.fieldName || fk;
      if (hasField(column)) continue;
      const logicalType = f.references?.field === "id" ? (serial ? "number" : "string") : f.type;
      const type = prismaType(provider, logicalType, f.required === false, f.bigint === true);
      if (!type) throw new Error(`unsupported field type ${JSON.stringify(f.type)} for ${name}.${column}`);
      const field = { name: column, type, attrs: [] };
      fields.push(field);
      if (f.unique) blockAttrs.push(`@@unique([${column}])`);
      const d = f.defaultValue;
      if (d !== undefined) {
        if (Array.isArray(d) && f.type === "json") {
          field.attrs.push(`@default(${lit(JSON.stringify(d))})`);
          continue;
        }
        if (Array.isArray(d)) {
          if (d.length === 0) {
            field.attrs.push("@default([])");
            continue;
          }
          if (typeof d[0] === "string" && f.type === "string[]") field.attrs.push(`@default([${d.map((v) => JSON.stringify(v)).join(",")}])`);
          else if (typeof d[0] === "number") field.attrs.push(`@default([${d.join(",")}])`);
        } else if (d !== null && typeof d === "object") {
          field.attrs.push(Object.keys(d).length === 0 ? '@default("{}")' : `@default(${lit(JSON.stringify(d))})`);
        }
        if (fk === "createdAt") field.attrs.push("@default(now())");
        else if (typeof d === "string" && provider !== "mysql") field.attrs.push(`@default(${lit(d)})`);
        else if (typeof d === "boolean" || typeof d === "number") field.attrs.push(`@default(${d})`);
      }
      if (fk === "updatedAt" && f.onUpdate) field.attrs.push("@updatedAt");
      if (f.references) {
        const target = f.references.model;
        if (skipped(tables, target, names) || skipped(tables, names.model(target), names)) continue;
        if (uuid && f.references.field === "id") field.attrs.push("@db.Uuid");
        const targetName = tables[names.model(target)]?.modelName || names.model(target);
        const action = { "no action": "NoAction", "set null": "SetNull", "set default": "SetDefault", restrict: "Restrict" }[f.references.onDelete] ?? "Cascade";
        fields.push({
          name: targetName.toLowerCase(),
          type: `${capitalize(targetName)}${f.required === false ? "?" : ""}`,
          attrs: [`@relation(fields: [${column}], references: [${names.field(target, f.references.field)}], onDelete: ${action})`],
        });
      }
      if (provider === "mysql" && (f.type === "string" || Array.isArray(f.type))) {
        const len = mysqlIndexedLength(column, table.fields, tIndexes);
        if (len) field.attrs.push(`@db.VarChar(${len})`);
        else if (!f.unique && !f.references) field.attrs.push("@db.Text");
      }
    }
    for (const ix of tIndexes) {
      if (hasAttr(new RegExp(`map:\\s*"${ix.name}"`, "i"))) continue;
      blockAttrs.push(`@@${ix.unique ? "unique" : "index"}([${ix.columns.join(", ")}], map: ${lit(ix.name)})`);
    }
    for (const related of backRefs.get(name) ?? []) {
      const relKey = Object.keys(tables).find((t) => capitalize(tables[t].modelName || t) === related);
      const fkAttr = Object.values(relKey ? tables[relKey].fields : {}).find((f) => f.references && names.model(f.references.model) === names.model(k));
      const unique = fkAttr?.unique === true;
      const fieldName = unique || adapter.options?.usePlural === true ? related.toLowerCase() : `${related.toLowerCase()}s`;
      if (hasField(fieldName) || fields.some((f) => f.name === fieldName)) continue;
      fields.push({ name: fieldName, type: `${related}${unique ? "?" : "[]"}`, attrs: [] });
    }
    for (const [fk, f] of Object.entries(table.fields)) {
      if (!f.index || f.unique) continue;
      const column = f.fieldName || fk;
      if (have && new RegExp(`@@index\\([^)]*\\b${column}\\b`).test(have.body)) continue;
      let target = column;
      if (provider === "mysql" && f.type === "string" && !(f.references?.field === "id" && (serial || generateId === "uuid"))) target = `${column}(length: 191)`;
      blockAttrs.push(`@@index([${target}])`);
    }
    if (!hasAttr(/@@map\s*\(/)) blockAttrs.push(`@@map(${lit(names.model(table.modelName || k))})`);
    if (have && fields.length === 0 && blockAttrs.length === 0) continue;
    additions.push({ name, fields, blockAttrs, have });
  }

  if (additions.length === 0 && exists) return { code: "", fileName, overwrite: false };
  // edits to existing models, from the end of the file backwards so offsets stay valid
  let code = original;
  for (const a of additions.filter((x) => x.have).sort((x, y) => y.have.start - x.have.start)) {
    code = code.slice(0, a.have.start) + extendModel(code.slice(a.have.start, a.have.end), a) + code.slice(a.have.end);
  }
  const fresh = additions.filter((x) => !x.have).map(printModel);
  if (fresh.length) code = code.replace(/\s*$/, "\n") + "\n" + fresh.join("\n\n") + "\n";
  return { code, fileName, overwrite: exists };
}

/**
 * The inside of an existing model (from `model X {` up to its `}`), with the new fields after
 * its last field and the new block attributes at its end; its field lines are re-aligned (name,
 * type and attributes in columns), every other line is kept as it was.
 */
function extendModel(block, a) {
  const lines = block.replace(/\s*$/, "").split("\n");
  const FIELD = /^(\s*)([A-Za-z_]\w*)\s+([A-Za-z_][\w.]*(?:\[\])?\??)(?:\s+(.*?))?\s*$/;
  let lastField = 0;
  lines.forEach((l, i) => {
    if (i > 0 && FIELD.test(l)) lastField = i;
  });
  const indent = lastField > 0 ? lines[lastField].match(FIELD)[1] || "  " : "  ";
  const parsed = (l) => {
    const m = l.match(FIELD);
    return { name: m[2], type: m[3], attrs: m[4] ? [m[4]] : [] };
  };
  lines.splice(lastField + 1, 0, ...a.fields.map((f) => ({ name: f.name, type: f.type, attrs: f.attrs.length ? [f.attrs.join(" ")] : [] })));
  const fieldRows = lines.map((l, i) => (typeof l === "object" ? l : i > 0 && FIELD.test(l) ? parsed(l) : null));
  const aligned = alignFields(fieldRows.filter(Boolean), indent);
  let next = 0;
  const out = lines.map((l, i) => (fieldRows[i] ? aligned[next++] : l));
  if (a.blockAttrs.length) {
    if (!out.some((l) => /^\s*@@/.test(l))) out.push("");
    out.push(...a.blockAttrs.map((b) => `${indent}${b}`));
  }
  return out.join("\n") + "\n";
}

module.exports = { prismaSchema, parseModels };
