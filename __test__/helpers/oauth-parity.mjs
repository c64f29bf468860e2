// The parity harness of the social sign-in suites (oauth.test.mjs, social-providers.test.mjs):
// an implementation on a fresh database driven through `auth.handler` with a cookie jar, the
// observations masked (random state, nonce, challenge, code, ids, dates, signatures checked),
// the rows read back, and `story`, which runs the same steps on every implementation and
// compares what each saw.
import assert from "node:assert/strict";
import { IMPLS, SECRET, BASE_URL } from "./impls.mjs";
import { sign } from "./observe.mjs";
import { loadImpl, openDatabase, applySetCookies, jarHeader } from "./dialects.mjs";

export const API = "/api/auth";

// ---------------------------------------------------------------------------------------------
// one implementation on one database

export class App {
  constructor(kind, db) {
    this.kind = kind;
    this.db = db;
    this.jar = new Map();
  }

  /** `options` on top of the suite's defaults; `plugins` as given. */
  async configure({ plugins = [], ...options } = {}) {
    const m = await loadImpl(this.kind);
    const opts = {
      secret: SECRET,
      baseURL: BASE_URL,
      logger: { disabled: true },
      trustedOrigins: [BASE_URL],
      ...options,
      emailAndPassword: { enabled: true, ...(options.emailAndPassword || {}) },
      database: this.db.forAuth(this.kind),
      plugins,
    };
    this.auth = m.betterAuth(opts);
    if (!this.migrated) {
      await m.migrate(opts, this.auth);
      this.migrated = true;
    }
    return this;
  }

  cookie() {
    return this.jar.size ? jarHeader(this.jar) : undefined; // never an empty Cookie header
  }

  async req(method, path, { body, form = false, cookie = this.cookie(), headers = {}, keepJar = true } = {}) {
    const h = new Headers(headers);
    if (cookie) h.set("cookie", cookie);
    if (method === "POST" && !h.has("origin")) h.set("origin", BASE_URL);
    let b;
    if (body !== undefined) {
      if (form) {
        h.set("content-type", "application/x-www-form-urlencoded");
        b = new URLSearchParams(body).toString();
      } else {
        h.set("content-type", "application/json");
        b = JSON.stringify(body);
      }
    }
    const url = path.startsWith("http") ? path : `${BASE_URL}${API}${path}`;
    const res = await this.auth.handler(new Request(url, { method, headers: h, body: b }));
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {}
    const setCookies = res.headers.getSetCookie();
    if (keepJar) applySetCookies(this.jar, setCookies);
    return { status: res.status, location: res.headers.get("location"), contentType: res.headers.get("content-type"), setCookies, text, json };
  }

  async rows(table, where = "", params = []) {
    const q = (n) => this.db.ident(n);
    return this.db.query(`select * from ${q(table)} ${where}`, params);
  }
}

// ---------------------------------------------------------------------------------------------
// normalisation

export const bool = (v) => v === true || v === 1 || v === "1" || v === "true";

export function maskUrl(u) {
  if (!u) return u;
  return u
    .replace(/([?&]state=)[A-Za-z0-9_-]{32}(?=&|$)/, "$1<state>")
    .replace(/([?&]nonce=)[A-Za-z0-9_-]{32}(?=&|$)/, "$1<nonce>")
    .replace(/([?&]code_challenge=)[A-Za-z0-9_-]{43}(?=&|$)/, "$1<challenge>")
    .replace(/([?&]code=)[A-Za-z0-9_-]+(?=&|$)/, "$1<code>")
    .replace(/([?&]iss=)[^&]+/, "$1<iss>");
}

export function maskCookie(c) {
  const [pair, ...attrs] = c.split(";");
  const i = pair.indexOf("=");
  const name = pair.slice(0, i);
  const raw = pair.slice(i + 1);
  let value = raw === "" ? "" : "<value>";
  if (raw) {
    const d = decodeURIComponent(raw);
    const dot = d.lastIndexOf(".");
    if (dot > 0) value = `<${d.slice(0, dot).length}>.<${d.slice(dot + 1) === sign(d.slice(0, dot)) ? "valid" : "bad"}-sig>`;
  }
  return [name, value, attrs.map((a) => a.trim()).join("; ")];
}

export function maskJson(v) {
  if (Array.isArray(v)) return v.map(maskJson);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === "url" ? maskUrl(x) : ["accessToken", "refreshToken", "idToken", "token"].includes(k) && typeof x === "string" && x ? "<token>" : maskJson(x)]),
    );
  if (typeof v === "string") {
    if (/^[A-Za-z0-9]{32}$/.test(v)) return "<id>";
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)) return "<date>";
  }
  return v;
}

export function observe(r) {
  if (!r) return r;
  return { status: r.status, location: maskUrl(r.location), contentType: r.contentType, cookies: r.setCookies.map(maskCookie), body: r.json !== undefined ? maskJson(r.json) : r.text.length > 0 ? `<${r.text.startsWith("<!DOCTYPE") || r.text.startsWith("<html") ? "html" : "text"}>` : "" };
}

/** /list-accounts observed with its items in provider order: on MySQL, Better Auth's adapter
 * returns rows in primary-key order (random ids), so the order is not part of the contract. */
export function listed(r) {
  const o = observe(r);
  if (Array.isArray(o.body)) o.body = [...o.body].sort((a, b) => String(a.providerId).localeCompare(String(b.providerId)));
  return o;
}

export function maskBody(b) {
  return b
    ?.replace(/(^|&)code=[^&]+/, "$1code=<code>")
    .replace(/(^|&)code_verifier=[A-Za-z0-9_-]{128}(?=&|$)/, "$1code_verifier=<verifier>")
    .replace(/(^|&)refresh_token=[^&]+/, "$1refresh_token=<rt>");
}

export async function stateRows(app) {
  const rows = await app.rows("verification");
  return rows
    .filter((r) => r.identifier.startsWith("auth-state:"))
    .map((r) => {
      const v = JSON.parse(r.value);
      const ttl = Math.round((new Date(r.expiresAt).getTime() - new Date(r.createdAt).getTime()) / 1000);
      const shaped = Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          k === "codeVerifier" ? (/^[A-Za-z0-9_-]{128}$/.test(x) ? "<verifier>" : x) : k === "oauthState" || k === "idTokenNonce" ? (/^[A-Za-z0-9_-]{32}$/.test(x) ? "<32>" : x) : k === "expiresAt" ? Math.round((x - new Date(r.createdAt).getTime()) / 1000) : k === "link" ? { ...x, userId: "<id>", encryptedSessionToken: /^[0-9a-f]+$/.test(x.encryptedSessionToken) ? `<hex:${x.encryptedSessionToken.length}>` : x.encryptedSessionToken } : x,
        ]),
      );
      return { identifier: r.identifier.replace(/[A-Za-z0-9_-]{32}$/, "<state>"), stateMatches: r.identifier.endsWith(v.oauthState), ttl, value: shaped, keys: Object.keys(v) };
    });
}

export async function userRows(app) {
  const users = await app.rows("user");
  return users.map((u) => ({ name: u.name, email: u.email, emailVerified: bool(u.emailVerified), image: u.image ?? null })).sort((a, b) => a.email.localeCompare(b.email));
}

export async function accountRows(app) {
  const accounts = await app.rows("account");
  const users = await app.rows("user");
  const emailOf = new Map(users.map((u) => [String(u.id), u.email]));
  return accounts
    .map((a) => ({
      user: emailOf.get(String(a.userId)),
      providerId: a.providerId,
      accountId: a.providerId === "credential" ? "<user id>" : a.accountId,
      scope: a.scope ?? null,
      accessToken: a.accessToken ? "<set>" : null,
      refreshToken: a.refreshToken ? "<set>" : null,
      idToken: a.idToken ? (a.idToken.split(".").length === 3 ? "<jwt>" : "<opaque>") : null,
      accessTokenExpiresIn: a.accessTokenExpiresAt ? Math.round((new Date(a.accessTokenExpiresAt).getTime() - new Date(a.updatedAt).getTime()) / 60000) : null,
      refreshTokenExpiresAt: a.refreshTokenExpiresAt ? "<set>" : null,
      password: a.password ? "<hash>" : null,
    }))
    .sort((a, b) => `${a.user}${a.providerId}`.localeCompare(`${b.user}${b.providerId}`));
}

export async function sessionCount(app) {
  return (await app.rows("session")).length;
}

// ---------------------------------------------------------------------------------------------
// runner: the same story on every implementation, then the observations compared

export async function story(dialect, fn, make = (kind, db) => new App(kind, db)) {
  const runs = {};
  for (const kind of IMPLS) {
    const db = await openDatabase(dialect, "oauth");
    try {
      const app = make(kind, db);
      const obs = [];
      await fn(app, (label, v) => obs.push([label, v]));
      runs[kind] = obs;
      if (process.env.BA_RS_OAUTH_DUMP) console.log(kind, JSON.stringify(obs, null, 1));
    } finally {
      await db.cleanup();
    }
  }
  const kinds = Object.keys(runs);
  for (const k of kinds.slice(1)) {
    const a = runs[kinds[0]];
    const b = runs[k];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      assert.deepEqual(b[i], a[i], `${k} vs ${kinds[0]}, step ${a[i]?.[0] ?? b[i]?.[0]}`);
    }
  }
  return runs;
}
