// `node bench/adapters-getsession.mjs`: getSession through a Better Auth adapter, better-auth vs
// better-auth-rs in ONE process (each on its own fresh PostgreSQL schema), measured so that the
// load of a shared machine hits both alike: calls alternate one by one (1 in flight, the order
// swapped every call), then blocks of sequential calls alternate (ROUNDS × N), each with the
// process's CPU time per call (user + system, all threads). W64=1: instead, 64 in flight in
// alternating 1 s blocks (8), ops/s and CPU per call. COUNT=1 counts our findOne calls by origin
// (straight from auth.api.getSession, or through the engine's bridge = the full endpoint).
// Env: ORM=drizzle|prisma, JOINS=1 (relations + advanced.database.joins), M (alternating calls,
// 3000), ROUNDS (10), N (200).
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import path from "node:path";
const require = createRequire(import.meta.url);
const PG_URL = "postgres://postgres@127.0.0.1:5432/test";
const ORM = process.env.ORM ?? "drizzle";
const JOINS = process.env.JOINS === "1";
const pg = (await import("pg")).default;
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
let prismaDir;
if (ORM === "prisma") {
  const { generatePrismaClient, PRISMA_MODELS } = await import("../__test__/helpers/adapter-flows.mjs");
  prismaDir = generatePrismaClient(`generator client {\n  provider = "prisma-client-js"\n  output   = "./client"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n${PRISMA_MODELS}`).dir;
}
const counts = { bridge: 0, direct: 0 };
async function make(impl) {
  const ns = "ba_scratch_" + crypto.randomBytes(4).toString("hex");
  await admin.query(`create schema ${ns}`);
  let adapter, close;
  if (ORM === "prisma") {
    const { PRISMA_PG_DDL } = await import("../__test__/helpers/adapter-flows.mjs");
    const p = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${ns}` });
    for (const s of PRISMA_PG_DDL) await p.query(s);
    await p.end();
    const { PrismaClient } = require(path.join(prismaDir, "client"));
    const { PrismaPg } = require("@prisma/adapter-pg");
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 16 }, { schema: ns }) });
    const { prismaAdapter } = impl === "ours" ? require("../js/adapters/prisma.js") : await import("better-auth/adapters/prisma");
    adapter = prismaAdapter(prisma, { provider: "postgresql" });
    close = () => prisma.$disconnect();
  } else {
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const { pgSchema: tables, pgRelations, PG_DDL } = await import("../__test__/helpers/drizzle-pg.mjs");
    const schema = JOINS ? { ...tables, ...pgRelations } : tables;
    const db = new pg.Pool({ connectionString: PG_URL, max: 16, options: `-c search_path=${ns}` });
    for (const s of PG_DDL) await db.query(s);
    const { drizzleAdapter } = impl === "ours" ? require("../js/adapters/drizzle.js") : await import("better-auth/adapters/drizzle");
    adapter = drizzleAdapter(drizzle(db, { schema }), { provider: "pg", schema });
    close = () => db.end();
  }
  const { betterAuth } = impl === "ours" ? require("../index.js") : await import("better-auth");
  if (impl === "ours" && process.env.COUNT) {
    const inner = adapter;
    adapter = (o) => { const a = inner(o); const f = a.findOne; a.findOne = (args) => { const br = (new Error().stack ?? "").includes("adapter-bridge.js"); counts[br ? "bridge" : "direct"]++; return f.call(a, args); }; return a; };
  }
  const auth = betterAuth({ secret: "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz", baseURL: "http://localhost:3000", database: adapter,
    emailAndPassword: { enabled: true }, rateLimit: { enabled: false }, logger: { disabled: true }, ...(JOINS ? { advanced: { database: { joins: true } } } : {}) });
  const hs = [];
  for (let i = 0; i < 20; i++) {
    const r = await auth.api.signUpEmail({ body: { name: "B", email: `b${i}@example.com`, password: "bench-password-1234" }, returnHeaders: true });
    hs.push(new Headers({ cookie: r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") }));
  }
  return { auth, hs, close, ns };
}
process.env.NODE_ENV = "production";
const ba = await make("better-auth");
const ours = await make("ours");
const cpu = new Map();
async function block(x, n) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = await x.auth.api.getSession({ headers: x.hs[i % x.hs.length] });
    if (!s) throw new Error("no session");
  }
  const c = process.cpuUsage(c0);
  if (!cpu.has(x)) cpu.set(x, []);
  cpu.get(x).push((c.user + c.system) / n);
  return (performance.now() - t0) / n;
}
await block(ba, 300); await block(ours, 300);
if (process.env.W64) {
  const res = { ba: [], ours: [], cba: [], cours: [] };
  for (let r = 0; r < 8; r++) {
    for (const [name, x] of r % 2 ? [["ours", ours], ["ba", ba]] : [["ba", ba], ["ours", ours]]) {
      let ops = 0, k = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now(), end = t0 + 1000;
      await Promise.all(Array.from({ length: 64 }, async () => { while (performance.now() < end) { await x.auth.api.getSession({ headers: x.hs[k++ % 20] }); ops++; } }));
      const c = process.cpuUsage(c0);
      res[name].push(ops / (performance.now() - t0) * 1000);
      res["c" + name].push((c.user + c.system) / ops);
    }
  }
  const med = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
  console.log(`64 in flight: better-auth ${med(res.ba).toFixed(0)}/s (${med(res.cba).toFixed(0)} µs CPU/call), ours ${med(res.ours).toFixed(0)}/s (${med(res.cours).toFixed(0)} µs CPU/call), ratios ${res.ours.map((o, i) => (o / res.ba[i]).toFixed(2)).join(" ")}`);
  process.exit(0);
}
const rounds = Number(process.env.ROUNDS ?? 10), n = Number(process.env.N ?? 200);
const a = [], b = [];
for (let r = 0; r < rounds; r++) {
  if (r % 2) { b.push(await block(ours, n)); a.push(await block(ba, n)); }
  else { a.push(await block(ba, n)); b.push(await block(ours, n)); }
}
// per-call alternation: slow drifts of the machine's load hit both alike
{
  const ta = [], tb = [];
  const M = Number(process.env.M ?? 3000);
  for (let i = 0; i < M; i++) {
    const first = i % 2 ? ours : ba;
    const second = i % 2 ? ba : ours;
    let t = performance.now();
    await first.auth.api.getSession({ headers: first.hs[i % 20] });
    const d1 = performance.now() - t;
    t = performance.now();
    await second.auth.api.getSession({ headers: second.hs[i % 20] });
    const d2 = performance.now() - t;
    (first === ba ? ta : tb).push(d1);
    (second === ba ? ta : tb).push(d2);
  }
  const sorted = (xs) => [...xs].sort((p, q) => p - q);
  const q = (xs, f) => sorted(xs)[Math.floor(xs.length * f)];
  const mean = (xs) => xs.reduce((p, c) => p + c, 0) / xs.length;
  console.log(`alternating calls: better-auth mean ${(mean(ta) * 1000).toFixed(0)} p50 ${(q(ta, 0.5) * 1000).toFixed(0)} µs; ours mean ${(mean(tb) * 1000).toFixed(0)} p50 ${(q(tb, 0.5) * 1000).toFixed(0)} µs; mean ratio ${(mean(ta) / mean(tb)).toFixed(2)}×, p50 ratio ${(q(ta, 0.5) / q(tb, 0.5)).toFixed(2)}×`);
}
const med = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const ratios = a.map((x, i) => x / b[i]);
console.log(`${ORM}${JOINS ? " joins" : ""}: better-auth ${(med(a) * 1000).toFixed(0)} µs/call, ours ${(med(b) * 1000).toFixed(0)} µs/call; ratio (ours faster by) median ${med(ratios).toFixed(2)}× min ${Math.min(...ratios).toFixed(2)} max ${Math.max(...ratios).toFixed(2)}`);
console.log(`  CPU µs/call: better-auth ${med(cpu.get(ba)).toFixed(0)}, ours ${med(cpu.get(ours)).toFixed(0)}; ours' findOne calls: ${JSON.stringify(counts)}`);
for (const x of [ba, ours]) { await x.close(); await admin.query(`drop schema ${x.ns} cascade`); }
await admin.end();
if (prismaDir) (await import("node:fs")).rmSync(prismaDir, { recursive: true, force: true });
