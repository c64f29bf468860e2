// Observation helpers shared by the parity suites (parity.test.mjs, admin.test.mjs): the same
// request sequence runs against the real better-auth and better-auth-rs, and every response is
// reduced to an observation that must be equal between the two:
//   status, statusText, every response header (by value) except Set-Cookie, the JSON body with ids
//   (32-char alnum) and ISO dates compared by shape, all other strings/numbers/booleans by value,
//   Set-Cookie as [name, value shape, attributes in order] with signed values checked against the
//   secret (HMAC-SHA256, base64, percent-encoded). Ids are numbered by first appearance (`<id#1>`, ...).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { SECRET, BASE_URL } from "./impls.mjs";

export const API = "/api/auth";
export const ID32 = /^[A-Za-z0-9]{32}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const REFERENCE = "better-auth";

// ---------------------------------------------------------------------------------------------
// Observation (normalization) helpers

export class Shapes {
  constructor() {
    this.ids = new Map();
  }
  id(v) {
    if (!this.ids.has(v)) this.ids.set(v, `<id#${this.ids.size + 1}>`);
    return this.ids.get(v);
  }
  string(v) {
    if (ISO.test(v)) return Number.isNaN(Date.parse(v)) ? "<bad-iso-date>" : "<iso-date>";
    if (ID32.test(v)) return this.id(v);
    return v;
  }
}

export function sign(value, secret = SECRET) {
  return crypto.createHmac("sha256", secret).update(value).digest("base64");
}

/**
 * Shape of a cookie value: "" | "<id#n>.<sig>" | "true.<sig>" | "<bad-sig>" | "<unsigned:len>".
 * A signed value made of `:`-separated parts (the admin plugin's `admin_session`,
 * `<token>:<dont_remember>`) has each part shaped: "<id#n>:.<valid-sig>".
 */
export function cookieValueShape(raw, sh) {
  if (raw === "") return "";
  let decoded;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return `<undecodable:${raw.length}>`;
  }
  const dot = decoded.lastIndexOf(".");
  if (dot < 0) return `<unsigned:${decoded.length}>`;
  const value = decoded.slice(0, dot);
  const sig = decoded.slice(dot + 1);
  if (sig.length !== 44 || !sig.endsWith("=")) return `<unsigned:${decoded.length}>`;
  const valid = sig === sign(value);
  const encoding = raw === encodeURIComponent(decoded) ? "" : ",non-standard-encoding";
  const shaped = value.split(":").map((part) => sh.string(part)).join(":");
  return `${shaped}.<${valid ? "valid" : "BAD"}-sig${encoding}>`;
}

export function parseSetCookie(str, sh) {
  const [pair, ...attrs] = str.split(";").map((s) => s.trim());
  const eq = pair.indexOf("=");
  const name = pair.slice(0, eq);
  const value = cookieValueShape(pair.slice(eq + 1), sh);
  const attributes = attrs.map((a) => {
    const i = a.indexOf("=");
    if (i < 0) return a;
    const k = a.slice(0, i);
    return k.toLowerCase() === "expires" ? `${k}=<date>` : a;
  });
  return { name, value, attributes };
}

export function headersShape(headers, sh) {
  const out = {};
  for (const [k, v] of headers) {
    if (k === "set-cookie") continue;
    // bearer(): `<token>.<signature>`, a fresh random token each time (the signature is checked)
    if (k === "set-auth-token") {
      const i = v.lastIndexOf(".");
      out[k] = i > 0 && sign(v.slice(0, i)) === v.slice(i + 1) ? `${sh.string(v.slice(0, i))}.<valid sig>` : `<bad: ${v}>`;
    } else out[k] = v;
  }
  return { headers: out, cookies: headers.getSetCookie().map((c) => parseSetCookie(c, sh)) };
}

/** Deep normalization of a value (JSON body or `auth.api` result). */
export function norm(v, sh) {
  if (v === null || v === undefined) return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "<Invalid Date>" : "<Date>";
  if (v instanceof Headers) return headersShape(v, sh);
  if (typeof v === "string") return sh.string(v);
  if (typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => norm(x, sh));
  const out = {};
  for (const k of Object.keys(v).sort()) {
    if (v[k] === undefined) continue;
    out[k] = norm(v[k], sh);
  }
  return out;
}

export async function observeResponse(res, sh, reorder) {
  const text = await res.text();
  const ct = res.headers.get("content-type") || "";
  let body;
  if (text === "") body = "<empty>";
  else if (/json/i.test(ct)) {
    try {
      const json = JSON.parse(text);
      // `reorder(json)`: puts rows that come in database order into a fixed order before their
      // ids are numbered (e.g. list endpoints without ORDER BY)
      body = norm(reorder ? reorder(json) : json, sh);
    } catch {
      body = { "<invalid JSON>": text.slice(0, 200) };
    }
  } else body = text.length > 500 ? `<text:${text.length}>` : text;
  const { headers, cookies } = headersShape(res.headers, sh);
  return { status: res.status, statusText: res.statusText, headers, cookies, body, text };
}

export function observeError(e, sh) {
  return {
    thrown: true,
    name: e && e.name,
    status: e && e.status,
    statusCode: e && e.statusCode,
    message: e && e.message,
    body: norm(e && e.body, sh),
  };
}

// ---------------------------------------------------------------------------------------------
// Sequence runner

/** The per-implementation context a sequence drives. */
export class Ctx {
  constructor(kind, auth) {
    this.kind = kind;
    this.auth = auth;
    this.sh = new Shapes();
    this.steps = [];
    this.keyOrders = []; // JSON key order per step, compared only by the informational key-order tests
  }

  /** Builds a Request to `${BASE_URL}/api/auth${path}`. */
  request(method, path, { json, form, body, contentType, headers = {}, base = BASE_URL } = {}) {
    const h = new Headers(headers);
    let b = body;
    if (json !== undefined) {
      b = typeof json === "string" ? json : JSON.stringify(json);
      if (!h.has("content-type")) h.set("content-type", contentType ?? "application/json");
    } else if (form !== undefined) {
      b = new URLSearchParams(form).toString();
      if (!h.has("content-type")) h.set("content-type", contentType ?? "application/x-www-form-urlencoded");
    } else if (contentType) h.set("content-type", contentType);
    return new Request(base + API + path, { method, headers: h, body: b });
  }

  /** Sends a request through auth.handler and records the observation. Returns it (with parsed JSON). */
  async send(label, method, path, opts = {}) {
    const req = this.request(method, path, opts);
    const res = await this.auth.handler(req);
    const obs = await observeResponse(res, this.sh, opts.reorder);
    const { text, ...recorded } = obs;
    this.steps.push({ label, ...recorded });
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {}
    this.keyOrders.push({ label, keys: keyOrder(json) });
    return { ...obs, json, setCookies: res.headers.getSetCookie() };
  }

  /** Runs `fn(auth.api)` and records its normalized result or thrown error. */
  async api(label, fn) {
    let result;
    let observed;
    try {
      result = await fn(this.auth.api);
      if (result instanceof Response) {
        const { text, ...o } = await observeResponse(result, this.sh);
        observed = { response: o };
      } else observed = { result: norm(result, this.sh) };
    } catch (e) {
      observed = observeError(e, this.sh);
      result = e;
    }
    this.steps.push({ label, ...observed });
    return result;
  }

  /** Records a derived value (computed the same way for both implementations). */
  record(label, value) {
    this.steps.push({ label, value: norm(value, this.sh) });
  }
}

/** ["path: k1,k2,..."] for every object in a JSON value, in serialization order. */
export function keyOrder(v, path = "$", out = []) {
  if (Array.isArray(v)) v.forEach((x, i) => keyOrder(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object") {
    out.push(`${path}: ${Object.keys(v).join(",")}`);
    for (const k of Object.keys(v)) keyOrder(v[k], `${path}.${k}`, out);
  }
  return out;
}

/** "name=value; ..." from Set-Cookie strings, skipping deletions (Max-Age=0). */
export function cookieHeader(setCookies) {
  return setCookies
    .filter((c) => !/;\s*max-age=0\b/i.test(c))
    .map((c) => c.split(";")[0])
    .join("; ");
}


// Small assertion helpers used inside sequences (they run for every implementation).
export function expectError(r, status, code, message) {
  assert.equal(r.status, status, `status for ${code}: body ${r.text}`);
  assert.equal(r.json?.code, code);
  if (message !== undefined) assert.equal(r.json?.message, message);
  assert.equal(r.headers["content-type"], "application/json");
}
export function expectOk(r) {
  assert.equal(r.status, 200, `expected 200, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.equal(r.headers["content-type"], "application/json");
}
export function minutesBetween(a, b) {
  return Math.round((Date.parse(b) - Date.parse(a)) / 60000);
}

/**
 * Compares the recorded steps (`compare`: "steps" or "keyOrders") of every run with the reference
 * run (better-auth's), step by step, so the first differing step is named.
 */
export function compareRuns(runs, compare = "steps") {
  const ref = runs.find((r) => r.kind === REFERENCE);
  if (!ref) return; // only "ours" selected: the sequence's own assertions ran, nothing to compare
  for (const run of runs) {
    if (run === ref) continue;
    if (compare === "keyOrders") {
      assert.deepStrictEqual(run.keyOrders, ref.keyOrders, `${run.kind} differs from better-auth`);
      continue;
    }
    const n = Math.max(run[compare].length, ref[compare].length);
    for (let i = 0; i < n; i++) {
      const label = (ref[compare][i] || run[compare][i]).label;
      assert.deepStrictEqual(run[compare][i], ref[compare][i], `step ${i + 1} "${label}": ${run.kind} differs from better-auth`);
    }
  }
}
