// `better-auth-rs/redis` (issue 18, item 1): a secondaryStorage served in Rust, against the
// machine's Redis (127.0.0.1:6379). Compared with better-auth + `@better-auth/redis-storage`
// (ioredis): the same sequences leave the same keys, values and TTLs; a mixed fleet (one
// better-auth, one better-auth-rs, one Redis prefix, one database) reads each other's sessions;
// rate-limit counters are shared; an unreachable Redis is a clear 503, not a hang.
import "./helpers/env.mjs";

import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import Redis from "ioredis";
import { redisStorage as baRedisStorage } from "@better-auth/redis-storage";
import { IMPLS, makeAuth, tempDbFile } from "./helpers/impls.mjs";
import { Ctx, cookieHeader, expectOk } from "./helpers/observe.mjs";
import ours from "../js/redis.js";

const URL_ = process.env.BA_RS_REDIS_URL || "redis://127.0.0.1:6379";
const ORIGIN = { origin: "http://localhost:3000" };
const PW = "correct-horse-battery";
const admin = new Redis(URL_, { lazyConnect: false, maxRetriesPerRequest: 1 });
const clients = [admin];
after(async () => {
  for (const c of clients) c.disconnect();
});

const prefix = (label) => `ba-rs-test:${label}:${process.pid}:${crypto.randomBytes(4).toString("hex")}:`;

function storageFor(kind, keyPrefix) {
  if (kind === "better-auth") {
    const client = new Redis(URL_);
    clients.push(client);
    return baRedisStorage({ client, keyPrefix });
  }
  return ours.redisStorage({ url: URL_, keyPrefix });
}

/** Every key under `p` with its value and TTL (minutes); tokens, ids and dates as placeholders, sorted. */
async function snapshot(p) {
  const keys = await admin.keys(`${p}*`);
  const shape = (v, k) => {
    if (Array.isArray(v)) return v.map((x) => shape(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).map((key) => [key, shape(v[key], key)]));
    if (k === "token" || k === "id" || k === "userId") return `<${k}>`;
    if (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) return "<date>";
    if (typeof v === "number" && k === "expiresAt") return "<ms>";
    return v;
  };
  const out = [];
  for (const k of keys) {
    const raw = await admin.get(k);
    let value;
    try {
      value = shape(JSON.parse(raw));
    } catch {
      value = raw;
    }
    const ttl = await admin.ttl(k);
    const key = k.slice(p.length).replace(/^(active-sessions-|revoked-sessions-before-).+$/, "$1<userId>").replace(/^[A-Za-z0-9]{32}$/, "<token>");
    out.push({ key, value, ttl: ttl < 0 ? ttl : Math.round(ttl / 60) });
  }
  return out.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe("redisStorage: keys and values as @better-auth/redis-storage's", () => {
  test("sign-up, a second sign-in, get-session, revoke-other-sessions, sign-out: the same keys, values and TTLs", async () => {
    const snaps = {};
    for (const kind of IMPLS) {
      const p = prefix(`layout-${kind}`);
      const { file, cleanup } = tempDbFile("redis-layout");
      const auth = await makeAuth(kind, { dbFile: file, secondaryStorage: storageFor(kind, p) });
      const ctx = new Ctx(kind, auth);
      const steps = [];
      try {
        const up = await ctx.send("sign-up", "POST", "/sign-up/email", { json: { name: "R", email: "r@x.com", password: PW }, headers: ORIGIN });
        expectOk(up);
        steps.push(await snapshot(p));
        const jar1 = cookieHeader(up.setCookies);
        const inn = await ctx.send("sign-in", "POST", "/sign-in/email", { json: { email: "r@x.com", password: PW }, headers: ORIGIN });
        const jar2 = cookieHeader(inn.setCookies);
        steps.push(await snapshot(p));
        const got = await ctx.send("get-session", "GET", "/get-session", { headers: { cookie: jar1 } });
        assert.equal(got.json.user.email, "r@x.com");
        expectOk(await ctx.send("revoke-other-sessions", "POST", "/revoke-other-sessions", { json: {}, headers: { cookie: jar2, ...ORIGIN } }));
        steps.push(await snapshot(p));
        assert.equal((await ctx.send("revoked session", "GET", "/get-session", { headers: { cookie: jar1 } })).text, "null");
        expectOk(await ctx.send("sign-out", "POST", "/sign-out", { json: {}, headers: { cookie: jar2, ...ORIGIN } }));
        steps.push(await snapshot(p));
      } finally {
        auth.close();
        cleanup();
        const keys = await admin.keys(`${p}*`);
        if (keys.length) await admin.del(...keys);
      }
      snaps[kind] = steps;
    }
    const mine = snaps.ours ?? snaps["better-auth"];
    assert.equal(mine[0].length, 2, JSON.stringify(mine[0])); // the session and the user's index
    assert.ok(mine[0].every((e) => e.ttl >= 10079 && e.ttl <= 10080), JSON.stringify(mine[0])); // 7 days, in minutes
    if (snaps.ours && snaps["better-auth"]) assert.deepEqual(snaps.ours, snaps["better-auth"]);
  });
});

describe("redisStorage: a mixed fleet", () => {
  test("better-auth (@better-auth/redis-storage) and better-auth-rs on one Redis prefix and one database read each other's sessions", async () => {
    if (IMPLS.length < 2) return;
    const p = prefix("fleet");
    const { file, cleanup } = tempDbFile("redis-fleet");
    const rs = await makeAuth("ours", { dbFile: file, secondaryStorage: storageFor("ours", p) });
    await rs.api.ok?.();
    await rs.handler(new Request("http://localhost:3000/api/auth/ok")); // migrates the shared file
    const ba = await makeAuth("better-auth", { dbFile: file, secondaryStorage: storageFor("better-auth", p) });
    const A = new Ctx("better-auth", ba);
    const B = new Ctx("ours", rs);
    try {
      const up = await A.send("sign-up on better-auth", "POST", "/sign-up/email", { json: { name: "F", email: "f@x.com", password: PW }, headers: ORIGIN });
      expectOk(up);
      const jarA = cookieHeader(up.setCookies);
      const seen = await B.send("get-session on ours", "GET", "/get-session", { headers: { cookie: jarA } });
      assert.equal(seen.json?.user?.email, "f@x.com");
      const inn = await B.send("sign-in on ours", "POST", "/sign-in/email", { json: { email: "f@x.com", password: PW }, headers: ORIGIN });
      expectOk(inn);
      const jarB = cookieHeader(inn.setCookies);
      const back = await A.send("get-session on better-auth", "GET", "/get-session", { headers: { cookie: jarB } });
      assert.equal(back.json?.user?.email, "f@x.com");
      const list = await A.send("list-sessions on better-auth", "GET", "/list-sessions", { headers: { cookie: jarA } });
      assert.equal(list.json.length, 2, "both sessions in the shared index");
      expectOk(await B.send("sign-out on ours", "POST", "/sign-out", { json: {}, headers: { cookie: jarB, ...ORIGIN } }));
      assert.equal((await A.send("signed-out session on better-auth", "GET", "/get-session", { headers: { cookie: jarB } })).text, "null");
      expectOk(await A.send("revoke-sessions on better-auth", "POST", "/revoke-sessions", { json: {}, headers: { cookie: jarA, ...ORIGIN } }));
      assert.equal((await B.send("revoked session on ours", "GET", "/get-session", { headers: { cookie: jarA } })).text, "null");
    } finally {
      ba.close();
      rs.close();
      cleanup();
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
  });
});

describe("redisStorage: the session index under concurrency", () => {
  test("50 concurrent sign-ins on two instances: the active-session index lists all of them; revoke-other-sessions leaves one", async () => {
    const p = prefix("index");
    const { file, cleanup } = tempDbFile("redis-index");
    const opts = { dbFile: file, secondaryStorage: ours.redisStorage({ url: URL_, keyPrefix: p }), rateLimit: { enabled: false }, emailAndPassword: { password: { hash: async (pw) => `plain:${pw}`, verify: async ({ hash, password }) => hash === `plain:${password}` } } };
    const a = await makeAuth("ours", opts);
    const b = await makeAuth("ours", opts);
    try {
      const post = (auth, path, body, headers = {}) => auth.handler(new Request(`http://localhost:3000/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", ...ORIGIN, ...headers }, body: JSON.stringify(body) }));
      const up = await post(a, "/sign-up/email", { name: "C", email: "c@x.com", password: PW });
      assert.equal(up.status, 200);
      const userId = (await up.json()).user.id;
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(i % 2 ? a : b, "/sign-in/email", { email: "c@x.com", password: PW })));
      assert.deepEqual([...new Set(results.map((r) => r.status))], [200]);
      const index = JSON.parse(await admin.get(`${p}active-sessions-${userId}`));
      assert.equal(index.length, 51, "sign-up's session and the 50 sign-ins");
      assert.deepEqual(Object.keys(index[0]), ["token", "expiresAt"]);
      const sorted = [...index].sort((x, y) => x.expiresAt - y.expiresAt);
      assert.deepEqual(index, sorted);
      const jar = cookieHeader(results[7].headers.getSetCookie());
      assert.equal((await post(b, "/revoke-other-sessions", {}, { cookie: jar })).status, 200);
      const after = JSON.parse(await admin.get(`${p}active-sessions-${userId}`));
      assert.equal(after.length, 1);
      const sessionKeys = (await admin.keys(`${p}*`)).filter((k) => /:[A-Za-z0-9]{32}$/.test(k));
      assert.equal(sessionKeys.length, 1);
    } finally {
      a.close();
      b.close();
      cleanup();
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
  });
});

describe("redisStorage: revocations reach every instance's cookie cache", () => {
  test("sign-out, revoke-other-sessions and update-user on instance A are seen by instance B's cookie cache within 1 s (20 trials)", async () => {
    const p = prefix("revoke");
    const { file, cleanup } = tempDbFile("redis-revoke");
    const opts = (n) => ({ dbFile: file, secondaryStorage: ours.redisStorage({ url: URL_, keyPrefix: p }), session: { cookieCache: { enabled: true, maxAge: 300 } }, rateLimit: { enabled: false }, emailAndPassword: { password: { hash: async (pw) => `plain:${pw}`, verify: async ({ hash, password }) => hash === `plain:${password}` } } });
    const a = await makeAuth("ours", opts());
    const b = await makeAuth("ours", opts());
    const req = (auth, method, path, body, headers = {}) =>
      auth.handler(new Request(`http://localhost:3000/api/auth${path}`, { method, headers: { ...(body ? { "content-type": "application/json" } : {}), ...ORIGIN, ...headers }, body: body ? JSON.stringify(body) : undefined }));
    const session = async (auth, jar) => (await req(auth, "GET", "/get-session", null, { cookie: jar })).json();
    /** ms until B answers `until(body)` for `jar`, polling every 10 ms (fails after 3 s). */
    const seenBy = async (auth, jar, until) => {
      const t0 = Date.now();
      while (Date.now() - t0 < 3000) {
        if (until(await session(auth, jar))) return Date.now() - t0;
        await new Promise((r) => setTimeout(r, 10));
      }
      return Infinity;
    };
    try {
      const up = await req(a, "POST", "/sign-up/email", { name: "V", email: "v@x.com", password: PW });
      assert.equal(up.status, 200);
      // B's listener catches up on first use; until then B reads the store (fail safe)
      await seenBy(b, cookieHeader(up.headers.getSetCookie()), (s) => s?.user?.email === "v@x.com");
      await new Promise((r) => setTimeout(r, 300));
      const latencies = [];
      for (let i = 0; i < 20; i++) {
        const inn = await req(a, "POST", "/sign-in/email", { email: "v@x.com", password: PW });
        const jar = cookieHeader(inn.headers.getSetCookie());
        assert.ok(jar.includes("session_data"), jar);
        // the cache answers on B (the row is there too; what matters is the cookie B is given)
        assert.equal((await session(b, jar))?.user?.email, "v@x.com");
        assert.equal((await req(a, "POST", "/sign-out", {}, { cookie: jar })).status, 200);
        latencies.push(await seenBy(b, jar, (s) => s === null));
      }
      latencies.sort((x, y) => x - y);
      const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1];
      console.log(`# revocation seen by the other instance: median ${latencies[10]} ms, p99 ${p99} ms`);
      assert.ok(p99 < 1000, JSON.stringify(latencies));

      // revoke-other-sessions on A: the other session's cache is refused on B
      const s1 = cookieHeader((await req(a, "POST", "/sign-in/email", { email: "v@x.com", password: PW })).headers.getSetCookie());
      const s2 = cookieHeader((await req(b, "POST", "/sign-in/email", { email: "v@x.com", password: PW })).headers.getSetCookie());
      assert.equal((await session(b, s1))?.user?.email, "v@x.com");
      assert.equal((await req(a, "POST", "/revoke-other-sessions", {}, { cookie: s2 })).status, 200);
      assert.ok((await seenBy(b, s1, (s) => s === null)) < 1000);
      assert.equal((await session(b, s2))?.user?.email, "v@x.com", "the kept session still works");

      // update-user on A: B stops serving the old name from the cache
      assert.equal((await session(b, s2))?.user?.name, "V");
      assert.equal((await req(a, "POST", "/update-user", { name: "Renamed" }, { cookie: s2 })).status, 200);
      assert.ok((await seenBy(b, s2, (s) => s?.user?.name === "Renamed")) < 1000);
    } finally {
      a.close();
      b.close();
      cleanup();
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
  });
});

describe("control: without the channel the cookie cache keeps a revoked session (as Better Auth)", () => {
  test("a JS secondaryStorage (@better-auth/redis-storage given to better-auth-rs): B serves the signed-out session from its cache", async () => {
    const p = prefix("control");
    const { file, cleanup } = tempDbFile("redis-control");
    const opts = () => ({ dbFile: file, secondaryStorage: storageFor("better-auth", p), session: { cookieCache: { enabled: true, maxAge: 300 } }, rateLimit: { enabled: false } });
    const a = await makeAuth("ours", opts());
    const b = await makeAuth("ours", opts());
    const req = (auth, method, path, body, headers = {}) =>
      auth.handler(new Request(`http://localhost:3000/api/auth${path}`, { method, headers: { ...(body ? { "content-type": "application/json" } : {}), ...ORIGIN, ...headers }, body: body ? JSON.stringify(body) : undefined }));
    try {
      const up = await req(a, "POST", "/sign-up/email", { name: "K", email: "k@x.com", password: PW });
      const jar = cookieHeader(up.headers.getSetCookie());
      assert.equal((await req(a, "POST", "/sign-out", {}, { cookie: jar })).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      const still = await (await req(b, "GET", "/get-session", null, { cookie: jar })).json();
      assert.equal(still?.user?.email, "k@x.com", "the cache answered: this is what the channel fixes");
    } finally {
      a.close();
      b.close();
      cleanup();
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
  });
});

describe("redisStorage: rate limiting, client settings, failures", () => {
  test("rate-limit counters live in Redis (secondary-storage), shared by both packages", async () => {
    const p = prefix("rl");
    const rule = { rateLimit: { enabled: true, storage: "secondary-storage", customRules: { "/ok": { window: 60, max: 3 } } }, advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } } };
    const auths = [];
    const files = [];
    try {
      for (const kind of IMPLS) {
        const f = tempDbFile("redis-rl");
        files.push(f);
        auths.push(await makeAuth(kind, { dbFile: f.file, secondaryStorage: storageFor(kind, p), ...rule }));
      }
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        const a = auths[i % auths.length];
        statuses.push((await a.handler(new Request("http://localhost:3000/api/auth/ok", { headers: { "x-forwarded-for": "203.0.113.50" } }))).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const keys = (await admin.keys(`${p}*`)).map((k) => k.slice(p.length));
      assert.deepEqual(keys, ["203.0.113.50|/ok"]);
      assert.equal(await admin.get(`${p}203.0.113.50|/ok`), "5");
      const ttl = await admin.ttl(`${p}203.0.113.50|/ok`);
      assert.ok(ttl > 50 && ttl <= 60, String(ttl));
    } finally {
      for (const a of auths) a.close();
      for (const f of files) f.cleanup();
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
  });

  test("redisStorage({ client }) uses the ioredis client's host, port and db", async () => {
    const client = new Redis({ host: "127.0.0.1", port: 6379, db: 3, lazyConnect: true });
    const s = ours.redisStorage({ client, keyPrefix: "p:" });
    assert.deepEqual(s.__betterAuthRsRedis, { url: "redis://127.0.0.1:6379/3", keyPrefix: "p:" });
    const p = prefix("db3");
    const { file, cleanup } = tempDbFile("redis-db3");
    const auth = await makeAuth("ours", { dbFile: file, secondaryStorage: ours.redisStorage({ client, keyPrefix: p }) });
    const db3 = new Redis({ host: "127.0.0.1", port: 6379, db: 3 });
    clients.push(db3);
    try {
      const up = await auth.handler(new Request("http://localhost:3000/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...ORIGIN }, body: JSON.stringify({ name: "D", email: "d@x.com", password: PW }) }));
      assert.equal(up.status, 200);
      assert.equal((await db3.keys(`${p}*`)).length, 2);
      assert.equal((await admin.keys(`${p}*`)).length, 0, "nothing in db 0");
    } finally {
      auth.close();
      cleanup();
      const keys = await db3.keys(`${p}*`);
      if (keys.length) await db3.del(...keys);
    }
  });

  test("bad settings throw at construction; an unreachable Redis answers 503 DATABASE_UNAVAILABLE quickly", async () => {
    assert.throws(() => ours.redisStorage({}), /needs `url`/);
    assert.throws(() => ours.redisStorage({ url: "http://x" }), /needs `url`/);
    assert.throws(() => ours.redisStorage({ client: new Redis({ lazyConnect: true, tls: {} }) }), /TLS/);
    const { file, cleanup } = tempDbFile("redis-down");
    const auth = await makeAuth("ours", { dbFile: file, secondaryStorage: ours.redisStorage({ url: "redis://127.0.0.1:1" }) });
    try {
      const t0 = Date.now();
      const up = await auth.handler(new Request("http://localhost:3000/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json", ...ORIGIN }, body: JSON.stringify({ name: "X", email: "x@x.com", password: PW }) }));
      assert.equal(up.status, 503, await up.text());
      assert.ok(Date.now() - t0 < 15_000);
      const body = await (await auth.handler(new Request("http://localhost:3000/api/auth/get-session", { headers: { cookie: "better-auth.session_token=abc.def" } }))).text();
      assert.ok(body === "null" || body.includes("DATABASE_UNAVAILABLE"), body);
    } finally {
      auth.close();
      cleanup();
    }
  });
});

describe("redisStorage: Redis stopped and started again under load", () => {
  test("while Redis is down requests fail cleanly (503, no hang, no 500) and the cookie cache is not trusted; afterwards everything works again by itself", async (t) => {
    const { spawn, execFileSync } = await import("node:child_process");
    try {
      execFileSync("redis-server", ["--version"]);
    } catch {
      t.skip("redis-server is not installed");
      return;
    }
    const port = 20000 + Math.floor(Math.random() * 20000);
    const startServer = () => {
      const srv = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      return srv;
    };
    const url = `redis://127.0.0.1:${port}`;
    let srv = startServer();
    const own = () => new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    const probe = own();
    probe.on("error", () => {}); // refused connections while the server is down are expected
    clients.push(probe);
    for (let i = 0; i < 50 && (await probe.ping().catch(() => null)) !== "PONG"; i++) await new Promise((r) => setTimeout(r, 100));
    const { file, cleanup } = tempDbFile("redis-outage");
    const auth = await makeAuth("ours", { dbFile: file, secondaryStorage: ours.redisStorage({ url, keyPrefix: "o:" }), session: { cookieCache: { enabled: true, maxAge: 300 } }, rateLimit: { enabled: false }, emailAndPassword: { password: { hash: async (pw) => `plain:${pw}`, verify: async ({ hash, password }) => hash === `plain:${password}` } } });
    const req = (method, p, body, headers = {}) => auth.handler(new Request(`http://localhost:3000/api/auth${p}`, { method, headers: { ...(body ? { "content-type": "application/json" } : {}), ...ORIGIN, ...headers }, body: body ? JSON.stringify(body) : undefined }));
    try {
      const up = await req("POST", "/sign-up/email", { name: "O", email: "o@x.com", password: PW });
      assert.equal(up.status, 200);
      const jar = cookieHeader(up.headers.getSetCookie());
      assert.equal((await (await req("GET", "/get-session", null, { cookie: jar })).json())?.user?.email, "o@x.com");
      srv.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const during = await Promise.all(Array.from({ length: 10 }, () => req("POST", "/sign-in/email", { email: "o@x.com", password: PW })));
      assert.ok(Date.now() - t0 < 15_000, "no hang");
      for (const r of during) assert.equal(r.status, 503, await r.clone().text());
      const body = await (await req("GET", "/get-session", null, { cookie: jar })).text();
      // the cache is not trusted while the revocation channel is down: the store is asked, and it is down
      assert.match(body, /DATABASE_UNAVAILABLE/);
      srv = startServer();
      for (let i = 0; i < 50 && (await probe.ping().catch(() => null)) !== "PONG"; i++) await new Promise((r) => setTimeout(r, 100));
      let ok = null;
      for (let i = 0; i < 50 && ok !== 200; i++) {
        ok = (await req("POST", "/sign-in/email", { email: "o@x.com", password: PW })).status;
        if (ok !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(ok, 200, "recovered by itself");
      const again = cookieHeader((await req("POST", "/sign-in/email", { email: "o@x.com", password: PW })).headers.getSetCookie());
      assert.equal((await (await req("GET", "/get-session", null, { cookie: again })).json())?.user?.email, "o@x.com");
    } finally {
      auth.close();
      cleanup();
      srv.kill("SIGKILL");
    }
  });
});
