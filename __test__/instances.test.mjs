// Several real processes (issue 18): three Node processes, each `betterAuth` + `toNodeHandler`
// on its own port, one PostgreSQL database, with one Redis (`redisStorage`) or PostgreSQL alone
// (LISTEN/NOTIFY), cookie cache on with maxAge 300. A session made on A works on B and C; after a sign-out on A the old cookies
// (session_data included) are refused by B and C within 1 s (p99 over 20 trials, printed); an
// update-user on A shows on B; a process killed with SIGKILL and restarted refuses what was
// revoked while it was down (it catches up from Redis).
import "./helpers/env.mjs";

import { test, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import Redis from "ioredis";
import { PG_URL } from "./helpers/dialects.mjs";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const REDIS_URL = process.env.BA_RS_REDIS_URL || "redis://127.0.0.1:6379";
const ORIGIN = "http://localhost:3000";
const PW = "correct-horse-battery";
const tag = `${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
const dbNameOf = (mode) => `ba_rs_instances_${mode}_${tag}`;
const prefix = `ba-rs-test:instances:${tag}:`;
const dbUrl = (mode) => {
  const u = new URL(PG_URL);
  u.pathname = `/${dbNameOf(mode)}`;
  return u.toString();
};

const CHILD = `
const http = require("node:http");
const { betterAuth, getMigrations } = require(${JSON.stringify(path.join(ROOT, "index.js"))});
const { toNodeHandler } = require(${JSON.stringify(path.join(ROOT, "js/node.js"))});
const { redisStorage } = require(${JSON.stringify(path.join(ROOT, "js/redis.js"))});
(async () => {
  const auth = betterAuth({
    secret: "instances-secret-0123456789-abcdefghijklmnop",
    baseURL: ${JSON.stringify(ORIGIN)},
    database: process.env.DB_URL,
    ...(process.env.USE_REDIS ? { secondaryStorage: redisStorage({ url: process.env.REDIS_URL, keyPrefix: process.env.PREFIX }) } : {}),
    session: { cookieCache: { enabled: true, maxAge: 300 } },
    emailAndPassword: { enabled: true, password: { hash: async (p) => "plain:" + p, verify: async ({ hash, password }) => hash === "plain:" + password } },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    advanced: { revocationChannel: true },
  });
  if (process.env.MIGRATE) await getMigrations(auth).runMigrations();
  const server = http.createServer(toNodeHandler(auth));
  server.listen(0, "127.0.0.1", () => console.log("READY " + server.address().port));
})().catch((e) => { console.error(e); process.exit(1); });
`;

const children = [];
function start(mode, migrate = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CHILD], { env: { ...process.env, DB_URL: dbUrl(mode), REDIS_URL, PREFIX: prefix, MIGRATE: migrate ? "1" : "", USE_REDIS: mode === "redis" ? "1" : "" }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      const m = /READY (\d+)/.exec(String(d));
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}/api/auth` });
    });
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

after(async () => {
  for (const c of children) c.kill("SIGKILL");
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await new Promise((r) => setTimeout(r, 200));
  for (const mode of ["redis", "postgres"]) await admin.query(`drop database if exists "${dbNameOf(mode)}" with (force)`).catch(() => {});
  await admin.end();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();
});

const jarOf = (res) => res.headers.getSetCookie().filter((c) => !/max-age=0/i.test(c)).map((c) => c.split(";")[0]).join("; ");
const post = (base, p, body, cookie) => fetch(base + p, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
const session = async (base, cookie) => (await fetch(base + "/get-session", { headers: { cookie } })).json();
async function within(base, cookie, ok, ms = 3000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (ok(await session(base, cookie))) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Infinity;
}

for (const mode of ["redis", "postgres"]) test(`three processes on one PostgreSQL${mode === "redis" ? " and one Redis" : " alone (LISTEN/NOTIFY)"}: sessions shared, revocations and user changes seen everywhere within 1 s, a restarted process catches up`, async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database "${dbNameOf(mode)}"`);
  await admin.end();
  const A = await start(mode, true);
  const [B, C] = await Promise.all([start(mode), start(mode)]);

  const up = await post(A.base, "/sign-up/email", { name: "M", email: "m@x.com", password: PW });
  assert.equal(up.status, 200, await up.clone().text());
  const first = jarOf(up);
  for (const X of [B, C]) assert.ok((await within(X.base, first, (s) => s?.user?.email === "m@x.com")) < 3000);
  await new Promise((r) => setTimeout(r, 300)); // listeners up

  const latencies = [];
  for (let i = 0; i < 20; i++) {
    const jar = jarOf(await post(A.base, "/sign-in/email", { email: "m@x.com", password: PW }));
    assert.ok(jar.includes("session_data"));
    for (const X of [B, C]) assert.equal((await session(X.base, jar))?.user?.email, "m@x.com");
    assert.equal((await post(A.base, "/sign-out", {}, jar)).status, 200);
    const seen = await Promise.all([B, C].map((X) => within(X.base, jar, (s) => s === null)));
    latencies.push(Math.max(...seen));
  }
  latencies.sort((x, y) => x - y);
  const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1];
  console.log(`# ${mode}: sign-out on A refused by B and C: median ${latencies[10]} ms, p99 ${p99} ms (20 trials)`);
  assert.ok(p99 < 1000, JSON.stringify(latencies));

  // update-user on A shows on B
  const keep = jarOf(await post(A.base, "/sign-in/email", { email: "m@x.com", password: PW }));
  assert.equal((await session(B.base, keep))?.user?.name, "M");
  assert.equal((await post(A.base, "/update-user", { name: "Changed" }, keep)).status, 200);
  assert.ok((await within(B.base, keep, (s) => s?.user?.name === "Changed")) < 1000);

  // C killed; a session revoked while it is down is refused by the restarted C
  const doomed = jarOf(await post(A.base, "/sign-in/email", { email: "m@x.com", password: PW }));
  assert.equal((await session(C.base, doomed))?.user?.email, "m@x.com");
  C.child.kill("SIGKILL");
  assert.equal((await post(A.base, "/sign-out", {}, doomed)).status, 200);
  const C2 = await start(mode);
  // a first cache read starts C2's listener; until it has caught up, C2 checks the store
  assert.equal((await session(C2.base, keep))?.user?.name, "Changed");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await session(C2.base, doomed), null, "the restarted process caught up on what was revoked while it was down");
});
