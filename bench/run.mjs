// `npm run bench`: better-auth (npm) vs better-auth-rs ("ours") on the same machine, same run.
// On SQLite, ours runs in two forms: "ours" (path form, `database: file`: the engine's own
// connections) and "ours-handle" (handle form, `database: new Database(file)`: every statement
// through the app's better-sqlite3 object on the JS thread); both are conformance-checked.
//
//   1. conformance: the same requests to both servers must answer the same way (else abort);
//   2. HTTP (servers in child processes, load from this process, 127.0.0.1 only): autocannon on
//      GET /api/me, GET /api/auth/get-session with and without cookie; sign-in and sign-up storms
//      with a GET /api/me probe every 50 ms; event-loop delay, RSS, CPU from GET /__stats;
//      ours-handle only gets GET /api/me (plus idle RSS and start-up);
//   3. in-process getSession (one child per implementation, plus the raw floor), then with the
//      cookie cache on (bench/cookie-cache.mjs): better-auth, ours, and ours + redisStorage with
//      the revocation check on and off (skipped, with a note, when Redis is unreachable);
//   4. tables on stdout (the main one; the handle form beside the path form), all figures as JSON
//      in bench/results/<ISO timestamp>.json.
//
// Env: BENCH_SECONDS (autocannon duration, default 10), BENCH_QUICK=1 (smoke run: ~1 s phases,
// tiny counts), BENCH_INPROC_SECONDS, BENCH_STORM_COUNT, BENCH_ONLY=conformance (stop after it),
// BENCH_ONLY=inprocess (conformance, then only the in-process phases: no HTTP), BENCH_REDIS_URL
// (the cookie-cache phase's Redis, default redis://127.0.0.1:6379; its keys go under a unique
// prefix, deleted at the end).
import { fork } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
import { PG_BASE_URL } from "./lib.mjs";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------
const QUICK = process.env.BENCH_QUICK === "1";
const num = (v, d) => (v !== undefined && v !== "" && Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : d);
const CFG = {
  quick: QUICK,
  seconds: num(process.env.BENCH_SECONDS, QUICK ? 1 : 10),
  warmupSeconds: QUICK ? 0 : 2,
  connections: 32,
  inprocSeconds: num(process.env.BENCH_INPROC_SECONDS, QUICK ? 1 : 5),
  inprocConcurrency: 64,
  stormCount: num(process.env.BENCH_STORM_COUNT, QUICK ? 16 : 200),
  stormConcurrency: 8,
  stormDeadlineMs: QUICK ? 60_000 : 300_000,
  probeIntervalMs: 50,
  probeMaxOutstanding: 64,
  idleSettleMs: QUICK ? 300 : 1000,
  requestTimeoutMs: 30_000,
  secret: "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
  baseURL: "http://localhost:3000",
  totalDeadlineMs: QUICK ? 5 * 60_000 : 45 * 60_000,
  // cookie-cache phase: variants of one process alternate in rounds (see bench/cookie-cache.mjs)
  cookieCacheRounds: QUICK ? 1 : 5,
  redisUrl: process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
};
const HOST = "127.0.0.1"; // all traffic stays on loopback
const ORIGIN = new URL(CFG.baseURL).origin;
const COOKIE_NAME = "better-auth.session_token";
const PASSWORD = "bench-password-1234";
const HASHING = {
  "better-auth": "scrypt N=16384, r=16, p=1, 64-byte key (node:crypto, libuv thread pool)",
  ours: "argon2id m=19456 KiB, t=2, p=1 (advanced.hashConcurrency dedicated threads, default = cores)",
};

const log = (...a) => process.stderr.write(a.join(" ") + "\n");

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed when this process exits, however it exits.
// ---------------------------------------------------------------------------------------------
const children = new Set();
let tmpRoot = null;
function cleanup() {
  for (const c of children) {
    try { c.kill("SIGKILL"); } catch { /* already gone */ }
  }
  children.clear();
  if (tmpRoot) {
    try { rmSync(tmpRoot, { recursive: true, force: true }); } catch { /* best effort */ }
    tmpRoot = null;
  }
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => { log(`\nbench: ${sig}, stopping`); cleanup(); process.exit(130); });
}
process.on("unhandledRejection", (e) => { log("bench: unhandled rejection:", e && e.stack || e); cleanup(); process.exit(1); });
const overall = setTimeout(() => { log(`bench: total time bound (${CFG.totalDeadlineMs / 1000} s) exceeded; aborting`); cleanup(); process.exit(2); }, CFG.totalDeadlineMs);
overall.unref();

class BenchAbort extends Error {}

/** Forks `script` with IPC; resolves with the first message of `type` (or rejects on exit/timeout). */
function forkChild(script, env, { waitFor, timeoutMs, label }) {
  const child = fork(path.join(HERE, script), [], {
    env: { ...process.env, NODE_ENV: "production", BENCH_SECRET: CFG.secret, BENCH_BASE_URL: CFG.baseURL, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    execArgv: [],
  });
  children.add(child);
  let tail = "";
  const keep = (d) => { tail = (tail + d.toString()).slice(-4000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => { children.delete(child); resolve({ code, signal }); }));
  const first = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${label}: no "${waitFor}" message within ${timeoutMs} ms\n${tail}`)), timeoutMs);
    child.on("message", (m) => {
      if (m && m.type === waitFor) { clearTimeout(t); resolve(m); }
      else if (m && m.type === "error") { clearTimeout(t); reject(new Error(`${label}: ${m.message}`)); }
    });
    exited.then(({ code, signal }) => { clearTimeout(t); reject(new Error(`${label}: exited (code ${code}, signal ${signal}) before "${waitFor}"\n${tail}`)); });
    child.once("error", (e) => { clearTimeout(t); reject(e); });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!done) { child.kill("SIGKILL"); await Promise.race([exited, sleep(2000)]); }
  };
  return { child, first, stop, tail: () => tail };
}

let dbCounter = 0;
// BENCH_DB=postgres: a fresh schema per use instead of a fresh SQLite file (dropped at the end)
const BENCH_DB = process.env.BENCH_DB === "postgres" ? "postgres" : "sqlite";
// the handle form is a better-sqlite3 Database: SQLite only
const WITH_HANDLE = BENCH_DB === "sqlite";
const ONLY = process.env.BENCH_ONLY || "";
if (ONLY && !["conformance", "inprocess"].includes(ONLY)) throw new Error(`bench: BENCH_ONLY=${ONLY}: expected conformance | inprocess`);
const pgSchemas = [];
const freshDb = (tag) => {
  if (BENCH_DB === "postgres") {
    const schema = `ba_bench_${process.pid}_${++dbCounter}`;
    pgSchemas.push(schema);
    return `${PG_BASE_URL.split("?")[0]}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  return path.join(tmpRoot, `${tag}-${++dbCounter}.db`);
};
async function dropPgSchemas() {
  if (!pgSchemas.length) return;
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: PG_BASE_URL.split("?")[0] });
  await c.connect();
  try { for (const s of pgSchemas.splice(0)) await c.query(`drop schema if exists ${s} cascade`); } finally { await c.end(); }
}

async function startServer(impl) {
  const t0 = performance.now();
  const h = forkChild("server.mjs", { IMPL: impl, DB_FILE: freshDb(impl) }, { waitFor: "ready", timeoutMs: 30_000, label: `server(${impl})` });
  const ready = await h.first;
  const readyWallMs = performance.now() - t0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return { impl, port: ready.port, ready: { wallMs: readyWallMs, serverMs: ready.readyMs, rss: ready.rss }, agent, stop: async () => { agent.destroy(); await h.stop(); } };
}

// ---------------------------------------------------------------------------------------------
// HTTP client (loopback only, every request bounded in time)
// ---------------------------------------------------------------------------------------------
function request(port, method, urlPath, { headers = {}, body, agent, timeoutMs = CFG.requestTimeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    const h = { ...headers };
    if (payload) { h["content-type"] = "application/json"; h["content-length"] = payload.length; }
    const t0 = performance.now();
    const req = http.request({ host: HOST, port, method, path: urlPath, headers: h, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try { json = text === "" ? undefined : JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, text, json, ms: performance.now() - t0 });
      });
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${urlPath}: timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

const stats = async (srv, reset = false) => (await request(srv.port, "GET", `/__stats${reset ? "?reset=1" : ""}`, { agent: srv.agent })).json;
const cpuMs = (a, b) => (b.cpuUserUs + b.cpuSystemUs - a.cpuUserUs - a.cpuSystemUs) / 1000;

function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function setCookieList(res) {
  const sc = res.headers["set-cookie"];
  return Array.isArray(sc) ? sc : sc ? [sc] : [];
}
function sessionCookie(res) {
  for (const sc of setCookieList(res)) {
    const first = sc.split(";")[0];
    const eq = first.indexOf("=");
    if (first.slice(0, eq).trim() === COOKIE_NAME && first.slice(eq + 1) !== "") return first.trim();
  }
  return null;
}

async function signUp(srv, email, name = "Bench User") {
  return request(srv.port, "POST", "/api/auth/sign-up/email", { agent: srv.agent, headers: { origin: ORIGIN }, body: { name, email, password: PASSWORD } });
}
async function signIn(srv, email, password = PASSWORD) {
  return request(srv.port, "POST", "/api/auth/sign-in/email", { agent: srv.agent, headers: { origin: ORIGIN }, body: { email, password } });
}

// ---------------------------------------------------------------------------------------------
// Conformance
// ---------------------------------------------------------------------------------------------
/** Keys and value types, recursively: {"user":{"email":"string",...}} (keys sorted). */
function shape(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return [v.length ? shape(v[0]) : "empty"];
  if (typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = shape(v[k]);
    return o;
  }
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return "date-string";
  return typeof v;
}
function keyOrder(v, prefix = "") {
  if (!v || typeof v !== "object" || Array.isArray(v)) return [];
  const out = [`${prefix || "."}: ${Object.keys(v).join(",")}`];
  for (const k of Object.keys(v)) out.push(...keyOrder(v[k], `${prefix}.${k}`));
  return out;
}
function cookieSummary(res) {
  return setCookieList(res).map((sc) => {
    const [first, ...attrs] = sc.split(";").map((s) => s.trim());
    const name = first.slice(0, first.indexOf("="));
    const value = first.slice(first.indexOf("=") + 1);
    return {
      name,
      emptyValue: value === "",
      attributes: attrs.map((a) => { const [k, v] = a.split("="); return v === undefined ? k.toLowerCase() : `${k.toLowerCase()}=${v}`; }).sort().join("; "),
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

async function conformance(impl) {
  const srv = await startServer(impl);
  const steps = [];
  const fatal = [];
  const step = (name, res, { required = true, expectStatus } = {}) => {
    const rec = {
      name, required, status: res.status, shape: res.json === undefined ? (res.text === "" ? "empty" : "non-json") : shape(res.json),
      keyOrder: keyOrder(res.json), cookies: cookieSummary(res), contentType: res.headers["content-type"] || null,
      framing: res.headers["transfer-encoding"] ? `transfer-encoding: ${res.headers["transfer-encoding"]}` : "content-length",
    };
    if (expectStatus !== undefined && res.status !== expectStatus) {
      (required ? fatal : rec.notes = []).push(`${name}: expected ${expectStatus}, got ${res.status} ${res.text.slice(0, 200)}`);
    }
    steps.push(rec);
    return rec;
  };
  try {
    const email = "conformance@example.com";
    const up = await signUp(srv, email, "Conformance User");
    step("POST /sign-up/email (new user)", up, { expectStatus: 200 });
    const inn = await signIn(srv, email);
    const s = step("POST /sign-in/email", inn, { expectStatus: 200 });
    const cookie = sessionCookie(inn);
    if (!cookie) fatal.push(`sign-in: no ${COOKIE_NAME} in Set-Cookie (${JSON.stringify(setCookieList(inn))})`);
    s.cookieNames = s.cookies.map((c) => c.name);
    const gs = await request(srv.port, "GET", "/api/auth/get-session", { agent: srv.agent, headers: cookie ? { cookie } : {} });
    step("GET /get-session with cookie", gs, { expectStatus: 200 });
    const gn = await request(srv.port, "GET", "/api/auth/get-session", { agent: srv.agent });
    step("GET /get-session without cookie", gn, { expectStatus: 200 });
    if (gn.text !== "null") fatal.push(`get-session without cookie: expected body null, got ${gn.text.slice(0, 200)}`);
    const me = await request(srv.port, "GET", "/api/me", { agent: srv.agent, headers: cookie ? { cookie } : {} });
    step("GET /api/me with cookie", me, { expectStatus: 200 });
    const me401 = await request(srv.port, "GET", "/api/me", { agent: srv.agent });
    step("GET /api/me without cookie", me401, { expectStatus: 401 });
    // Self-consistency: the same user everywhere.
    const ids = [up.json?.user?.id, inn.json?.user?.id, gs.json?.user?.id, me.json?.user?.id];
    if (new Set(ids).size !== 1 || !ids[0]) fatal.push(`user id differs between sign-up, sign-in, get-session and /api/me: ${JSON.stringify(ids)}`);
    if (gs.json?.session?.token && inn.json?.token && gs.json.session.token !== inn.json.token) fatal.push("get-session token != sign-in token");
    // Not required (differences are reported, not fatal).
    step("POST /sign-in/email wrong password", await signIn(srv, email, "wrong-password-0000"), { required: false });
    step("POST /sign-up/email existing email", await signUp(srv, email), { required: false });
    step("POST /sign-out", await request(srv.port, "POST", "/api/auth/sign-out", { agent: srv.agent, headers: { origin: ORIGIN, cookie } }), { required: false });
    step("GET /get-session after sign-out", await request(srv.port, "GET", "/api/auth/get-session", { agent: srv.agent, headers: { cookie } }), { required: false });
  } finally {
    await srv.stop();
  }
  return { impl, steps, fatal };
}

function compareConformance(a, b) {
  const fatal = [...a.fatal.map((m) => `${a.impl}: ${m}`), ...b.fatal.map((m) => `${b.impl}: ${m}`)];
  const notes = [];
  const groups = new Map();
  const grouped = (text, step) => { if (!groups.has(text)) groups.set(text, []); if (!groups.get(text).includes(step)) groups.get(text).push(step); };
  for (let i = 0; i < Math.max(a.steps.length, b.steps.length); i++) {
    const x = a.steps[i], y = b.steps[i];
    if (!x || !y) { fatal.push(`step ${i}: present on one side only`); continue; }
    const sink = x.required ? fatal : notes;
    if (x.status !== y.status) sink.push(`${x.name}: status ${a.impl} ${x.status} vs ${b.impl} ${y.status}`);
    if (JSON.stringify(x.shape) !== JSON.stringify(y.shape)) sink.push(`${x.name}: body shape differs\n    ${a.impl}: ${JSON.stringify(x.shape)}\n    ${b.impl}: ${JSON.stringify(y.shape)}`);
    const cn = (s) => s.cookies.map((c) => c.name + (c.emptyValue ? "(expired)" : "")).join(", ");
    if (cn(x) !== cn(y)) sink.push(`${x.name}: Set-Cookie names ${a.impl} [${cn(x)}] vs ${b.impl} [${cn(y)}]`);
    // Reported only, grouped by what differs (one line per kind of difference, listing the steps).
    const ca = (s) => s.cookies.map((c) => `${c.name}: ${c.attributes}`).join(" | ");
    if (ca(x) !== ca(y)) grouped(`cookie attributes: ${a.impl} [${ca(x)}] vs ${b.impl} [${ca(y)}]`, x.name);
    if (x.contentType !== y.contentType) grouped(`content-type: ${a.impl} ${x.contentType} vs ${b.impl} ${y.contentType}`, x.name);
    if (x.framing !== y.framing) grouped(`body framing: ${a.impl} ${x.framing} vs ${b.impl} ${y.framing}`, x.name);
    if (JSON.stringify(x.keyOrder) !== JSON.stringify(y.keyOrder) && JSON.stringify(x.shape) === JSON.stringify(y.shape)) {
      for (let k = 0; k < Math.min(x.keyOrder.length, y.keyOrder.length); k++) {
        if (x.keyOrder[k] !== y.keyOrder[k]) grouped(`JSON key order: ${a.impl} ${x.keyOrder[k]}  vs  ${b.impl} ${y.keyOrder[k].replace(/^[^:]*: /, "")}`, x.name);
      }
    }
  }
  for (const [text, steps] of groups) notes.push(`${text}  [${steps.join("; ")}]`);
  return { fatal, notes };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------
async function cannon(srv, urlPath, headers, label) {
  const autocannon = require("autocannon");
  const run = (duration) => autocannon({
    url: `http://${HOST}:${srv.port}${urlPath}`, connections: CFG.connections, duration, headers, timeout: 10,
  });
  if (CFG.warmupSeconds > 0) await run(CFG.warmupSeconds);
  const before = await stats(srv, true);
  const r = await run(CFG.seconds);
  const after = await stats(srv);
  const ok = r["2xx"];
  const out = {
    path: urlPath, withCookie: !!headers.cookie, connections: CFG.connections, seconds: r.duration,
    rps: ok / r.duration, total: r.requests.total, ok, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    cpuMsPerRequest: r.requests.total ? cpuMs(before, after) / r.requests.total : null,
    eventLoopDelay: after.eld, rssAfter: after.rss,
  };
  const problems = r.non2xx || r.errors || r.timeouts || !ok;
  if (problems) out.warning = `${label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts out of ${r.requests.total}`;
  log(`  ${label.padEnd(34)} ${fmt(out.rps)} req/s  p50 ${fmt(out.latency.p50)} ms  p99 ${fmt(out.latency.p99)} ms${out.warning ? "  !! " + out.warning : ""}`);
  return out;
}

/** A GET /api/me every `probeIntervalMs` (open loop, at most `probeMaxOutstanding` in flight). */
function startProbe(srv, cookie) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CFG.probeMaxOutstanding });
  const lat = [];
  let outstanding = 0, skipped = 0, failures = 0;
  const tick = () => {
    if (outstanding >= CFG.probeMaxOutstanding) { skipped++; return; }
    outstanding++;
    request(srv.port, "GET", "/api/me", { agent, headers: { cookie } })
      .then((r) => { lat.push(r.ms); if (r.status !== 200) failures++; })
      .catch(() => { failures++; })
      .finally(() => { outstanding--; });
  };
  const timer = setInterval(tick, CFG.probeIntervalMs);
  return async () => {
    clearInterval(timer);
    const end = performance.now() + CFG.requestTimeoutMs + 1000;
    while (outstanding > 0 && performance.now() < end) await sleep(10);
    agent.destroy();
    return { count: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100), failures, skipped };
  };
}

/** `count` POSTs with `concurrency` clients (each bounded by the storm deadline), probe running. */
async function storm(srv, { label, path: urlPath, bodyFor, probeCookie }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CFG.stormConcurrency });
  const before = await stats(srv, true);
  const stopProbe = startProbe(srv, probeCookie);
  const lat = [];
  let next = 0, ok = 0, failed = 0;
  const statuses = {};
  const deadline = performance.now() + CFG.stormDeadlineMs;
  const t0 = performance.now();
  const worker = async () => {
    while (next < CFG.stormCount && performance.now() < deadline) {
      const i = next++;
      try {
        const r = await request(srv.port, "POST", urlPath, { agent, headers: { origin: ORIGIN }, body: bodyFor(i) });
        statuses[r.status] = (statuses[r.status] || 0) + 1;
        if (r.status === 200) { ok++; lat.push(r.ms); } else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CFG.stormConcurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const probe = await stopProbe();
  const after = await stats(srv);
  agent.destroy();
  const out = {
    count: next, ok, failed, statuses, concurrency: CFG.stormConcurrency, seconds, perSec: ok / seconds,
    latency: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100) },
    cpuMsPerOp: next ? cpuMs(before, after) / next : null,
    probe, eventLoopDelay: after.eld, rssAfter: after.rss,
  };
  if (failed || next < CFG.stormCount) out.warning = `${label}: ${ok}/${CFG.stormCount} succeeded (statuses ${JSON.stringify(statuses)})${next < CFG.stormCount ? ", deadline hit" : ""}`;
  log(`  ${label.padEnd(34)} ${fmt(out.perSec)} /s  p50 ${fmt(out.latency.p50)} ms  p99 ${fmt(out.latency.p99)} ms  CPU ${fmt(out.cpuMsPerOp)} ms/op  probe p50 ${fmt(probe.p50)} p99 ${fmt(probe.p99)} ms${out.warning ? "  !! " + out.warning : ""}`);
  return out;
}

async function measureServer(impl, { meOnly = false } = {}) {
  log(`\n[${impl}] server${meOnly ? " (GET /api/me only)" : ""}`);
  const srv = await startServer(impl);
  try {
    await sleep(CFG.idleSettleMs);
    const idle = await stats(srv, true);
    const res = { ready: srv.ready, idle: { rss: idle.rss, eventLoopDelay: idle.eld } };
    log(`  ready ${fmt(srv.ready.wallMs)} ms (server-side ${fmt(srv.ready.serverMs)} ms), idle RSS ${mib(idle.rss)} MiB`);
    if (impl === "bare") {
      res.me = await cannon(srv, "/api/me", {}, "GET /api/me (no auth)");
    } else {
      const email = "bench-user@example.com";
      const up = await signUp(srv, email);
      if (up.status !== 200) throw new BenchAbort(`${impl}: sign-up of the bench user failed: ${up.status} ${up.text}`);
      const inn = await signIn(srv, email);
      const cookie = sessionCookie(inn);
      if (inn.status !== 200 || !cookie) throw new BenchAbort(`${impl}: sign-in of the bench user failed: ${inn.status} ${inn.text}`);
      res.me = await cannon(srv, "/api/me", { cookie }, "GET /api/me");
      if (meOnly) {
        const end = await stats(srv);
        res.afterLoad = { rss: end.rss, peakRss: end.maxRss };
        return res;
      }
      res.getSession = await cannon(srv, "/api/auth/get-session", { cookie }, "GET /get-session (cookie)");
      res.getSessionNoCookie = await cannon(srv, "/api/auth/get-session", {}, "GET /get-session (no cookie)");
      res.signIn = await storm(srv, {
        label: `sign-in storm (${CFG.stormConcurrency}x, ${CFG.stormCount})`, path: "/api/auth/sign-in/email",
        bodyFor: () => ({ email, password: PASSWORD }), probeCookie: cookie,
      });
      const tag = Date.now().toString(36);
      res.signUp = await storm(srv, {
        label: `sign-up storm (${CFG.stormConcurrency}x, ${CFG.stormCount})`, path: "/api/auth/sign-up/email",
        bodyFor: (i) => ({ name: `Storm ${i}`, email: `storm-${tag}-${i}@example.com`, password: PASSWORD }), probeCookie: cookie,
      });
    }
    const end = await stats(srv);
    res.afterLoad = { rss: end.rss, peakRss: end.maxRss };
    log(`  RSS after load ${mib(end.rss)} MiB, peak ${mib(end.maxRss)} MiB`);
    return res;
  } finally {
    await srv.stop();
  }
}

async function measureInProcess(impl) {
  log(`[${impl}] in-process getSession`);
  const h = forkChild("inprocess.mjs", {
    IMPL: impl, DB_FILE: freshDb(`inproc-${impl}`), BENCH_INPROC_SECONDS: String(CFG.inprocSeconds), BENCH_CONCURRENCY: String(CFG.inprocConcurrency),
  }, { waitFor: "result", timeoutMs: (CFG.inprocSeconds * 3 + 60) * 1000, label: `inprocess(${impl})` });
  try {
    const r = await h.first;
    log(`  sequential ${fmt(r.sequential.opsPerSec)} ops/s (${fmt(1e6 / r.sequential.opsPerSec)} µs/op), ${r.concurrent.concurrency} concurrent ${fmt(r.concurrent.opsPerSec)} ops/s${r.handlePrepares !== undefined ? `  (${r.handlePrepares} statements prepared through the Database object)` : ""}`);
    return r;
  } finally {
    await h.stop();
  }
}

/** A Redis URL without its credentials, for printing. */
const redisShown = (url) => url.replace(/\/\/[^@/]*@/, "//");

/** Redis answers PING within ~1 s: { ok, error }. */
async function redisReachable(url) {
  const { default: Redis } = await import("ioredis");
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let cause = null;
  r.on("error", (e) => { cause = cause || e; }); // the socket's error, better than "Connection is closed."
  try {
    await Promise.race([r.connect().then(() => r.ping()), sleep(1500).then(() => { throw new Error("no answer within 1.5 s"); })]);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: String((cause || e) && (cause || e).message || cause || e) };
  } finally {
    r.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN, not KEYS); returns how many. */
async function redisCleanup(url, prefix) {
  const { default: Redis } = await import("ioredis");
  const r = new Redis(url, { connectTimeout: 1000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on("error", () => {});
  let n = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) n += await r.del(...keys);
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
  return n;
}

/**
 * getSession served by the cookie cache: better-auth (its own process), then ours, ours +
 * redisStorage with the revocation check on and off (one process, interleaved rounds). SQLite
 * whatever BENCH_DB says (the user table; sessions of the Redis variants live in Redis).
 */
async function measureCookieCache() {
  log(`\n== in-process getSession with the cookie cache (maxAge 300; ${CFG.inprocSeconds} s per mode per variant, ${CFG.cookieCacheRounds} interleaved round${CFG.cookieCacheRounds > 1 ? "s" : ""}) ==`);
  const prefix = `better-auth-rs-bench:${process.pid}-${Date.now().toString(36)}:`;
  const reach = await redisReachable(CFG.redisUrl);
  const out = { database: "SQLite (a fresh file per variant)", redis: { url: redisShown(CFG.redisUrl), reachable: reach.ok, error: reach.error, keyPrefix: prefix }, rounds: CFG.cookieCacheRounds, variants: {} };
  if (!reach.ok) {
    out.skipped = `Redis at ${redisShown(CFG.redisUrl)} is unreachable (${reach.error}): the redisStorage variants (revocation check on/off) are skipped`;
    log(`  !! ${out.skipped}`);
  }
  const groups = [["better-auth-cc"], ["ours-cc", ...(reach.ok ? ["ours-redis-on", "ours-redis-off"] : [])]];
  try {
    for (const group of groups) {
      log(`[${group.join(", ")}] in-process getSession, cookie cache`);
      const h = forkChild("cookie-cache.mjs", {
        CC_VARIANTS: group.join(","), DB_FILE: path.join(tmpRoot, `cookie-cache-${++dbCounter}`), REDIS_URL: CFG.redisUrl, REDIS_PREFIX: prefix,
        BENCH_INPROC_SECONDS: String(CFG.inprocSeconds), BENCH_CONCURRENCY: String(CFG.inprocConcurrency), ROUNDS: String(CFG.cookieCacheRounds),
      }, { waitFor: "result", timeoutMs: (CFG.inprocSeconds * 2 * group.length * 1.5 + 90) * 1000, label: `cookie-cache(${group.join(",")})` });
      try {
        const r = await h.first;
        for (const [v, res] of Object.entries(r.variants)) {
          out.variants[v] = res;
          const p = res.proof;
          log(`  ${v.padEnd(15)} sequential ${fmt(res.sequential.opsPerSec)} ops/s (${fmt(1e6 / res.sequential.opsPerSec)} µs/op), ${res.concurrent.concurrency} concurrent ${fmt(res.concurrent.opsPerSec)} ops/s` +
            `  [cache hits: the session was removed from the store first; ${p.revocationCheck ? `revoked elsewhere -> refused here after ${fmt(p.refusedOnThisInstanceAfterMs)} ms` : "no revocation check: a session signed out elsewhere still answered"}]`);
        }
      } finally {
        await h.stop();
      }
    }
  } finally {
    if (reach.ok) {
      try { out.redis.keysDeleted = await redisCleanup(CFG.redisUrl, prefix); } catch (e) { log(`  !! could not delete the bench's Redis keys under ${prefix}: ${e && e.message || e}`); }
    }
  }
  Object.assign(out, cookieCacheFigures(out.variants));
  return out;
}

/** Rows (per variant), ratios, and the cost of the revocation check (on vs off). */
function cookieCacheFigures(V) {
  const describe = {
    "better-auth-cc": ["better-auth", "SQLite", "none (no channel)"],
    "ours-cc": ["ours", "SQLite", "none (no channel)"],
    "ours-redis-on": ["ours + redisStorage", "SQLite + Redis", "on (default)"],
    "ours-redis-off": ["ours + redisStorage", "SQLite + Redis", "off (revocationChannel: false)"],
  };
  const rows = Object.keys(describe).filter((v) => V[v]).map((v) => ({
    variant: v, impl: describe[v][0], store: describe[v][1], revocationCheck: describe[v][2],
    sequentialOpsPerSec: V[v].sequential.opsPerSec, sequentialUsPerOp: 1e6 / V[v].sequential.opsPerSec,
    concurrentOpsPerSec: V[v].concurrent.opsPerSec, concurrentUsPerOp: 1e6 / V[v].concurrent.opsPerSec,
  }));
  const ratios = [];
  const r = (label, a, b) => {
    if (!V[a] || !V[b]) return;
    ratios.push({ label, of: a, to: b, sequential: ratio(V[a].sequential.opsPerSec, V[b].sequential.opsPerSec), concurrent: ratio(V[a].concurrent.opsPerSec, V[b].concurrent.opsPerSec) });
  };
  r("ours (no channel) / better-auth", "ours-cc", "better-auth-cc");
  r("ours + Redis, check on / better-auth", "ours-redis-on", "better-auth-cc");
  r("check on / check off", "ours-redis-on", "ours-redis-off");
  let checkCost = null;
  if (V["ours-redis-on"] && V["ours-redis-off"]) {
    const cost = (mode) => {
      const on = 1e9 / V["ours-redis-on"][mode].opsPerSec, off = 1e9 / V["ours-redis-off"][mode].opsPerSec;
      return { nsPerOp: on - off, percent: ((on - off) / off) * 100 };
    };
    checkCost = { sequential: cost("sequential"), concurrent: cost("concurrent") };
  }
  return { table: rows, ratios, checkCost };
}

function renderCookieCache(cc) {
  const head = ["variant", "store", "revocation check", "sequential ops/s", "µs/op", `${CFG.inprocConcurrency} concurrent ops/s`, "µs/op"];
  const body = cc.table.map((x) => [x.impl, x.store, x.revocationCheck, fmt(x.sequentialOpsPerSec), fmt(x.sequentialUsPerOp), fmt(x.concurrentOpsPerSec), fmt(x.concurrentUsPerOp)]);
  const w = head.map((hd, i) => Math.max(hd.length, ...body.map((b) => b[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => (i < 3 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  const lines = [line(head), "|" + w.map((n, i) => (i < 3 ? "-".repeat(n + 2) : "-".repeat(n + 1) + ":")).join("|") + "|", ...body.map(line), ""];
  for (const x of cc.ratios) lines.push(`${x.label.padEnd(38)} sequential ${fmt(x.sequential)}x, ${CFG.inprocConcurrency} concurrent ${fmt(x.concurrent)}x`);
  if (cc.checkCost) {
    const c = (m) => `${cc.checkCost[m].nsPerOp >= 0 ? "+" : ""}${fmt(cc.checkCost[m].nsPerOp, 0)} ns/op (${cc.checkCost[m].percent >= 0 ? "+" : ""}${fmt(cc.checkCost[m].percent, 1)}%)`;
    lines.push(`${"cost of the revocation check".padEnd(38)} sequential ${c("sequential")}, ${CFG.inprocConcurrency} concurrent ${c("concurrent")}`);
  }
  if (cc.skipped) lines.push(`!! ${cc.skipped}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
function fmt(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
const mib = (b) => (b == null ? null : Math.round((b / 1048576) * 10) / 10);
const ratio = (a, b) => (a != null && b ? a / b : null);

function buildRows(R) {
  const ba = R.http["better-auth"], us = R.http.ours, bare = R.http.bare;
  const ipBa = R.inprocess["better-auth"], ipUs = R.inprocess.ours, ipFl = R.inprocess.floor;
  const rows = [];
  const row = (figure, unit, b, o, floor, better = "higher") => rows.push({ figure, unit, betterAuth: b ?? null, ours: o ?? null, ratio: ratio(o, b), floor: floor ?? null, ofFloor: floor != null ? ratio(o, floor) : null, better });
  row("in-process getSession, sequential", "ops/s", ipBa?.sequential.opsPerSec, ipUs?.sequential.opsPerSec, ipFl?.sequential.opsPerSec);
  row(`in-process getSession, ${CFG.inprocConcurrency} concurrent`, "ops/s", ipBa?.concurrent.opsPerSec, ipUs?.concurrent.opsPerSec, ipFl?.concurrent.opsPerSec);
  if (!ba || !us || !bare) return rows; // BENCH_ONLY=inprocess
  row(`GET /api/me, ${CFG.connections} connections`, "req/s", ba.me.rps, us.me.rps, bare.me.rps);
  row("GET /api/me p50", "ms", ba.me.latency.p50, us.me.latency.p50, bare.me.latency.p50, "lower");
  row("GET /api/me p99", "ms", ba.me.latency.p99, us.me.latency.p99, bare.me.latency.p99, "lower");
  row("GET /api/me server CPU per request", "ms", ba.me.cpuMsPerRequest, us.me.cpuMsPerRequest, bare.me.cpuMsPerRequest, "lower");
  row("GET /get-session with cookie", "req/s", ba.getSession.rps, us.getSession.rps);
  row("GET /get-session with cookie p99", "ms", ba.getSession.latency.p99, us.getSession.latency.p99, null, "lower");
  row("GET /get-session without cookie", "req/s", ba.getSessionNoCookie.rps, us.getSessionNoCookie.rps);
  row(`sign-in, ${CFG.stormConcurrency} concurrent, ${CFG.stormCount} requests`, "logins/s", ba.signIn.perSec, us.signIn.perSec);
  row("sign-in p50", "ms", ba.signIn.latency.p50, us.signIn.latency.p50, null, "lower");
  row("sign-in p99", "ms", ba.signIn.latency.p99, us.signIn.latency.p99, null, "lower");
  row("sign-in server CPU per login", "ms", ba.signIn.cpuMsPerOp, us.signIn.cpuMsPerOp, null, "lower");
  row(`sign-up, ${CFG.stormConcurrency} concurrent, ${CFG.stormCount} unique emails`, "sign-ups/s", ba.signUp.perSec, us.signUp.perSec);
  row("sign-up p50", "ms", ba.signUp.latency.p50, us.signUp.latency.p50, null, "lower");
  row("sign-up p99", "ms", ba.signUp.latency.p99, us.signUp.latency.p99, null, "lower");
  row("sign-up server CPU per sign-up", "ms", ba.signUp.cpuMsPerOp, us.signUp.cpuMsPerOp, null, "lower");
  row("probe GET /api/me during sign-in storm p50", "ms", ba.signIn.probe.p50, us.signIn.probe.p50, null, "lower");
  row("probe GET /api/me during sign-in storm p99", "ms", ba.signIn.probe.p99, us.signIn.probe.p99, null, "lower");
  row("probe GET /api/me during sign-up storm p50", "ms", ba.signUp.probe.p50, us.signUp.probe.p50, null, "lower");
  row("probe GET /api/me during sign-up storm p99", "ms", ba.signUp.probe.p99, us.signUp.probe.p99, null, "lower");
  row("event-loop delay p99 under GET /api/me load", "ms", ba.me.eventLoopDelay.p99, us.me.eventLoopDelay.p99, bare.me.eventLoopDelay.p99, "lower");
  row("event-loop delay p99 during sign-in storm", "ms", ba.signIn.eventLoopDelay.p99, us.signIn.eventLoopDelay.p99, null, "lower");
  row("event-loop delay p99 during sign-up storm", "ms", ba.signUp.eventLoopDelay.p99, us.signUp.eventLoopDelay.p99, null, "lower");
  row("RSS idle (after ready)", "MiB", mib(ba.idle.rss), mib(us.idle.rss), mib(bare.idle.rss), "lower");
  row("RSS after the GET loads (before storms)", "MiB", mib(ba.getSessionNoCookie.rssAfter), mib(us.getSessionNoCookie.rssAfter), mib(bare.me.rssAfter), "lower");
  row("RSS after load", "MiB", mib(ba.afterLoad.rss), mib(us.afterLoad.rss), mib(bare.afterLoad.rss), "lower");
  row("RSS peak", "MiB", mib(ba.afterLoad.peakRss), mib(us.afterLoad.peakRss), mib(bare.afterLoad.peakRss), "lower");
  row("start to ready (spawn -> listening)", "ms", ba.ready.wallMs, us.ready.wallMs, bare.ready.wallMs, "lower");
  return rows;
}

function buildTargets(R, rows) {
  const get = (prefix) => rows.find((r) => r.figure.startsWith(prefix));
  const t = [];
  const target = (name, value, ok, shown) => t.push({ target: name, value, met: ok, shown });
  const seq = get("in-process getSession, sequential"), conc = get("in-process getSession, " + CFG.inprocConcurrency);
  for (const r of [seq, conc]) {
    const which = r === seq ? "sequential" : "concurrent";
    target(`in-process getSession (${which}) >= 50x better-auth`, r.ratio, r.ratio >= 50, `${fmt(r.ratio)}x`);
    target(`in-process getSession (${which}) >= 50% of raw floor`, r.ofFloor, r.ofFloor >= 0.5, `${fmt(r.ofFloor * 100, 0)}%`);
  }
  const me = get("GET /api/me, ");
  if (!me) return t; // BENCH_ONLY=inprocess
  target("GET /api/me >= 8x better-auth", me.ratio, me.ratio >= 8, `${fmt(me.ratio)}x`);
  target("GET /api/me >= 80% of bare floor", me.ofFloor, me.ofFloor >= 0.8, `${fmt(me.ofFloor * 100, 0)}%`);
  const si = get("sign-in, ");
  target("sign-in >= 3x better-auth", si.ratio, si.ratio >= 3, `${fmt(si.ratio)}x`);
  for (const name of ["probe GET /api/me during sign-in storm p99", "probe GET /api/me during sign-up storm p99"]) {
    const r = get(name);
    target(`${name} <= 20 ms (ours)`, r.ours, r.ours != null && r.ours <= 20, `${fmt(r.ours)} ms`);
  }
  const rss = get("RSS idle");
  target("RSS idle <= 60 MiB (ours)", rss.ours, rss.ours <= 60, `${fmt(rss.ours)} MiB`);
  const ready = get("start to ready");
  target("start to ready <= 150 ms (ours)", ready.ours, ready.ours <= 150, `${fmt(ready.ours)} ms`);
  return t;
}

/**
 * The handle form beside the path form: better-auth | ours (path) | ours-handle, the handle form's
 * ratios to both, and the floor. µs/op rows are wall time per call (1e6 / ops/s; for the
 * concurrent mode that is throughput per call, not a call's latency).
 */
function buildHandleRows(R) {
  const ip = R.inprocess;
  const h = R.http || {};
  const rows = [];
  const row = (figure, unit, pick, better = "higher") => {
    const v = (x) => (x ? pick(x) ?? null : null);
    const inproc = figure.startsWith("in-process");
    const src = inproc ? ip : h;
    const b = v(src["better-auth"]), pathForm = v(src.ours), handle = v(src["ours-handle"]), floor = v(inproc ? ip.floor : h.bare);
    if (handle == null) return;
    rows.push({ figure, unit, betterAuth: b, ours: pathForm, handle, handleVsBetterAuth: ratio(handle, b), handleVsPath: ratio(handle, pathForm), floor, better });
  };
  const c = CFG.inprocConcurrency;
  row("in-process getSession, sequential", "ops/s", (r) => r.sequential.opsPerSec);
  row("in-process getSession, sequential", "µs/op", (r) => 1e6 / r.sequential.opsPerSec, "lower");
  row(`in-process getSession, ${c} concurrent`, "ops/s", (r) => r.concurrent.opsPerSec);
  row(`in-process getSession, ${c} concurrent`, "µs/op", (r) => 1e6 / r.concurrent.opsPerSec, "lower");
  row(`GET /api/me, ${CFG.connections} connections`, "req/s", (r) => r.me?.rps);
  row("GET /api/me p50", "ms", (r) => r.me?.latency.p50, "lower");
  row("GET /api/me p99", "ms", (r) => r.me?.latency.p99, "lower");
  row("GET /api/me server CPU per request", "ms", (r) => r.me?.cpuMsPerRequest, "lower");
  row("RSS idle (after ready)", "MiB", (r) => mib(r.idle?.rss), "lower");
  row("start to ready (spawn -> listening)", "ms", (r) => r.ready?.wallMs, "lower");
  return rows;
}

function renderHandleTable(rows) {
  const head = ["figure", "unit", "better-auth", "ours (path)", "ours-handle", "handle/better-auth", "handle/path", "floor"];
  const body = rows.map((r) => [
    r.figure, r.unit, fmt(r.betterAuth), fmt(r.ours), fmt(r.handle),
    r.handleVsBetterAuth == null ? "-" : `${fmt(r.handleVsBetterAuth)}x`, r.handleVsPath == null ? "-" : `${fmt(r.handleVsPath)}x`, fmt(r.floor),
  ]);
  const w = head.map((hd, i) => Math.max(hd.length, ...body.map((b) => b[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  return [line(head), "|" + w.map((n, i) => (i < 2 ? "-".repeat(n + 2) : "-".repeat(n + 1) + ":")).join("|") + "|", ...body.map(line)].join("\n");
}

function renderTable(rows) {
  const head = ["figure", "unit", "better-auth", "ours", "ours/better-auth", "floor", "ours/floor"];
  const body = rows.map((r) => [
    r.figure, r.unit, fmt(r.betterAuth), fmt(r.ours), r.ratio == null ? "-" : `${fmt(r.ratio)}x`,
    r.floor == null ? "" : fmt(r.floor), r.ofFloor == null ? "" : r.better === "higher" ? `${fmt(r.ofFloor * 100, 0)}%` : `${fmt(r.ofFloor)}x`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  return [line(head), "|" + w.map((n, i) => (i < 2 ? "-".repeat(n + 2) : "-".repeat(n + 1) + ":")).join("|") + "|", ...body.map(line)].join("\n");
}

/** The native addon's file(s) and modification time: a rebuild during a run shows up here. */
function addonInfo() {
  try {
    return readdirSync(ROOT).filter((f) => f.startsWith("better-auth-rs.") && f.endsWith(".node")).map((f) => {
      const st = statSync(path.join(ROOT, f));
      return { file: f, bytes: st.size, mtime: st.mtime.toISOString() };
    });
  } catch { return null; }
}

function machine() {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m);
    if (m) cpuModel = m[1].trim();
  } catch { /* not Linux */ }
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memTotalGiB: Math.round((os.totalmem() / 1073741824) * 10) / 10,
    cpuModel, node: process.version, platform: `${os.platform()} ${os.release()}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
async function main() {
  const started = new Date();
  const m = machine();
  const loadStart = os.loadavg();
  const addonAtStart = addonInfo();
  const pkg = (name) => { try { return JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version; } catch { return null; } };
  log(`bench: ${QUICK ? "QUICK smoke run" : "full run"}; ${m.nproc} cores, ${m.memTotalGiB} GiB, ${m.cpuModel}, Node ${m.node}`);
  log(`bench: load average ${loadStart.map((l) => l.toFixed(2)).join(" ")}${loadStart[0] > 1 ? "  !! the machine is busy: figures will be noisy" : ""}`);
  log(`bench: hashing: better-auth ${HASHING["better-auth"]}; ours ${HASHING.ours}`);
  tmpRoot = mkdtempSync(path.join(os.tmpdir(), "better-auth-rs-bench-"));

  // 1. Conformance
  log("\n== conformance ==");
  const cBa = await conformance("better-auth");
  const cUs = await conformance("ours");
  const cmp = compareConformance(cBa, cUs);
  for (const n of cmp.notes) log(`  note: ${n}`);
  let cHandle = null;
  if (WITH_HANDLE) {
    // the handle form answers the same requests the same way as better-auth (and so as the path form)
    cHandle = await conformance("ours-handle");
    const ch = compareConformance(cBa, cHandle);
    for (const n of ch.notes) if (!cmp.notes.includes(n.replaceAll("ours-handle", "ours"))) log(`  note: ${n}`);
    cmp.fatal.push(...ch.fatal);
    cmp.handleNotes = ch.notes;
  }
  if (cmp.fatal.length) {
    log("\nbench: CONFORMANCE FAILED — the two implementations do not answer the same requests the same way:");
    for (const f of cmp.fatal) log(`  - ${f}`);
    log("bench: aborting before measuring (the figures would not compare like with like).");
    cleanup();
    process.exit(1);
  }
  log(`  ok: ${cBa.steps.filter((s) => s.required).length} required checks agree (better-auth vs ${WITH_HANDLE ? "ours and ours-handle" : "ours"})${cmp.notes.length ? `, ${cmp.notes.length} notes` : ""}`);
  if (ONLY === "conformance") return;

  // 2. HTTP
  if (ONLY !== "inprocess") log(`\n== HTTP (autocannon ${CFG.connections} connections, ${CFG.seconds} s each${CFG.warmupSeconds ? `, ${CFG.warmupSeconds} s warm-up` : ""}) ==`);
  const httpResults = {};
  if (ONLY === "inprocess") {
    log("\n== HTTP: skipped (BENCH_ONLY=inprocess) ==");
  } else {
    for (const impl of ["bare", "better-auth", "ours"]) httpResults[impl] = await measureServer(impl);
    if (WITH_HANDLE) httpResults["ours-handle"] = await measureServer("ours-handle", { meOnly: true });
  }

  // 3. In-process
  log(`\n== in-process getSession (${CFG.inprocSeconds} s per mode) ==`);
  const inprocess = {};
  for (const impl of ["floor", "better-auth", "ours", ...(WITH_HANDLE ? ["ours-handle"] : [])]) inprocess[impl] = await measureInProcess(impl);
  const cookieCache = await measureCookieCache();

  // 4. Report
  const R = { http: httpResults, inprocess };
  const rows = buildRows(R);
  const targets = buildTargets(R, rows);
  const handleRows = WITH_HANDLE ? buildHandleRows(R) : [];
  const loadEnd = os.loadavg();
  const warnings = [
    ...Object.entries(httpResults).flatMap(([impl, r]) => Object.values(r).filter((v) => v && v.warning).map((v) => `${impl}: ${v.warning}`)),
  ];
  if (JSON.stringify(addonAtStart) !== JSON.stringify(addonInfo())) warnings.push("the native addon was rebuilt during the run: phases may have used different builds");

  const out = [];
  out.push(`\nbetter-auth ${pkg("better-auth")} vs better-auth-rs ${require(path.join(ROOT, "package.json")).version} — ${started.toISOString()}${QUICK ? " (QUICK smoke run: figures are not meaningful)" : ""}`);
  out.push(`machine: ${m.nproc} cores, ${m.memTotalGiB} GiB, ${m.cpuModel}; Node ${m.node}; load average at start ${loadStart.map((l) => l.toFixed(2)).join(" ")}, at end ${loadEnd.map((l) => l.toFixed(2)).join(" ")}`);
  out.push(`hashing: better-auth ${HASHING["better-auth"]}; ours ${HASHING.ours}`);
  out.push(`database: ${BENCH_DB === "postgres" ? `PostgreSQL (${PG_BASE_URL.split("?")[0].replace(/\/\/[^@/]*@/, "//")}; a fresh schema per process; better-auth through a pg Pool, ours through the URL)` : "SQLite (a fresh file per process)"}`);
  out.push(`floor: "bare" Express route for HTTP rows; HMAC (node:crypto) + one prepared ${BENCH_DB === "postgres" ? "node-postgres" : "better-sqlite3"} join for in-process rows\n`);
  out.push(renderTable(rows));
  if (handleRows.length) {
    out.push(`\nhandle form: ours-handle = \`database: new Database(file)\` (better-sqlite3, journal_mode = WAL; every statement through that object on the JS thread) beside ours = \`database: file\` (path form, the engine's own connections)\n`);
    out.push(renderHandleTable(handleRows));
  }
  out.push(`\ncookie cache on (session.cookieCache maxAge 300): in-process getSession with the session and session_data cookies, every call a cache hit (the session was removed from the store first); ${cookieCache.database}${cookieCache.redis.reachable ? `, Redis ${cookieCache.redis.url}` : ""}; ${cookieCache.rounds} interleaved round(s)\n`);
  out.push(renderCookieCache(cookieCache));
  out.push("\ntargets:");
  for (const t of targets) out.push(`  ${t.met ? "MET    " : "NOT MET"}  ${t.target.padEnd(56)} ${t.shown}`);
  if (warnings.length) { out.push("\nwarnings:"); for (const w of warnings) out.push(`  !! ${w}`); }
  if (cmp.notes.length) { out.push("\nconformance notes (differences that do not change the shapes checked):"); for (const n of cmp.notes) out.push(`  - ${n}`); }
  process.stdout.write(out.join("\n") + "\n");

  const resultsDir = path.join(HERE, "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${started.toISOString().replace(/:/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({
    startedAt: started.toISOString(), finishedAt: new Date().toISOString(), quick: QUICK, database: BENCH_DB, config: { ...CFG, secret: undefined },
    versions: { "better-auth": pkg("better-auth"), "better-auth-rs": require(path.join(ROOT, "package.json")).version, autocannon: pkg("autocannon"), express: pkg("express"), "better-sqlite3": pkg("better-sqlite3") },
    addon: { atStart: addonAtStart, atEnd: addonInfo() }, machine: m, loadavg: { start: loadStart, end: loadEnd }, hashing: HASHING,
    conformance: { "better-auth": cBa, ours: cUs, ...(cHandle ? { "ours-handle": cHandle, handleNotes: cmp.handleNotes } : {}), notes: cmp.notes }, http: httpResults, inprocess, cookieCache, table: rows, handleTable: handleRows, targets, warnings,
  }, null, 2) + "\n");
  log(`\nbench: results written to ${path.relative(process.cwd(), file)}`);
}

main().then(async () => { await dropPgSchemas().catch(() => {}); cleanup(); process.exit(0); }, async (e) => {
  await dropPgSchemas().catch(() => {});
  log(`\nbench: FAILED: ${e instanceof BenchAbort ? e.message : e && e.stack || e}`);
  cleanup();
  process.exit(1);
});
