"use strict";
/**
 * `generate` for `drizzleAdapter(db, { provider: "pg" | "mysql" | "sqlite" })`: a TypeScript
 * schema file (`auth-schema.ts` by default), laid out as Better Auth's CLI lays it out: one
 * exported table per model (the export is the name the adapter looks the table up by: the model
 * name, plural with `usePlural`), snake_case SQL names unless the adapter has `camelCase: true`,
 * indexes, references with `onDelete`, and `relations(...)` for Drizzle's relational queries.
 * The text is formatted as Prettier's defaults format it (80 columns, double quotes, trailing
 * commas), by the small printer at the end of this file.
 */
const { snakeCase, namer, skipped, indexName, tableIndexes, mysqlIndexedLength, isNowDefault } = require("./schema.js");

const WIDTH = 80;
const SQLITE_NOW = "sql`(cast(unixepoch('subsecond') * 1000 as integer))`";

// ---- a tiny expression model: calls with arguments, printed flat or broken the Prettier way ----

/** `name(args)`; an argument is printed text, `{ obj: [[k, v]] }` or `{ arr: [v] }`. */
const call = (name, ...args) => ({ name, args });
const obj = (...entries) => ({ obj: entries });
const q = (s) => JSON.stringify(s);

function flatArg(a) {
  if (typeof a === "string") return a;
  if (a.obj) return a.obj.length ? `{ ${a.obj.map(([k, v]) => `${k}: ${flatArg(v)}`).join(", ")} }` : "{}";
  if (a.arr) return `[${a.arr.map(flatArg).join(", ")}]`;
  throw new TypeError("bad argument");
}

const flatCall = (c) => `${c.name}(${c.args.map(flatArg).join(", ")})`;

/** Arrow functions and tagged templates: what makes Prettier break a chain of 3+ calls. */
const complexArg = (a) => typeof a === "string" && (/=>/.test(a) || /^\w+`/.test(a));

/**
 * `prefix + call + suffix` at `indent`: flat when it fits, else with its last object argument
 * hugged (`fn(a, {` … `})`), else one argument a line.
 */
function printCall(indent, prefix, c, suffix) {
  const pad = " ".repeat(indent);
  const flat = pad + prefix + flatCall(c) + suffix;
  if (flat.length <= WIDTH || c.args.length === 0) return [flat];
  const last = c.args[c.args.length - 1];
  const head = c.args.slice(0, -1).map(flatArg);
  if (last && typeof last === "object" && last.obj && last.obj.length) {
    return [
      `${pad}${prefix}${c.name}(${[...head, "{"].join(", ")}`,
      ...last.obj.map(([k, v]) => `${pad}  ${k}: ${flatArg(v)},`),
      `${pad}})${suffix}`,
    ];
  }
  return [`${pad}${prefix}${c.name}(`, ...c.args.map((a) => `${pad}  ${flatArg(a)},`), `${pad})${suffix}`];
}

/** `key: head.call().call(),` as a Prettier member chain. */
function printChain(indent, key, calls) {
  const [head, ...rest] = calls;
  const oneLine = " ".repeat(indent) + `${key}: ` + calls.map((c, i) => (i ? "." : "") + flatCall(c)).join("") + ",";
  const forced = calls.length > 2 && calls.some((c) => c.args.some(complexArg));
  if (calls.length <= 2) {
    if (oneLine.length <= WIDTH) return [oneLine];
    if (rest.length === 0) return printCall(indent, `${key}: `, head, ",");
    return printCall(indent, `${key}: ${flatCall(head)}.`, rest[0], ",");
  }
  if (!forced && oneLine.length <= WIDTH) return [oneLine];
  const lines = printCall(indent, `${key}: `, head, "");
  rest.forEach((c, i) => lines.push(...printCall(indent + 2, ".", c, i === rest.length - 1 ? "," : "")));
  return lines;
}

/** `import { a, b } from "m";`, one name a line when too long. */
function printImport(names, from) {
  const flat = `import { ${names.join(", ")} } from ${q(from)};`;
  if (flat.length <= WIDTH) return flat;
  return ["import {", ...names.map((n) => `  ${n},`), `} from ${q(from)};`].join("\n");
}

// ---- the schema ----

/**
 * The schema file for `tables` (from `getAuthTables`) and the adapter's options
 * (`provider`, `camelCase`, `adapterConfig.usePlural`, `schemaName`).
 */
function drizzleSchema({ tables, options, adapter }) {
  const provider = adapter.options?.provider;
  if (!["pg", "mysql", "sqlite"].includes(provider)) {
    throw new Error(`drizzleAdapter's \`provider\` must be "pg", "mysql" or "sqlite" to generate a schema (got ${JSON.stringify(provider)})`);
  }
  const camel = adapter.options?.camelCase === true;
  const sqlName = (s) => (camel ? s : snakeCase(s));
  const usePlural = adapter.options?.adapterConfig?.usePlural === true;
  const names = namer(tables, usePlural);
  const singular = namer(tables, false);
  const generateId = options.advanced?.database?.generateId;
  const serial = generateId === "serial";
  const uuid = generateId === "uuid";
  const schemaName = adapter.options?.schemaName;
  const keys = Object.keys(tables).filter((k) => !skipped(tables, k, names));
  let schemaVar;
  if (provider === "pg" && schemaName) {
    const ident = schemaName.replace(/[^a-zA-Z0-9_]/g, "").replace(/_([a-z])/g, (_, l) => l.toUpperCase()).replace(/_/g, "").replace(/^[0-9]/, "_$&");
    schemaVar = `${ident ? ident[0].toLowerCase() + ident.slice(1) : "schema"}Schema`;
    if (schemaVar === "pgSchema") schemaVar = "pgCustomSchema";
  }

  const fieldCalls = (column, f, mysqlLen) => {
    const n = q(sqlName(column));
    if (f.references?.field === "id") {
      if (serial) return [call(provider === "mysql" ? "int" : "integer", n)];
      if (uuid && provider === "pg") return [call("uuid", n)];
      if (provider === "mysql") return [call("varchar", n, obj(["length", "36"]))];
      return [call("text", n)];
    }
    const t = f.type;
    if (Array.isArray(t)) {
      const values = { arr: t.map(q) };
      return [provider === "mysql" ? call("mysqlEnum", n, values) : call("text", n, obj(["enum", values]))];
    }
    const json = [call("text", n, obj(["mode", q("json")]))];
    switch (t) {
      case "string":
        if (provider !== "mysql") return [call("text", n)];
        {
          const len = mysqlLen ?? (f.unique ? 255 : f.references ? 36 : f.sortable || f.index ? 255 : undefined);
          return [len ? call("varchar", n, obj(["length", String(len)])) : call("text", n)];
        }
      case "boolean":
        return [provider === "sqlite" ? call("integer", n, obj(["mode", q("boolean")])) : call("boolean", n)];
      case "number":
        if (provider === "sqlite") return [call("integer", n)];
        if (f.bigint) return [call("bigint", n, obj(["mode", q("number")]))];
        return [call(provider === "mysql" ? "int" : "integer", n)];
      case "date":
        if (provider === "sqlite") return [call("integer", n, obj(["mode", q("timestamp_ms")]))];
        return [provider === "mysql" ? call("timestamp", n, obj(["fsp", "3"])) : call("timestamp", n)];
      case "number[]":
        if (provider !== "pg") return json;
        return [f.bigint ? call("bigint", n, obj(["mode", q("number")])) : call("integer", n), call("array")];
      case "string[]":
        return provider === "pg" ? [call("text", n), call("array")] : json;
      case "json":
        if (provider === "pg") return [call("jsonb", n)];
        return provider === "mysql" ? [call("json", n, obj(["mode", q("json")]))] : json;
      default:
        throw new Error(`unsupported field type ${JSON.stringify(t)} for field "${column}"`);
    }
  };

  const idCalls = () => {
    if (uuid && provider === "pg") return [call("uuid", q("id")), call("default", "sql`pg_catalog.gen_random_uuid()`"), call("primaryKey")];
    if (serial && provider === "pg") return [call("integer", q("id")), call("generatedByDefaultAsIdentity"), call("primaryKey")];
    if (serial && provider === "sqlite") return [call("integer", q("id"), obj(["mode", q("number")])), call("primaryKey", obj(["autoIncrement", "true"]))];
    if (serial) return [call("int", q("id")), call("autoincrement"), call("primaryKey")];
    if (provider === "mysql") return [call("varchar", q("id"), obj(["length", "36"])), call("primaryKey")];
    return [call("text", q("id")), call("primaryKey")];
  };

  const defaultCalls = (f) => {
    const d = f.defaultValue;
    if (d === null || d === undefined) return [];
    if (typeof d === "function") {
      if (!isNowDefault(f)) return [];
      return provider === "sqlite" ? [call("default", SQLITE_NOW)] : [call("defaultNow")];
    }
    if (typeof d === "string") return [call("default", q(d))];
    if (Array.isArray(d)) return [call("default", { arr: d.map((v) => JSON.stringify(v)) })];
    if (typeof d === "object") return [call("default", jsLiteral(d))];
    return [call("default", String(d))];
  };

  const blocks = [];
  for (const k of keys) {
    const table = tables[k];
    const model = names.model(k);
    const tIndexes = tableIndexes(table, model);
    const indexes = tIndexes.map((ix) => ({ fn: ix.unique ? "uniqueIndex" : "index", name: ix.name, on: ix.columns }));
    const columns = [{ key: "id", calls: idCalls() }];
    for (const [fk, f] of Object.entries(table.fields)) {
      const column = f.fieldName || fk;
      const calls = fieldCalls(column, f, provider === "mysql" ? mysqlIndexedLength(column, table.fields, tIndexes) : undefined);
      if (f.index && !f.unique) indexes.push({ fn: "index", name: indexName(model, [column], false), on: [column] });
      calls.push(...defaultCalls(f));
      if (f.onUpdate && f.type === "date" && typeof f.onUpdate === "function") calls.push(call("$onUpdate", String(f.onUpdate)));
      if (f.required !== false) calls.push(call("notNull"));
      if (f.unique) calls.push(call("unique"));
      if (f.references && !skipped(tables, f.references.model, names)) {
        const target = `${names.model(f.references.model)}.${names.field(f.references.model, f.references.field)}`;
        calls.push(call("references", `() => ${target}`, obj(["onDelete", q(f.references.onDelete || "cascade")])));
      }
      columns.push({ key: column, calls });
    }
    const fn = schemaVar ? `${schemaVar}.table` : `${provider}Table`;
    const open = `export const ${model} = ${fn}(${q(sqlName(model))}, {`;
    if (indexes.length === 0 && open.length <= WIDTH) {
      blocks.push([open, ...columns.flatMap((c) => printChain(2, c.key, c.calls)), "});"].join("\n"));
      continue;
    }
    const lines = [`export const ${model} = ${fn}(`, `  ${q(sqlName(model))},`, "  {"];
    lines.push(...columns.flatMap((c) => printChain(4, c.key, c.calls)), "  },");
    if (indexes.length) {
      const items = indexes.map((ix) => `${ix.fn}(${q(ix.name)}).on(${ix.on.map((c) => `table.${c}`).join(", ")})`);
      const flat = `  (table) => [${items.join(", ")}],`;
      if (flat.length <= WIDTH) lines.push(flat);
      else lines.push("  (table) => [", ...items.map((i) => `    ${i},`), "  ],");
    }
    lines.push(");");
    blocks.push(lines.join("\n"));
  }

  // relations: each reference one way (`one`), and back from the referenced table (`many`, or
  // `one` when the referencing column is unique)
  for (const k of keys) {
    const table = tables[k];
    const model = names.model(k);
    const refs = Object.entries(table.fields).filter(([, f]) => f.references);
    const perTarget = new Map();
    for (const [, f] of refs) {
      const m = names.model(f.references.model);
      perTarget.set(m, (perTarget.get(m) ?? 0) + 1);
    }
    const ones = [];
    const used = new Set();
    for (const [fk, f] of refs) {
      const target = f.references.model;
      if (skipped(tables, target, names)) continue;
      const several = (perTarget.get(names.model(target)) ?? 0) > 1;
      let rel = several ? fk.replace(/Id$/, "") : singular.model(target);
      if (used.has(rel)) rel = fk;
      if (used.has(rel)) {
        let i = 2;
        while (used.has(`${rel}_${i}`)) i++;
        rel = `${rel}_${i}`;
      }
      used.add(rel);
      const lines = [
        `  ${rel}: one(${names.model(target)}, {`,
        `    fields: [${model}.${names.field(k, fk)}],`,
        `    references: [${names.model(target)}.${names.field(target, f.references.field || "id")}],`,
      ];
      if (several) lines.push(`    relationName: ${q(`${model}_${fk}`)},`);
      lines.push("  }),");
      ones.push(lines.join("\n"));
    }
    const back = [];
    for (const [other, ot] of Object.entries(tables)) {
      if (other === k || ot.disableMigrations) continue;
      const pointing = Object.entries(ot.fields).filter(([, f]) => f.references?.model === k || f.references?.model === model);
      for (const [fk, f] of pointing) {
        const kind = f.unique ? "one" : "many";
        let rel = names.model(other);
        if (!usePlural && kind === "many") rel = `${rel}s`;
        const several = pointing.length > 1;
        if (several) rel = `${rel}By${fk.charAt(0).toUpperCase()}${fk.slice(1)}`;
        const args = several ? `${names.model(other)}, { relationName: ${q(`${names.model(other)}_${fk}`)} }` : names.model(other);
        back.push({ kind, text: `  ${rel}: ${kind}(${args}),` });
      }
    }
    if (ones.length === 0 && back.length === 0) continue;
    const helpers = [ones.length || back.some((b) => b.kind === "one") ? "one" : null, back.some((b) => b.kind === "many") ? "many" : null].filter(Boolean);
    blocks.push(
      [`export const ${model}Relations = relations(${names.model(table.modelName)}, ({ ${helpers.join(", ")} }) => ({`, ...ones, ...back.map((b) => b.text), "}));"].join("\n"),
    );
  }

  return imports({ tables, provider, serial, uuid, schemaVar }) + "\n\n" + blocks.join("\n\n") + "\n";
}

/** The two import lines: `drizzle-orm` helpers, then the dialect's column builders. */
function imports({ tables, provider, serial, uuid, schemaVar }) {
  const all = Object.values(tables);
  const fields = all.flatMap((t) => Object.values(t.fields));
  const root = ["relations"];
  const core = [schemaVar ? "pgSchema" : `${provider}Table`];
  core.push(...(provider === "mysql" ? ["varchar", "text"] : ["text"]));
  if (provider !== "sqlite" && fields.some((f) => f.bigint)) core.push("bigint");
  if (provider !== "sqlite") core.push("timestamp", "boolean");
  const plainNumber = fields.some((f) => (f.type === "number" || f.type === "number[]") && !f.bigint);
  if (provider === "mysql") {
    if (serial || plainNumber) core.push("int");
    if (fields.some((f) => Array.isArray(f.type))) core.push("mysqlEnum");
  } else if (provider === "pg") {
    if (uuid) root.push("sql");
    if (plainNumber || (serial && fields.some((f) => f.references?.field === "id"))) core.push("integer");
  } else {
    core.push("integer");
  }
  if (provider === "pg" && uuid) core.push("uuid");
  if (fields.some((f) => f.type === "json")) {
    if (provider === "pg") core.push("jsonb");
    if (provider === "mysql") core.push("json");
  }
  if (provider === "sqlite" && fields.some(isNowDefault)) root.push("sql");
  if (all.some((t) => Object.values(t.fields).some((f) => f.index && !f.unique) || (t.indexes ?? []).some((i) => !i.unique))) core.push("index");
  if (all.some((t) => (t.indexes ?? []).some((i) => i.unique))) core.push("uniqueIndex");
  return printImport(root, "drizzle-orm") + "\n" + printImport(core, `drizzle-orm/${provider}-core`);
}

/** A JSON value as a JavaScript literal the way Prettier prints it (`{ a: 1, "b-c": [2] }`). */
function jsLiteral(v) {
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(", ")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v);
    if (!entries.length) return "{}";
    const plainKeys = entries.every(([k]) => /^[A-Za-z_$][\w$]*$/.test(k));
    return `{ ${entries.map(([k, x]) => `${plainKeys ? k : q(k)}: ${jsLiteral(x)}`).join(", ")} }`;
  }
  return JSON.stringify(v);
}

module.exports = { drizzleSchema };
