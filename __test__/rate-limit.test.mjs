// Rate limiting, client-IP resolution behind proxies, account lockout and trustedOrigins as a
// function, checked side by side with the real better-auth package where it has the feature.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { makeAuth, tempDbFile, BASE_URL, SECRET } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const Database = require("better-sqlite3");
const { getIP } = await import("@better-auth/core/utils/ip");

const RATE_LIMIT_DDL = `create table "rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null, "lastRequest" bigint not null)`;

const cleanups = [];
after(() => {
  for (const c of cleanups.reverse()) {
    try { c(); } catch {}
  }
});
function db(label) {
  const t = tempDbFile(label);
  cleanups.push(t.cleanup);
  return t.file;
}
let ipSeq = 10;
/** A fresh client IP per use: better-auth's memory store is shared by every instance in a process. */
function freshIp() {
  ipSeq += 1;
  return `198.51.${Math.floor(ipSeq / 250)}.${ipSeq % 250}`;
}
function post(path, body, headers = {}) {
  return new Request(`${BASE_URL}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
function get(path, headers = {}) {
  return new Request(`${BASE_URL}/api/auth${path}`, { headers });
}
async function snapshot(res) {
  const text = await res.text();
  return {
    status: res.status,
    statusText: res.statusText,
    contentType: res.headers.get("content-type"),
    retryAfter: res.headers.get("x-retry-after"),
    body: text,
  };
}

describe("rate limiter: same answers as better-auth", () => {
  for (const kind of ["better-auth", "ours"]) {
    test(`${kind}: sign-in is limited to 3 per 10 s per IP, with Better Auth's 429`, async () => {
      const auth = await makeAuth(kind, { dbFile: db(`rl-${kind}`), rateLimit: { enabled: true } });
      cleanups.push(() => auth.close());
      const ip = freshIp();
      const seen = [];
      for (let i = 0; i < 4; i++) {
        seen.push(await snapshot(await auth.handler(post("/sign-in/email", { email: "nobody@example.com", password: "wrong-password-1" }, { "x-forwarded-for": ip }))));
      }
      assert.deepEqual(seen.slice(0, 3).map((s) => s.status), [401, 401, 401]);
      const limited = seen[3];
      assert.equal(limited.status, 429);
      assert.equal(limited.statusText, "Too Many Requests");
      assert.equal(limited.contentType, "application/json");
      assert.equal(limited.body, JSON.stringify({ message: "Too many requests. Please try again later." }));
      const retry = Number(limited.retryAfter);
      assert.ok(retry >= 9 && retry <= 10, `X-Retry-After ${limited.retryAfter}`);
      // another client, another bucket; another path, another rule (100 per 10 s)
      const other = await auth.handler(post("/sign-in/email", { email: "nobody@example.com", password: "wrong-password-1" }, { "x-forwarded-for": freshIp() }));
      assert.equal(other.status, 401);
      const session = await auth.handler(get("/get-session", { "x-forwarded-for": ip }));
      assert.equal(session.status, 200);
    });

    test(`${kind}: a multi-hop X-Forwarded-For without trustedProxies falls into one shared bucket`, async () => {
      const auth = await makeAuth(kind, { dbFile: db(`rl-chain-${kind}`), rateLimit: { enabled: true, customRules: { "/ok": { window: 60, max: 2 } } } });
      cleanups.push(() => auth.close());
      const statuses = [];
      for (const chain of [`${freshIp()}, 10.0.0.1`, `${freshIp()}, 10.0.0.1`, `${freshIp()}, 10.0.0.1`]) {
        statuses.push((await auth.handler(get("/ok", { "x-forwarded-for": chain }))).status);
      }
      // development mode: no trusted IP → 127.0.0.1, one bucket for all three clients
      assert.deepEqual(statuses.slice(0, 2), [200, 200]);
      assert.equal(statuses[2], 429);
    });
  }

  test("customRules: exact path, wildcard, false and a function, as better-auth", async () => {
    const calls = [];
    const rules = {
      "/get-session": false,
      "/sign-up/*": { window: 30, max: 1 },
      "/ok": async (request, current) => {
        calls.push([request instanceof Request, new URL(request.url).pathname, current]);
        return { window: 5, max: 2 };
      },
    };
    for (const kind of ["better-auth", "ours"]) {
      calls.length = 0;
      const auth = await makeAuth(kind, { dbFile: db(`rl-rules-${kind}`), rateLimit: { enabled: true, max: 1, customRules: rules } });
      cleanups.push(() => auth.close());
      const ip = freshIp();
      const h = { "x-forwarded-for": ip };
      const gs = [];
      for (let i = 0; i < 5; i++) gs.push((await auth.handler(get("/get-session", h))).status);
      assert.deepEqual(gs, [200, 200, 200, 200, 200], `${kind}: false disables the limit`);
      const up1 = await auth.handler(post("/sign-up/email", { email: `rl-${kind}@example.com`, password: "password-123456", name: "R" }, h));
      assert.equal(up1.status, 200, kind);
      const up2 = await snapshot(await auth.handler(post("/sign-up/email", { email: `rl2-${kind}@example.com`, password: "password-123456", name: "R" }, h)));
      assert.equal(up2.status, 429, kind);
      assert.ok(Number(up2.retryAfter) >= 29 && Number(up2.retryAfter) <= 30, `${kind}: ${up2.retryAfter}`);
      const ok = [];
      for (let i = 0; i < 3; i++) ok.push((await auth.handler(get("/ok", h))).status);
      assert.deepEqual(ok, [200, 200, 429], kind);
      assert.deepEqual(calls[0], [true, "/api/auth/ok", { window: 10, max: 1 }], kind);
    }
  });

  test("auth.api calls are never rate limited (as better-auth)", async () => {
    const auth = await makeAuth("ours", { dbFile: db("rl-api"), rateLimit: { enabled: true, max: 1, window: 60 } });
    cleanups.push(() => auth.close());
    for (let i = 0; i < 5; i++) {
      const s = await auth.api.getSession({ headers: new Headers({ "x-forwarded-for": "192.0.2.50" }) });
      assert.equal(s, null);
    }
  });

  test("enabled by default only when NODE_ENV=production", async () => {
    const file = db("rl-prod");
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    let auth;
    try {
      auth = betterAuth({ database: file, secret: SECRET, baseURL: BASE_URL, emailAndPassword: { enabled: true } });
    } finally {
      process.env.NODE_ENV = before;
    }
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await auth.handler(post("/sign-in/email", { email: "x@example.com", password: "password-123456" }, { "x-forwarded-for": "203.0.113.99" }))).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    // in production a request without a trusted IP shares the "no-trusted-ip" bucket
    const anon = [];
    for (let i = 0; i < 4; i++) anon.push((await auth.handler(post("/sign-in/email", { email: "x@example.com", password: "password-123456" }))).status);
    assert.deepEqual(anon, [401, 401, 401, 429]);
  });
});

describe("rate limiter storage", () => {
  test("database storage: better-auth and better-auth-rs share one counter in the rateLimit table", async () => {
    const file = db("rl-shared");
    const opts = { rateLimit: { enabled: true, storage: "database", customRules: { "/ok": { window: 60, max: 4 } } } };
    const ours = await makeAuth("ours", { dbFile: file, ...opts });
    await ours.handler(get("/ok")); // creates the tables (ours migrates SQLite on first use)
    const ba = await makeAuth("better-auth", { dbFile: file, ...opts });
    cleanups.push(() => ba.close());
    const ip = freshIp();
    const h = { "x-forwarded-for": ip };
    const seq = [];
    for (const a of [ba, ours, ba, ours, ba, ours]) seq.push((await a.handler(get("/ok", h))).status);
    // ours' first /ok above came from 127.0.0.1, another key; here 4 allowed in total, whoever serves
    assert.deepEqual(seq, [200, 200, 200, 200, 429, 429]);
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare(`select "key", "count", "lastRequest", "id" from "rateLimit" where "key" = ?`).get(`${ip}|/ok`);
    raw.close();
    assert.equal(row.count, 4);
    assert.equal(typeof row.lastRequest, "number");
    assert.ok(Math.abs(row.lastRequest - Date.now()) < 60_000);
    assert.match(row.id, /^[A-Za-z0-9]{32}$/);
  });

  test("database storage counts atomically: 40 concurrent requests, exactly max pass (two instances)", async () => {
    const file = db("rl-atomic");
    const opts = { rateLimit: { enabled: true, storage: "database", customRules: { "/ok": { window: 60, max: 7 } } } };
    const a = await makeAuth("ours", { dbFile: file, ...opts });
    const b = await makeAuth("ours", { dbFile: file, ...opts });
    await a.handler(get("/ok", { "x-forwarded-for": "192.0.2.1" }));
    const h = { "x-forwarded-for": "192.0.2.77" };
    const res = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).handler(get("/ok", h))));
    const counts = {};
    for (const r of res) counts[r.status] = (counts[r.status] ?? 0) + 1;
    assert.deepEqual(counts, { 200: 7, 429: 33 });
  });

  test("database storage honours rateLimit.modelName (the table and its rows)", async () => {
    const file = db("rl-model");
    const auth = await makeAuth("ours", { dbFile: file, rateLimit: { enabled: true, storage: "database", modelName: "rate_limits", customRules: { "/ok": { window: 60, max: 1 } } } });
    const h = { "x-forwarded-for": "192.0.2.31" };
    assert.equal((await auth.handler(get("/ok", h))).status, 200);
    assert.equal((await auth.handler(get("/ok", h))).status, 429);
    const raw = new Database(file, { readonly: true });
    const names = raw.prepare(`select name from sqlite_master where type = 'table'`).all().map((r) => r.name);
    const row = raw.prepare(`select "count" from "rate_limits" where "key" = ?`).get("192.0.2.31|/ok");
    raw.close();
    assert.ok(names.includes("rate_limits") && !names.includes("rateLimit"), names.join(","));
    assert.equal(row.count, 1);
  });

  test("secondary-storage: fixed window via increment, retry after the whole window", async () => {
    const store = new Map();
    const increments = [];
    const secondaryStorage = {
      get: async (k) => store.get(k)?.v ?? null,
      set: async (k, v) => void store.set(k, { v }),
      delete: async (k) => void store.delete(k),
      increment: async (k, ttl) => {
        increments.push([k, ttl]);
        const n = Number(store.get(k)?.v ?? 0) + 1;
        store.set(k, { v: String(n) });
        return n;
      },
    };
    const auth = await makeAuth("ours", { dbFile: db("rl-ss"), secondaryStorage, rateLimit: { enabled: true, customRules: { "/ok": { window: 20, max: 2 } } } });
    const h = { "x-forwarded-for": "192.0.2.9" };
    const s = [];
    for (let i = 0; i < 3; i++) s.push(await snapshot(await auth.handler(get("/ok", h))));
    assert.deepEqual(s.map((x) => x.status), [200, 200, 429]);
    assert.equal(s[2].retryAfter, "20");
    assert.deepEqual(increments[0], ["192.0.2.9|/ok", 20]);
  });

  test("a failing storage lets requests through (the limiter never takes sign-in down)", async () => {
    const secondaryStorage = {
      get: async () => null, set: async () => {}, delete: async () => {},
      increment: async () => { throw new Error("redis down"); },
    };
    const auth = await makeAuth("ours", { dbFile: db("rl-down"), secondaryStorage, rateLimit: { enabled: true, customRules: { "/ok": { window: 60, max: 1 } } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await auth.handler(get("/ok", { "x-forwarded-for": "192.0.2.44" }))).status);
    assert.deepEqual(statuses, [200, 200, 200]);
  });

  test("customStorage.consume decides", async () => {
    const seen = [];
    const customStorage = {
      consume: async (key, rule) => {
        seen.push([key, rule]);
        return seen.length > 1 ? { allowed: false, retryAfter: 42 } : { allowed: true, retryAfter: null };
      },
    };
    const auth = await makeAuth("ours", { dbFile: db("rl-custom"), rateLimit: { enabled: true, customStorage } });
    const h = { "x-forwarded-for": "192.0.2.10" };
    assert.equal((await auth.handler(get("/ok", h))).status, 200);
    const r = await auth.handler(get("/ok", h));
    assert.equal(r.status, 429);
    assert.equal(r.headers.get("x-retry-after"), "42");
    assert.deepEqual(seen[0], ["192.0.2.10|/ok", { window: 10, max: 100 }]);
  });

  test("database storage on an unknown option value is a clear error", async () => {
    assert.throws(() => betterAuth({ database: db("rl-bad"), secret: SECRET, rateLimit: { storage: "redis" } }), /rateLimit\.storage.*redis/);
  });
});

describe("client IP behind proxies: conformance with better-auth's getIP", () => {
  // header chain, ipAddress options → the key both implementations use (session.ipAddress)
  const rows = [
    ["203.0.113.7", {}],
    ["1.2.3.4, 203.0.113.7", {}],
    ["garbage", {}],
    ["2001:db8:abcd:12:1::7", {}],
    ["2001:db8:abcd:12:1::7", { ipv6Subnet: 128 }],
    ["2001:db8:abcd:12:1::7", { ipv6Subnet: 48 }],
    ["::ffff:198.51.100.9", {}],
    ["1.2.3.4, 203.0.113.7, 10.1.2.3", { trustedProxies: ["10.0.0.0/8"] }],
    ["1.2.3.4, 10.1.2.3", { trustedProxies: ["10.0.0.0/8"] }],
    ["10.1.2.3, 10.9.9.9", { trustedProxies: ["10.0.0.0/8"] }],
    ["evil, 203.0.113.7, 10.0.0.2", { trustedProxies: ["10.0.0.0/8"] }],
    ["203.0.113.7, evil, 10.0.0.2", { trustedProxies: ["10.0.0.0/8"] }],
    ["198.51.100.1, 192.168.4.4, 10.0.0.1", { trustedProxies: ["10.0.0.1", "192.168.0.0/16"] }],
    ["2001:db8:2::5, 2001:db8:1::9", { trustedProxies: ["2001:db8:1::/48"] }],
    ["198.51.100.1, 10.0.0.2", { trustedProxies: ["not-a-cidr", "10.0.0.0/8"] }],
  ];
  test("session.ipAddress equals better-auth's getIP for every row", async () => {
    const table = [];
    for (const [chain, ipOpts] of rows) {
      const options = { advanced: { ipAddress: ipOpts } };
      const headers = new Headers({ "x-forwarded-for": chain });
      // production semantics (no 127.0.0.1 fallback) for both sides
      const prev = process.env.NODE_ENV;
      process.env.NODE_ENV = "production";
      let expected;
      try {
        expected = getIP(new Request(BASE_URL, { headers }), options);
      } finally {
        process.env.NODE_ENV = prev;
      }
      const file = db("ip");
      process.env.NODE_ENV = "production";
      let auth;
      try {
        auth = betterAuth({ database: file, secret: SECRET, baseURL: BASE_URL, emailAndPassword: { enabled: true }, rateLimit: { enabled: false }, ...options });
      } finally {
        process.env.NODE_ENV = prev;
      }
      const res = await auth.handler(post("/sign-up/email", { email: "ip@example.com", password: "password-123456", name: "I" }, { "x-forwarded-for": chain }));
      assert.equal(res.status, 200);
      const raw = new Database(file, { readonly: true });
      const got = raw.prepare(`select "ipAddress" from "session"`).get().ipAddress;
      raw.close();
      // better-auth reads NODE_ENV once at load (development here), so its "no trusted IP"
      // comes back as the 127.0.0.1 fallback; both mean the same. Sessions store "" for none.
      const want = expected === "127.0.0.1" ? "" : expected ?? "";
      table.push({ chain, options: JSON.stringify(ipOpts), betterAuth: expected, ours: got });
      assert.equal(got, want, `${chain} ${JSON.stringify(ipOpts)}`);
    }
    console.table(table);
  });

  test("trustedProxyCount (extension): the n-th hop from the right, spoofed left hops ignored", async () => {
    const file = db("ip-count");
    const auth = betterAuth({
      database: file, secret: SECRET, baseURL: BASE_URL, emailAndPassword: { enabled: true },
      advanced: { ipAddress: { trustedProxyCount: 1 } },
      rateLimit: { enabled: true, customRules: { "/ok": { window: 60, max: 1 } } },
    });
    // one proxy appends the real peer: clients spoofing different left hops stay one client
    assert.equal((await auth.handler(get("/ok", { "x-forwarded-for": "6.6.6.1, 203.0.113.5" }))).status, 200);
    assert.equal((await auth.handler(get("/ok", { "x-forwarded-for": "6.6.6.2, 203.0.113.5" }))).status, 429);
    // and a different real client is not locked out by the first
    assert.equal((await auth.handler(get("/ok", { "x-forwarded-for": "6.6.6.1, 203.0.113.6" }))).status, 200);
  });
});

describe("account lockout (extension)", () => {
  const email = "locked@example.com";
  const password = "correct-horse-battery";
  async function signIn(auth, pw, ip = "192.0.2.200") {
    const r = await auth.handler(post("/sign-in/email", { email, password: pw }, { "x-forwarded-for": ip }));
    return { status: r.status, body: await r.json().catch(() => null) };
  }

  test("N failures across IPs lock the email; same generic answer; shared across instances; expires", async () => {
    const file = db("lockout");
    const opts = { emailAndPassword: { enabled: true, accountLockout: { maxFailedAttempts: 3, duration: 2 } } };
    const a = await makeAuth("ours", { dbFile: file, ...opts });
    const b = await makeAuth("ours", { dbFile: file, ...opts });
    assert.equal((await a.handler(post("/sign-up/email", { email, password, name: "L" }))).status, 200);
    // two failures, then success resets the counter
    assert.equal((await signIn(a, "wrong-1", "192.0.2.1")).status, 401);
    assert.equal((await signIn(b, "wrong-2", "192.0.2.2")).status, 401);
    assert.equal((await signIn(a, password)).status, 200);
    // three failures from three IPs through two instances
    for (const [inst, ip] of [[a, "192.0.2.3"], [b, "192.0.2.4"], [a, "192.0.2.5"]]) {
      const r = await signIn(inst, "wrong", ip);
      assert.equal(r.status, 401);
      assert.equal(r.body.code, "INVALID_EMAIL_OR_PASSWORD");
    }
    // now even the right password gets the same generic answer, on both instances
    const locked = await signIn(b, password);
    assert.deepEqual(locked, { status: 401, body: { message: "Invalid email or password", code: "INVALID_EMAIL_OR_PASSWORD" } });
    assert.equal((await signIn(a, password)).status, 401);
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare(`select "count" from "rateLimit" where "key" = ?`).get(`lockout|${email}`);
    raw.close();
    assert.equal(row.count, 3);
    // the lock lifts `duration` seconds after the last failure
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal((await signIn(b, password)).status, 200);
    const raw2 = new Database(file, { readonly: true });
    assert.equal(raw2.prepare(`select count(*) as n from "rateLimit" where "key" = ?`).get(`lockout|${email}`).n, 0);
    raw2.close();
  });

  test("unknown emails are counted too, so a lock reveals nothing", async () => {
    const auth = await makeAuth("ours", { dbFile: db("lockout-unknown"), emailAndPassword: { enabled: true, accountLockout: { maxFailedAttempts: 2, duration: 60 } } });
    for (let i = 0; i < 3; i++) {
      const r = await auth.handler(post("/sign-in/email", { email: "ghost@example.com", password: "whatever-123" }));
      assert.equal(r.status, 401);
      assert.equal((await r.json()).code, "INVALID_EMAIL_OR_PASSWORD");
    }
  });

  test("off by default; bad values are clear errors", async () => {
    assert.throws(
      () => betterAuth({ database: db("lockout-bad"), secret: SECRET, emailAndPassword: { enabled: true, accountLockout: { maxFailedAttempts: 0 } } }),
      /accountLockout/,
    );
    const auth = await makeAuth("ours", { dbFile: db("lockout-off") });
    assert.equal((await auth.handler(post("/sign-up/email", { email, password, name: "L" }))).status, 200);
    for (let i = 0; i < 12; i++) assert.equal((await signIn(auth, "wrong")).status, 401);
    assert.equal((await signIn(auth, password)).status, 200);
  });
});

describe("trustedOrigins as an async function", () => {
  test("its origins are trusted for that request, as in better-auth", async () => {
    for (const kind of ["better-auth", "ours"]) {
      const seen = [];
      const auth = await makeAuth(kind, {
        dbFile: db(`to-fn-${kind}`),
        trustedOrigins: async (request) => {
          seen.push(request ? new URL(request.url).pathname : null);
          return ["https://app.example.com", "https://*.preview.example.com"];
        },
      });
      cleanups.push(() => auth.close());
      const up = await auth.handler(post("/sign-up/email", { email: `fn-${kind}@example.com`, password: "password-123456", name: "F" }));
      assert.equal(up.status, 200, kind);
      const cookie = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const out = async (origin) => (await auth.handler(post("/sign-out", {}, { cookie, origin }))).status;
      assert.equal(await out("https://evil.example.com"), 403, kind);
      assert.equal(await out("https://pr-7.preview.example.com"), 200, kind);
      assert.ok(seen.includes("/api/auth/sign-out"), `${kind}: ${JSON.stringify(seen)}`);
      if (kind === "ours") {
        // not called where nothing is checked (a plain GET, an auth.api call without a request)
        seen.length = 0;
        await auth.handler(new Request(`${BASE_URL}/api/auth/get-session`, { headers: { cookie } }));
        await auth.api.getSession({ headers: new Headers({ cookie }) });
        assert.deepEqual(seen, []);
      }
      const cb = await auth.handler(post("/sign-in/email", { email: `fn-${kind}@example.com`, password: "password-123456", callbackURL: "https://evil.example.com/x" }));
      assert.equal(cb.status, 403, kind);
      assert.equal((await cb.json()).code, "INVALID_CALLBACK_URL", kind);
      const ok = await auth.handler(post("/sign-in/email", { email: `fn-${kind}@example.com`, password: "password-123456", callbackURL: "https://app.example.com/home" }));
      assert.equal(ok.status, 200, kind);
    }
  });
});
