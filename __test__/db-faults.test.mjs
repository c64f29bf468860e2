// Concurrency and faults against real PostgreSQL and MariaDB:
//  - 50 concurrent sign-ups of one email → exactly one user and one account, 49 × 422;
//  - 50 concurrent sign-ins of one user → 50 sessions;
//  - the database "stopped" for 10 s under load (a TCP proxy in front of it drops every
//    connection and refuses new ones) → every request answers, quickly, with 503
//    DATABASE_UNAVAILABLE and a JSON body; service back within 5 s of the database returning;
//    no half-written rows;
//  - JS callbacks that throw or never settle → an error answer, other requests unaffected.
// Figures are printed (console.log) so CI logs show them.
import "./helpers/env.mjs";
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import { tempDbFile } from "./helpers/impls.mjs";

const require = createRequire(import.meta.url);
const { betterAuth, getMigrations } = require("../index.js");

const SECRET = "faults-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const BASE = "http://localhost:3000";
const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const ns = () => "ba_faults_" + crypto.randomBytes(5).toString("hex");

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) {
    try { await c(); } catch {}
  }
});

/** A TCP proxy to `target` that can be taken down (every socket destroyed, new ones refused). */
async function proxy(targetHost, targetPort) {
  const sockets = new Set();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    down() { down = true; for (const s of sockets) s.destroy(); sockets.clear(); },
    up() { down = false; },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

async function dialect(kind) {
  const name = ns();
  if (kind === "postgres") {
    const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
    await admin.query(`create schema ${name}`);
    const u = new URL(PG_URL);
    const px = await proxy(u.hostname, Number(u.port || 5432));
    const url = `postgres://${u.username}@127.0.0.1:${px.port}${u.pathname}?options=-c%20search_path%3D${name}`;
    const q = async (sql) => (await admin.query(sql.replaceAll("`", '"').replaceAll("T.", `${name}.`))).rows;
    cleanups.push(async () => { await px.close(); await admin.query(`drop schema ${name} cascade`); await admin.end(); });
    return { url, px, q };
  }
  const admin = await mysql.createConnection(MY_URL);
  await admin.query(`create database ${name}`);
  const u = new URL(MY_URL);
  const px = await proxy(u.hostname, Number(u.port || 3306));
  const url = `mysql://${u.username}@127.0.0.1:${px.port}/${name}`;
  const q = async (sql) => (await admin.query(sql.replaceAll("T.", `${name}.`)))[0];
  cleanups.push(async () => { await px.close(); await admin.query(`drop database ${name}`); await admin.end(); });
  return { url, px, q };
}

const post = (auth, p, body, headers = {}) =>
  auth.handler(new Request(BASE + "/api/auth" + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const tally = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

for (const kind of ["postgres", "mysql"]) {
  describe(`concurrency and faults on ${kind}`, () => {
    let d;
    let auth;
    test("setup (schema through better-auth-rs' migrator)", async () => {
      d = await dialect(kind);
      auth = betterAuth({ database: d.url, secret: SECRET, baseURL: BASE, emailAndPassword: { enabled: true }, logger: { disabled: true } });
      await getMigrations(auth).runMigrations();
    });

    test("50 concurrent sign-ups of one email: exactly one user and one account", async () => {
      const email = `race-${kind}@example.com`;
      const res = await Promise.all(Array.from({ length: 50 }, (_, i) => post(auth, "/sign-up/email", { email, password: "password-123456", name: `R${i}` })));
      const bodies = await Promise.all(res.map((r) => r.json()));
      const statuses = tally(res.map((r, i) => `${r.status} ${bodies[i]?.code ?? "ok"}`));
      console.log(`${kind}: 50 concurrent sign-ups of one email →`, statuses);
      assert.deepEqual(statuses, { "200 ok": 1, "422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": 49 });
      const users = await d.q(`select id from T.\`user\` where email = '${email}'`);
      assert.equal(users.length, 1);
      const accounts = await d.q(`select id from T.\`account\` where \`userId\` = '${users[0].id}'`);
      assert.equal(accounts.length, 1);
    });

    test("50 concurrent sign-ins of one user: 50 new sessions", async () => {
      const email = `race-${kind}@example.com`;
      const res = await Promise.all(Array.from({ length: 50 }, () => post(auth, "/sign-in/email", { email, password: "password-123456" })));
      assert.deepEqual(tally(res.map((r) => r.status)), { 200: 50 });
      const tokens = new Set(await Promise.all(res.map(async (r) => (await r.json()).token)));
      assert.equal(tokens.size, 50);
      const [{ n }] = await d.q(`select count(*) as n from T.\`session\` s join T.\`user\` u on u.id = s.\`userId\` where u.email = '${email}'`);
      assert.equal(Number(n), 51); // the sign-up's own session, plus 50
    });

    test("database down for 10 s under load: fast 503s with a JSON body, back within 5 s, no half-written rows", async () => {
      const email = `load-${kind}@example.com`;
      const up = await post(auth, "/sign-up/email", { email, password: "password-123456", name: "L" });
      assert.equal(up.status, 200);
      const cookie = cookieOf(up);
      const log = [];
      let stop = false;
      let seq = 0;
      const one = async (worker) => {
        const t0 = performance.now();
        let res;
        const op = worker % 3;
        if (op === 0) res = await auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie } }));
        else if (op === 1) res = await post(auth, "/sign-in/email", { email, password: "password-123456" });
        else res = await post(auth, "/sign-up/email", { email: `load-${kind}-${seq++}@example.com`, password: "password-123456", name: "N" });
        const text = await res.text();
        log.push({ t0, t1: performance.now(), status: res.status, text, op });
      };
      const workers = Array.from({ length: 6 }, async (_, w) => {
        while (!stop) await one(w);
      });
      await new Promise((r) => setTimeout(r, 1500));
      const downAt = performance.now();
      d.px.down();
      await new Promise((r) => setTimeout(r, 10_000));
      const upAt = performance.now();
      d.px.up();
      // run until every worker kind has succeeded again, at most 15 s
      let recoveredAt = null;
      while (performance.now() - upAt < 15_000) {
        await new Promise((r) => setTimeout(r, 100));
        const after = log.filter((e) => e.t0 >= upAt);
        if (after.some((e) => e.status === 200)) {
          recoveredAt ??= Math.min(...after.filter((e) => e.status === 200).map((e) => e.t1));
          if ([0, 1, 2].every((op) => after.some((e) => e.op === op && e.status === 200))) break;
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
      stop = true;
      await Promise.all(workers);

      const during = log.filter((e) => e.t0 >= downAt + 50 && e.t1 <= upAt);
      const statuses = tally(during.map((e) => e.status));
      const maxLatency = Math.max(...log.map((e) => e.t1 - e.t0));
      const recovery = recoveredAt === null ? null : recoveredAt - upAt;
      console.log(`${kind}: ${log.length} requests in all; ${during.length} during the 10 s outage →`, statuses,
        `; slowest answer ${maxLatency.toFixed(0)} ms; first 200 ${recovery?.toFixed(0)} ms after the database returned`);
      assert.ok(during.length > 20, `load kept running during the outage (${during.length})`);
      for (const e of during) {
        assert.ok(e.status >= 500 && e.status < 600, `outage answer ${e.status} ${e.text}`);
        const body = JSON.parse(e.text);
        assert.equal(typeof body.message, "string");
        assert.equal(body.code, "DATABASE_UNAVAILABLE", e.text);
        assert.equal(e.status, 503);
      }
      assert.ok(maxLatency < 10_000, `no hung request (slowest ${maxLatency} ms)`);
      assert.ok(recovery !== null && recovery <= 5000, `back within 5 s (${recovery} ms)`);
      const afterUp = log.filter((e) => e.t0 >= recoveredAt);
      assert.ok(afterUp.length > 0 && afterUp.every((e) => e.status === 200), `all 200 after recovery: ${JSON.stringify(tally(afterUp.map((e) => e.status)))}`);
      // no half-written rows: every user has its credential account, every session a user
      const orphans = await d.q(`select u.id from T.\`user\` u left join T.\`account\` a on a.\`userId\` = u.id where a.id is null`);
      assert.deepEqual(orphans, []);
      const dangling = await d.q(`select s.id from T.\`session\` s left join T.\`user\` u on u.id = s.\`userId\` where u.id is null`);
      assert.deepEqual(dangling, []);
      // every sign-up answered 200 has its rows; a sign-up whose user was committed just before
      // the connection dropped (session not created) answered 503 but left a complete account
      const okSignUps = log.filter((e) => e.op === 2 && e.status === 200).map((e) => JSON.parse(e.text).user.email);
      const rows = (await d.q(`select email from T.\`user\` where email like 'load-${kind}-%'`)).map((r) => r.email);
      for (const e of okSignUps) assert.ok(rows.includes(e), `signed-up ${e} is stored`);
      assert.ok(rows.length - okSignUps.length <= 6, `at most one in-flight sign-up per worker committed without a 200 (${rows.length - okSignUps.length})`);
      console.log(`${kind}: ${okSignUps.length} sign-ups answered 200, ${rows.length - okSignUps.length} committed just before the drop and answered 503 (complete rows; the user can sign in)`);
    });
  });
}

describe("JS callbacks that throw or never settle", () => {
  test("a hung hook times out with 500 CALLBACK_TIMEOUT while other requests go on; a throwing one gives 500", async () => {
    const { file, cleanup } = tempDbFile("cb-faults");
    cleanups.push(cleanup);
    const auth = betterAuth({
      database: file,
      secret: SECRET,
      baseURL: BASE,
      emailAndPassword: { enabled: true },
      advanced: { callbackTimeout: 1000 },
      hooks: {
        before: async (ctx) => {
          const email = ctx.body?.email ?? "";
          if (email.startsWith("hang")) await new Promise(() => {});
          if (email.startsWith("throw")) throw new Error("boom");
        },
      },
    });
    const ok = await post(auth, "/sign-up/email", { email: "fine@example.com", password: "password-123456", name: "F" });
    assert.equal(ok.status, 200);
    const cookie = cookieOf(ok);
    const t0 = performance.now();
    const hung = post(auth, "/sign-in/email", { email: "hang@example.com", password: "password-123456" });
    // meanwhile, other requests are served promptly
    const others = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      const r = await auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie } }));
      others.push({ status: r.status, ms: performance.now() - s });
    }
    assert.ok(others.every((o) => o.status === 200));
    const slowestOther = Math.max(...others.map((o) => o.ms));
    const res = await hung;
    const waited = performance.now() - t0;
    assert.equal(res.status, 500);
    assert.equal((await res.json()).code, "CALLBACK_TIMEOUT");
    assert.ok(waited >= 950 && waited < 5000, `timed out after ${waited} ms`);
    const thrown = await post(auth, "/sign-in/email", { email: "throw@example.com", password: "password-123456" });
    assert.equal(thrown.status, 500);
    const again = await auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie } }));
    assert.equal(again.status, 200);
    console.log(`callbacks: hung hook answered 500 CALLBACK_TIMEOUT after ${waited.toFixed(0)} ms; 20 get-session meanwhile, slowest ${slowestOther.toFixed(1)} ms; throwing hook → 500`);
  });
});
