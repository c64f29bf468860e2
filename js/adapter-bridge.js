"use strict";
/**
 * Better Auth's database adapters as the engine's database: `database: drizzleAdapter(db, …)`,
 * `prismaAdapter(prisma, …)`, `kyselyAdapter`, `mongodbAdapter`, `memoryAdapter`, or any adapter
 * built with `createAdapterFactory`. As Better Auth does, the function is called once with the
 * app's options (models, field names, `usePlural`, plugin schemas, `generateId`) and the
 * `DBAdapter` it returns does all naming, id generation and type mapping.
 *
 * The engine (src/store/js_adapter.rs) decides which logical calls to make; this side only runs
 * them: `({ tx, ops }) => { results } | { error }`, one batch per hop. `ops` are
 * `{ method, args }` (`create`, `findOne`, `findMany`, `count`, `update`, `updateMany`, `delete`,
 * `deleteMany`, `consumeOne`, `incrementOne`); in `args`, `{ $date: iso }` is a `Date` and `{ $ref: [i, field] }`
 * is `field` of the row op `i` returned; an op with `when: i` runs only when op `i` found a row
 * (or a non-empty list), else its result is `null`. Never throws.
 */

const METHODS = new Set(["create", "findOne", "findMany", "count", "update", "updateMany", "delete", "deleteMany", "consumeOne", "incrementOne"]);

/** `args` with `{ $date }` and `{ $ref }` markers replaced. */
function revive(v, results) {
  if (Array.isArray(v)) return v.map((x) => revive(x, results));
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$date" && typeof v.$date === "string") return new Date(v.$date);
    if (keys.length === 1 && keys[0] === "$ref" && Array.isArray(v.$ref)) {
      const [i, field] = v.$ref;
      const row = results[i];
      return row && typeof row === "object" ? row[field] ?? null : null;
    }
    const out = {};
    for (const k of keys) out[k] = revive(v[k], results);
    return out;
  }
  return v;
}

/** A result as JSON-safe data: `Date` → ISO text, `bigint` → number (or text past 2^53). */
function plain(v) {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === "bigint") return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object") {
    // ObjectId, Decimal and the like: their own text form
    if (typeof v.toHexString === "function") return v.toHexString();
    if (Buffer.isBuffer(v)) return v.toString("base64");
    const out = {};
    for (const k of Object.keys(v)) out[k] = plain(v[k]);
    return out;
  }
  return v;
}

/** The error and its causes (drizzle wraps the driver's error in `cause`). */
function* chain(e) {
  for (let i = 0; e != null && i < 8; i += 1, e = e.cause) yield e;
}

/**
 * True when a driver reports a unique-constraint violation: PostgreSQL 23505, MySQL/MariaDB
 * 1062 (ER_DUP_ENTRY), SQLite's CONSTRAINT_UNIQUE / PRIMARYKEY (better-sqlite3, node:sqlite,
 * libsql), Prisma P2002, MongoDB 11000/11001.
 */
function isUniqueViolation(e) {
  for (const x of chain(e)) {
    const code = x && x.code;
    if (code === "23505" || code === "ER_DUP_ENTRY" || code === "P2002" || code === 11000 || code === 11001) return true;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
    if (x && (x.errno === 1062 || x.errcode === 2067 || x.errcode === 1555)) return true;
    if (x && typeof x.message === "string" && /UNIQUE constraint failed|duplicate key value violates unique constraint|Duplicate entry .* for key|Unique constraint failed/i.test(x.message)) return true;
  }
  return false;
}

/** True when the database cannot be reached (the engine answers 503 DATABASE_UNAVAILABLE). */
function isUnavailable(e) {
  for (const x of chain(e)) {
    const code = x && x.code;
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "PROTOCOL_CONNECTION_LOST", "57P01", "57P03", "08001", "08006", "SQLITE_BUSY", "P1001", "P1017"].includes(code)) return true;
  }
  return false;
}

/** True when `emailAndPassword.accountLockout` is on (a better-auth-rs extension). */
function lockoutOn(options) {
  const l = options?.emailAndPassword?.accountLockout;
  return l === true || (!!l && typeof l === "object" && l.enabled !== false);
}

/**
 * The options the adapter function is called with: the app's, as Better Auth passes them, plus
 * the `rateLimit` table when only account lockout (which Better Auth does not have) keeps its
 * counters there (Better Auth adds that table for `rateLimit.storage: "database"` itself).
 */
function adapterOptions(options) {
  if (!lockoutOn(options) || options?.rateLimit?.storage === "database") return options;
  const rl = options.rateLimit ?? {};
  const f = rl.fields ?? {};
  const rateLimit = {
    modelName: rl.modelName || "rateLimit",
    fields: {
      key: { type: "string", unique: true, required: true, fieldName: f.key || "key" },
      count: { type: "number", required: true, fieldName: f.count || "count" },
      lastRequest: { type: "number", bigint: true, required: true, fieldName: f.lastRequest || "lastRequest" },
    },
  };
  return { ...options, plugins: [...(Array.isArray(options.plugins) ? options.plugins : []), { id: "better-auth-rs-account-lockout", schema: { rateLimit } }] };
}

/** The `DBAdapter` of `database` (a function of the options), as Better Auth makes it. */
function makeAdapter(database, options) {
  const adapter = database(adapterOptions(options));
  if (!adapter || typeof adapter !== "object" || typeof adapter.findOne !== "function" || typeof adapter.create !== "function") {
    throw new TypeError("better-auth-rs: option `database`: the function did not return a database adapter (expected what drizzleAdapter(), prismaAdapter(), kyselyAdapter(), mongodbAdapter(), memoryAdapter() or createAdapterFactory() return)");
  }
  return adapter;
}

/** True when an op's result is a row or a non-empty list of rows (for `when`). */
function found(r) {
  return Array.isArray(r) ? r.length > 0 : r != null && typeof r === "object";
}

/** `consumeOne` for an adapter without one: read, then delete only if it is still there. */
async function consumeOneFallback(a, args) {
  const row = await a.findOne({ model: args.model, where: args.where });
  if (!row) return null;
  const before = await a.count({ model: args.model, where: args.where });
  await a.delete({ model: args.model, where: args.where });
  const after = await a.count({ model: args.model, where: args.where });
  return before > after ? row : null;
}

/** The `adapter.run` callback over `adapter`. */
function adapterRunner(adapter) {
  return async (batch) => {
    const results = [];
    const created = [];
    const runOps = async (a) => {
      for (const op of batch.ops) {
        if (!METHODS.has(op.method)) throw new Error(`unknown adapter method ${op.method}`);
        if (typeof op.when === "number" && !found(results[op.when])) {
          results.push(null);
          continue;
        }
        const args = revive(op.args, results);
        let r;
        if (op.method === "consumeOne" && typeof a.consumeOne !== "function") r = await consumeOneFallback(a, args);
        else r = await a[op.method](args);
        results.push(r === undefined ? null : r);
        if (op.method === "create" && r && r.id != null) created.push({ model: args.model, id: r.id });
      }
    };
    try {
      if (batch.tx && typeof adapter.transaction === "function") await adapter.transaction((trx) => runOps(trx));
      else await runOps(adapter);
      return { results: plain(results) };
    } catch (e) {
      // an adapter without real transactions (drizzle and prisma unless `transaction: true`)
      // keeps what it wrote before the failure: remove those rows (a no-op after a rollback)
      if (batch.tx) {
        for (const c of created.reverse()) {
          try {
            await adapter.delete({ model: c.model, where: [{ field: "id", value: c.id }] });
          } catch {
            /* best effort */
          }
        }
      }
      return { error: { unique: isUniqueViolation(e), unavailable: isUnavailable(e), message: String((e && e.message) ?? e) } };
    }
  };
}

module.exports = { makeAdapter, adapterRunner, isUniqueViolation, revive, plain };
