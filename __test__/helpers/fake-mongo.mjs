// A stand-in for a MongoDB `Db` (the object `new MongoClient(url).db()` returns), for
// __test__/adapters-mongodb.test.mjs only.
//
// Why a fake at all: no MongoDB server can be installed on the machines this project is built
// and tested on (no server package in Debian's archive, no binary downloads; see
// shared/spec/adapters.md §4), and every other adapter in the suite runs against a real database.
// This is the ONE fake database allowed in the suite (issue 17 says so): it lets the suite check
// that Better Auth's own `mongodbAdapter` works through better-auth-rs at the interface level —
// the collection calls it makes, with which filters, pipelines and ids — not that a real server
// accepts them. Do not add fakes for databases that can run here.
//
// It serves, from memory, exactly the collection methods @better-auth/mongo-adapter calls
// (insertOne, aggregate(...).toArray() with $match / $lookup / $unwind / $project / $sort /
// $skip / $limit / $count, findOne, findOneAndUpdate, updateMany, deleteOne, deleteMany,
// findOneAndDelete, createIndex, listIndexes), with MongoDB's semantics where the flows depend on
// them: documents are copied in and out (as BSON would), `_id` is an ObjectId, equality and
// range filters compare ObjectIds by value and Dates by time, `null` matches a missing field,
// unique indexes refuse duplicates with a duplicate-key error (code 11000). Anything it does not
// serve throws, so a new kind of call cannot pass unnoticed. Every call is recorded (`calls`).
import { ObjectId } from "mongodb";

/** A copy as the server would store or return it (ObjectIds and Dates kept as such). */
function copy(v) {
  if (v === null || v === undefined) return v;
  if (v instanceof ObjectId) return new ObjectId(v.id);
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return v.map(copy);
  if (typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = copy(x);
    return out;
  }
  return v;
}

function same(a, b) {
  if (a instanceof ObjectId || b instanceof ObjectId) return a instanceof ObjectId && b instanceof ObjectId && a.equals(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  return a === b;
}

function order(a, b) {
  const key = (v) => (v instanceof Date ? v.getTime() : v instanceof ObjectId ? v.toHexString() : v);
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Comparisons between values of one BSON type only (as MongoDB's range operators). */
function comparable(a, b) {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date;
  if (a instanceof ObjectId || b instanceof ObjectId) return a instanceof ObjectId && b instanceof ObjectId;
  return a !== null && a !== undefined && typeof a === typeof b;
}

const OPERATORS = new Set(["$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$regex", "$options", "$not", "$exists"]);

function isOperatorObject(c) {
  return c !== null && typeof c === "object" && !(c instanceof ObjectId) && !(c instanceof Date) && !Array.isArray(c) && Object.keys(c).length > 0 && Object.keys(c).every((k) => k.startsWith("$"));
}

function condition(value, c) {
  if (!isOperatorObject(c)) return same(value, c);
  for (const [op, arg] of Object.entries(c)) {
    if (!OPERATORS.has(op)) throw new Error(`fake MongoDB: unsupported query operator ${op}`);
    switch (op) {
      case "$eq":
        if (!same(value, arg)) return false;
        break;
      case "$ne":
        if (same(value, arg)) return false;
        break;
      case "$in":
        if (!arg.some((x) => same(value, x))) return false;
        break;
      case "$nin":
        if (arg.some((x) => same(value, x))) return false;
        break;
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte": {
        if (!comparable(value, arg)) return false;
        const o = order(value, arg);
        if (op === "$gt" && !(o > 0)) return false;
        if (op === "$gte" && !(o >= 0)) return false;
        if (op === "$lt" && !(o < 0)) return false;
        if (op === "$lte" && !(o <= 0)) return false;
        break;
      }
      case "$regex":
        if (typeof value !== "string" || !new RegExp(arg, c.$options ?? "").test(value)) return false;
        break;
      case "$options":
        break;
      case "$not":
        if (condition(value, arg)) return false;
        break;
      case "$exists":
        if ((value !== undefined) !== !!arg) return false;
        break;
    }
  }
  return true;
}

/** `$field` / `$$var` references in `$expr`. */
function exprValue(doc, vars, e) {
  if (typeof e === "string" && e.startsWith("$$")) return vars[e.slice(2)];
  if (typeof e === "string" && e.startsWith("$")) return doc[e.slice(1)];
  return e;
}

export function matches(doc, filter, vars = {}) {
  for (const [k, c] of Object.entries(filter ?? {})) {
    if (k === "$and") {
      if (!c.every((f) => matches(doc, f, vars))) return false;
    } else if (k === "$or") {
      if (!c.some((f) => matches(doc, f, vars))) return false;
    } else if (k === "$nor") {
      if (c.some((f) => matches(doc, f, vars))) return false;
    } else if (k === "$expr") {
      const [op, args] = Object.entries(c)[0];
      if (op !== "$eq") throw new Error(`fake MongoDB: unsupported $expr operator ${op}`);
      if (!same(exprValue(doc, vars, args[0]), exprValue(doc, vars, args[1]))) return false;
    } else if (k.startsWith("$")) {
      throw new Error(`fake MongoDB: unsupported top-level operator ${k}`);
    } else if (!condition(doc[k], c)) return false;
  }
  return true;
}

function applyUpdate(doc, update) {
  for (const [op, fields] of Object.entries(update)) {
    if (op === "$set") for (const [k, v] of Object.entries(fields)) doc[k] = copy(v);
    else if (op === "$inc") for (const [k, v] of Object.entries(fields)) doc[k] = (doc[k] ?? 0) + v;
    else throw new Error(`fake MongoDB: unsupported update operator ${op}`);
  }
}

function duplicateKey(collection, index) {
  const e = new Error(`E11000 duplicate key error collection: test.${collection} index: ${index}`);
  e.name = "MongoServerError";
  e.code = 11000;
  return e;
}

class FakeCollection {
  constructor(db, name) {
    this.db = db;
    this.name = name;
  }

  get docs() {
    if (!this.db.data.has(this.name)) this.db.data.set(this.name, []);
    return this.db.data.get(this.name);
  }

  get indexes() {
    if (!this.db.indexes.has(this.name)) this.db.indexes.set(this.name, [{ key: { _id: 1 }, name: "_id_", unique: true }]);
    return this.db.indexes.get(this.name);
  }

  record(method, ...args) {
    this.db.calls.push({ collection: this.name, method, args: args.map(copy) });
  }

  checkUnique(doc, except) {
    for (const ix of this.indexes) {
      if (!ix.unique) continue;
      const fields = Object.keys(ix.key);
      if (ix.partialFilterExpression && !matches(doc, ix.partialFilterExpression)) continue;
      const clash = this.docs.find((d) => d !== except && fields.every((f) => same(d[f], doc[f])) && (!ix.partialFilterExpression || matches(d, ix.partialFilterExpression)));
      if (clash) throw duplicateKey(this.name, ix.name);
    }
  }

  async insertOne(doc, options) {
    this.record("insertOne", doc, options);
    // the driver adds an `_id` to the caller's object when it has none
    if (doc._id === undefined) doc._id = new ObjectId();
    const stored = copy(doc);
    this.checkUnique(stored);
    this.docs.push(stored);
    return { acknowledged: true, insertedId: stored._id };
  }

  async findOne(filter, options) {
    this.record("findOne", filter, options);
    const d = this.docs.find((x) => matches(x, filter));
    return d ? copy(d) : null;
  }

  aggregate(pipeline, options) {
    this.record("aggregate", pipeline, options);
    const run = () => {
      let rows = this.docs.map(copy);
      for (const stage of pipeline) {
        const [name, arg] = Object.entries(stage)[0];
        switch (name) {
          case "$match":
            rows = rows.filter((d) => matches(d, arg));
            break;
          case "$lookup": {
            const foreign = this.db.collection(arg.from).docs;
            rows = rows.map((d) => {
              let joined;
              if (arg.pipeline) {
                const vars = Object.fromEntries(Object.entries(arg.let ?? {}).map(([k, ref]) => [k, exprValue(d, {}, ref)]));
                joined = foreign.filter((f) => matches(f, arg.pipeline[0].$match, vars)).map(copy);
                for (const s of arg.pipeline.slice(1)) {
                  if (s.$limit === undefined) throw new Error(`fake MongoDB: unsupported $lookup sub-stage ${Object.keys(s)[0]}`);
                  joined = joined.slice(0, s.$limit);
                }
              } else joined = foreign.filter((f) => d[arg.localField] !== undefined && same(f[arg.foreignField], d[arg.localField])).map(copy);
              return { ...d, [arg.as]: joined };
            });
            break;
          }
          case "$unwind": {
            const spec = typeof arg === "string" ? { path: arg } : arg;
            const field = spec.path.slice(1);
            rows = rows.flatMap((d) => {
              const list = d[field];
              if (Array.isArray(list) && list.length > 0) return list.map((x) => ({ ...d, [field]: x }));
              if (!spec.preserveNullAndEmptyArrays) return [];
              const { [field]: _, ...rest } = d;
              return [rest];
            });
            break;
          }
          case "$project":
            rows = rows.map((d) => {
              const out = {};
              if (arg._id !== 0) out._id = d._id;
              for (const [k, on] of Object.entries(arg)) {
                if (on !== 1 && on !== true) throw new Error("fake MongoDB: only inclusion projections are served");
                if (d[k] !== undefined) out[k] = d[k];
              }
              return out;
            });
            break;
          case "$sort": {
            const keys = Object.entries(arg);
            rows = [...rows].sort((a, b) => {
              for (const [k, dir] of keys) {
                const o = order(a[k], b[k]);
                if (o !== 0) return o * dir;
              }
              return 0;
            });
            break;
          }
          case "$skip":
            rows = rows.slice(arg);
            break;
          case "$limit":
            rows = rows.slice(0, arg);
            break;
          case "$count":
            rows = rows.length ? [{ [arg]: rows.length }] : [];
            break;
          default:
            throw new Error(`fake MongoDB: unsupported pipeline stage ${name}`);
        }
      }
      return rows;
    };
    return { toArray: async () => run() };
  }

  async findOneAndUpdate(filter, update, options = {}) {
    this.record("findOneAndUpdate", filter, update, options);
    const d = this.docs.find((x) => matches(x, filter));
    let value = null;
    if (d) {
      const before = copy(d);
      const next = copy(d);
      applyUpdate(next, update);
      this.checkUnique(next, d);
      Object.assign(d, next);
      value = copy(options.returnDocument === "after" ? d : before);
    }
    return options.includeResultMetadata ? { value, ok: 1, lastErrorObject: { n: d ? 1 : 0, updatedExisting: !!d } } : value;
  }

  async updateMany(filter, update, options) {
    this.record("updateMany", filter, update, options);
    const hit = this.docs.filter((x) => matches(x, filter));
    for (const d of hit) {
      const next = copy(d);
      applyUpdate(next, update);
      this.checkUnique(next, d);
      Object.assign(d, next);
    }
    return { acknowledged: true, matchedCount: hit.length, modifiedCount: hit.length, upsertedCount: 0, upsertedId: null };
  }

  async deleteOne(filter, options) {
    this.record("deleteOne", filter, options);
    const i = this.docs.findIndex((x) => matches(x, filter));
    if (i >= 0) this.docs.splice(i, 1);
    return { acknowledged: true, deletedCount: i >= 0 ? 1 : 0 };
  }

  async deleteMany(filter, options) {
    this.record("deleteMany", filter, options);
    const keep = this.docs.filter((x) => !matches(x, filter));
    const n = this.docs.length - keep.length;
    this.db.data.set(this.name, keep);
    return { acknowledged: true, deletedCount: n };
  }

  async findOneAndDelete(filter, options = {}) {
    this.record("findOneAndDelete", filter, options);
    const i = this.docs.findIndex((x) => matches(x, filter));
    const value = i >= 0 ? this.docs.splice(i, 1)[0] : null;
    return options.includeResultMetadata ? { value, ok: 1, lastErrorObject: { n: value ? 1 : 0 } } : value;
  }

  async countDocuments(filter, options) {
    this.record("countDocuments", filter, options);
    return this.docs.filter((x) => matches(x, filter)).length;
  }

  async createIndex(key, options = {}) {
    // index builds start in the background when the adapter is made: kept apart from `calls`
    this.db.indexCalls.push({ collection: this.name, key: copy(key), options: copy(options) });
    const name = options.name ?? Object.entries(key).map(([k, v]) => `${k}_${v}`).join("_");
    if (!this.indexes.some((ix) => ix.name === name)) {
      const ix = { key, name, unique: !!options.unique, ...(options.partialFilterExpression ? { partialFilterExpression: options.partialFilterExpression } : {}) };
      // as the server: a unique index over existing duplicates fails
      if (ix.unique) {
        const seen = [];
        for (const d of this.docs) {
          if (ix.partialFilterExpression && !matches(d, ix.partialFilterExpression)) continue;
          if (seen.some((s) => Object.keys(key).every((f) => same(s[f], d[f])))) throw duplicateKey(this.name, name);
          seen.push(d);
        }
      }
      this.indexes.push(ix);
    }
    return name;
  }

  listIndexes() {
    return { toArray: async () => this.indexes.map(copy) };
  }
}

/** The fake `Db`: `collection(name)`, the stored documents (`data`) and the calls (`calls`). */
export class FakeDb {
  constructor() {
    this.data = new Map();
    this.indexes = new Map();
    this.calls = [];
    this.indexCalls = [];
    this.collections = new Map();
  }

  collection(name) {
    if (typeof name !== "string" || !name) throw new Error("fake MongoDB: a collection name is required");
    if (!this.collections.has(name)) this.collections.set(name, new FakeCollection(this, name));
    return this.collections.get(name);
  }

  /** The calls recorded since the last `take()`. */
  take() {
    const c = this.calls;
    this.calls = [];
    return c;
  }

  /** Copies of a collection's documents. */
  docs(name) {
    return (this.data.get(name) ?? []).map(copy);
  }
}
