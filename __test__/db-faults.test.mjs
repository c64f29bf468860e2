// Concurrency and faults against real PostgreSQL and MariaDB:
//  - 50 concurrent sign-ups of one email → exactly one user and one account, 49 × 422;
//  - 50 concurrent sign-ins of one user → 50 sessions;
//  - the database "stopped" for 10 s under load (a TCP proxy in front of it drops every
//    connection and refuses new ones) → every request answers, quickly, with 503
//    DATABASE_UNAVAILABLE and a JSON body; service back within 5 s of the database returning;
//    no half-written rows;
//  - the database silent for 8 s (a "black hole": connections stay open but nothing gets through,
//    as when its host dies or the network partitions) → requests caught mid-statement and new ones
//    alike answer 503 within the engine's 5 s bounds, well before the database returns;
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
const { betterAuth, getMigrations, APIError } = require("../index.js");

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

/**
 * A TCP proxy to `target` that can be taken down: `down()` destroys every socket and refuses new
 * ones (a stopped database); `hole()` keeps every connection open but forwards nothing, on old
 * and new connections alike (a dead host or a partition: no reset, no answer); `up()` restores.
 */
async function proxy(targetHost, targetPort) {
  const pairs = new Set();
  let mode = "up";
  const flow = (p, on) => {
    if (on) { p.client.pipe(p.upstream); p.upstream.pipe(p.client); p.client.resume(); p.upstream.resume(); }
    else { p.client.unpipe(); p.upstream.unpipe(); p.client.pause(); p.upstream.pause(); }
  };
  const server = net.createServer((client) => {
    if (mode === "down") return client.destroy();
    const p = { client, upstream: net.connect(targetPort, targetHost) };
    pairs.add(p);
    const drop = () => { p.client.destroy(); p.upstream.destroy(); pairs.delete(p); };
    p.client.on("error", drop).on("close", drop);
    p.upstream.on("error", drop).on("close", drop);
    flow(p, mode === "up");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const destroyAll = () => { for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); } pairs.clear(); };
  return {
    port: server.address().port,
    down() { mode = "down"; destroyAll(); },
    hole() { mode = "hole"; for (const p of pairs) flow(p, false); },
    up() { if (mode === "hole") for (const p of pairs) flow(p, true); mode = "up"; },
    close: () => new Promise((r) => { destroyAll(); server.close(r); }),
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
      // the 49 losers left nothing behind: no user without its credential account
      const orphans = await d.q(`select u.id from T.\`user\` u left join T.\`account\` a on a.\`userId\` = u.id where a.id is null`);
      assert.deepEqual(orphans, []);
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

    /**
     * Steady load (get-session, sign-in and sign-up on `nWorkers` loops), then the database taken
     * away for `outageMs` by `px[how]()`, then restored. `bound`: the slowest answer allowed;
     * `min503`: answers expected during the outage.
     */
    async function outage(how, outageMs, { bound, nWorkers, min503 }) {
      const email = `load-${kind}-${how}@example.com`;
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
        else res = await post(auth, "/sign-up/email", { email: `load-${kind}-${how}-${seq++}@example.com`, password: "password-123456", name: "N" });
        const text = await res.text();
        log.push({ t0, t1: performance.now(), status: res.status, text, op });
      };
      const workers = Array.from({ length: nWorkers }, async (_, w) => {
        while (!stop) await one(w);
      });
      await new Promise((r) => setTimeout(r, 1500));
      const downAt = performance.now();
      d.px[how]();
      await new Promise((r) => setTimeout(r, outageMs));
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

      // every answer given during the outage: to requests sent during it, and to those in flight
      // when it began (which may still answer 200 if their last statement got through)
      const during = log.filter((e) => e.t1 >= downAt + 50 && e.t1 <= upAt);
      const statuses = tally(during.map((e) => e.status));
      const maxLatency = Math.max(...log.map((e) => e.t1 - e.t0));
      const recovery = recoveredAt === null ? null : recoveredAt - upAt;
      console.log(`${kind} (${how}): ${log.length} requests in all; ${during.length} answered during the ${outageMs / 1000} s outage →`, statuses,
        `; slowest answer ${maxLatency.toFixed(0)} ms; first 200 ${recovery?.toFixed(0)} ms after the database returned`);
      assert.ok(during.filter((e) => e.status === 503).length >= min503, `load kept running during the outage (${during.length})`);
      for (const e of during) {
        if (e.t0 < downAt && e.status === 200) continue;
        assert.ok(e.status >= 500 && e.status < 600, `outage answer ${e.status} ${e.text}`);
        const body = JSON.parse(e.text);
        assert.equal(typeof body.message, "string");
        assert.equal(body.code, "DATABASE_UNAVAILABLE", e.text);
        assert.equal(e.status, 503);
      }
      assert.ok(maxLatency < bound, `no hung request (slowest ${maxLatency} ms, bound ${bound} ms)`);
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
      const rows = (await d.q(`select email from T.\`user\` where email like 'load-${kind}-${how}-%'`)).map((r) => r.email);
      for (const e of okSignUps) assert.ok(rows.includes(e), `signed-up ${e} is stored`);
      assert.ok(rows.length - okSignUps.length <= nWorkers / 3, `at most one in-flight sign-up per worker committed without a 200 (${rows.length - okSignUps.length})`);
      console.log(`${kind} (${how}): ${okSignUps.length} sign-ups answered 200, ${rows.length - okSignUps.length} committed just before the drop and answered 503 (complete rows; the user can sign in)`);
    }

    test("database down for 10 s under load: fast 503s with a JSON body, back within 5 s, no half-written rows", async () => {
      await outage("down", 10_000, { bound: 10_000, nWorkers: 6, min503: 20 });
    });

    test("database silent for 8 s (black hole) under load: 503 within the 5 s bounds, not when it returns; back within 5 s", async () => {
      // a request caught mid-statement would otherwise wait for the database to come back (8 s);
      // the statement timeout (5 s) and the pool's acquire timeout (5 s) answer it before that
      // (12 workers for a pool of 10: some wait for a connection, some are mid-statement)
      await outage("hole", 8000, { bound: 7000, nWorkers: 12, min503: 6 });
    });
  });
}

describe("JS callbacks that throw or never settle", () => {
  test("hung callbacks time out (500 CALLBACK_TIMEOUT), throwing ones answer 500 or the APIError's status, other requests go on meanwhile", async () => {
    const { file, cleanup } = tempDbFile("cb-faults");
    cleanups.push(cleanup);
    const auth = betterAuth({
      database: file,
      secret: SECRET,
      baseURL: BASE,
      emailAndPassword: { enabled: true },
      emailVerification: {
        sendOnSignUp: true,
        sendVerificationEmail: async ({ user }) => {
          if (user.email.startsWith("hangmail")) await new Promise(() => {});
        },
      },
      advanced: { callbackTimeout: 1000 },
      hooks: {
        before: async (ctx) => {
          const email = ctx.body?.email ?? "";
          if (email.startsWith("hang@")) await new Promise(() => {});
          if (email.startsWith("throw")) throw new Error("boom");
          if (email.startsWith("forbidden")) throw new APIError("FORBIDDEN", { message: "Not here", code: "NOT_HERE" });
        },
      },
    });
    const ok = await post(auth, "/sign-up/email", { email: "fine@example.com", password: "password-123456", name: "F" });
    assert.equal(ok.status, 200);
    const cookie = cookieOf(ok);
    const timed = async (p) => {
      const t0 = performance.now();
      const res = await p;
      return { status: res.status, text: await res.text(), ms: performance.now() - t0 };
    };
    // the faulty requests, all in flight at once...
    const faulty = Promise.all([
      timed(post(auth, "/sign-in/email", { email: "hang@example.com", password: "password-123456" })),
      timed(post(auth, "/sign-up/email", { email: "hangmail@example.com", password: "password-123456", name: "H" })),
      timed(post(auth, "/sign-in/email", { email: "throw@example.com", password: "password-123456" })),
      timed(post(auth, "/sign-in/email", { email: "forbidden@example.com", password: "password-123456" })),
    ]);
    // ...while healthy ones are served promptly, one after the other, until the hung ones answer
    let settled = false;
    faulty.then(() => (settled = true));
    const others = [];
    while (!settled) {
      const op = others.length % 2;
      const r = op === 0
        ? await timed(auth.handler(new Request(BASE + "/api/auth/get-session", { headers: { cookie } })))
        : await timed(post(auth, "/sign-in/email", { email: "fine@example.com", password: "password-123456" }));
      others.push(r);
    }
    const [hung, hungMail, thrown, forbidden] = await faulty;
    assert.equal(hung.status, 500);
    assert.deepEqual(JSON.parse(hung.text), { code: "CALLBACK_TIMEOUT", message: "A server callback (hooks.before) did not answer in time" });
    assert.ok(hung.ms >= 950 && hung.ms < 5000, `hook timed out after ${hung.ms} ms`);
    // a sign-up's verification mail is sent after the user is stored; a failed send is only logged
    // (as in Better Auth), so the sign-up succeeds once the mailer has timed out
    assert.equal(hungMail.status, 200, hungMail.text);
    assert.ok(hungMail.ms >= 950 && hungMail.ms < 5000, `mailer timed out after ${hungMail.ms} ms`);
    assert.equal(thrown.status, 500);
    assert.equal(forbidden.status, 403);
    assert.deepEqual(JSON.parse(forbidden.text), { code: "NOT_HERE", message: "Not here" });
    assert.ok(others.length >= 10 && others.every((o) => o.status === 200), JSON.stringify(tally(others.map((o) => o.status))));
    const slowestOther = Math.max(...others.map((o) => o.ms));
    assert.ok(slowestOther < 500, `healthy requests unaffected (slowest ${slowestOther} ms)`);
    // the hung mailer's own endpoint answers once the mailer timed out: a failed send is only
    // logged there too (Better Auth's runInBackgroundOrAwait; Better Auth itself would wait forever)
    const resend = await timed(post(auth, "/send-verification-email", { email: "hangmail@example.com" }));
    assert.equal(resend.status, 200, resend.text);
    assert.deepEqual(JSON.parse(resend.text), { status: true });
    assert.ok(resend.ms >= 950 && resend.ms < 5000, `mailer timed out after ${resend.ms} ms`);
    console.log(`callbacks: hung hook → ${hung.status} after ${hung.ms.toFixed(0)} ms; sign-up with a hung mailer → ${hungMail.status} after ${hungMail.ms.toFixed(0)} ms; ` +
      `throwing hook → ${thrown.status}; APIError hook → ${forbidden.status}; ${others.length} healthy requests meanwhile, slowest ${slowestOther.toFixed(1)} ms; ` +
      `send-verification-email with the hung mailer → ${resend.status} ${resend.text} after ${resend.ms.toFixed(0)} ms`);
  });
});
