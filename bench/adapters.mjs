// `node bench/adapters.mjs`: better-auth (npm) vs better-auth-rs with the same Better Auth
// adapter on the local PostgreSQL, same run: `drizzleAdapter(drizzle(pool), { provider: "pg" })`
// and `prismaAdapter(prisma, { provider: "postgresql" })` over Prisma 7 with @prisma/adapter-pg
// (the client generated offline once per run into test-artifacts/). One child process per
// adapter holds both implementations, each on its own fresh schema (the CLI's drizzle schema,
// __test__/helpers/drizzle-pg.mjs; the CLI's Prisma models, __test__/helpers/adapter-flows.mjs),
// called in-process (`auth.api.*`, no HTTP), and takes turns between them so that a change in the
// machine's load hits both alike (these machines are shared, 2 cores):
//   sign-up   BENCH_ADAPTER_USERS sign-ups each, 8 in flight, in BENCH_ADAPTER_ROUNDS turns
//   sign-in   as many sign-ins, the same way
//   getSession 1 in flight: one call of each in turn (order swapped every call) for
//             BENCH_ADAPTER_SECONDS × 2, cut into BENCH_ADAPTER_ROUNDS slices
//   getSession 64 in flight: BENCH_ADAPTER_ROUNDS turns of BENCH_ADAPTER_SECONDS / rounds each
//   (no cookie cache: every getSession reads the session and its user through the adapter)
// Each figure: the median ratio over the turns/slices and its spread (min–max), and the median
// ops/s of each side. Results: a table on stdout and bench/results/adapters-<ISO>.json.
// Env: BA_RS_PG_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_ADAPTER_USERS (200),
// BENCH_ADAPTER_SECONDS (6), BENCH_ADAPTER_ROUNDS (6), BENCH_ADAPTER_ORMS (drizzle,prisma),
// BENCH_ADAPTER_JOINS=1 (drizzle's relations / Prisma's relation fields and
// `advanced.database.joins: true` on both sides: session and user in one query).
import { fork } from "node:child_process";
import crypto from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const USERS = Number(process.env.BENCH_ADAPTER_USERS ?? 200);
const SECONDS = Number(process.env.BENCH_ADAPTER_SECONDS ?? 6);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ADAPTER_ROUNDS ?? 6));
const SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const BASE_URL = "http://localhost:3000";
const PASSWORD = "bench-password-1234";
const JOINS = process.env.BENCH_ADAPTER_JOINS === "1";

/** Runs `fn(i)` for i in [0, n) with `width` in flight; ops/s. */
async function pool(n, width, fn) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

/** Calls `fn()` for `seconds` with `width` in flight; ops/s. */
async function timed(seconds, width, fn) {
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (performance.now() < end) {
        await fn();
        ops++;
      }
    }),
  );
  return (ops / (performance.now() - t0)) * 1000;
}

/** The adapter function for `orm` over a fresh schema `ns` (its tables created); `close()`. */
async function database(impl, orm, ns) {
  const pg = (await import("pg")).default;
  if (orm === "prisma") {
    const { PRISMA_PG_DDL } = await import("../__test__/helpers/adapter-flows.mjs");
    const db = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${ns}` });
    for (const s of PRISMA_PG_DDL) await db.query(s);
    await db.end();
    const { PrismaClient } = require(process.env.BENCH_PRISMA_CLIENT);
    const { PrismaPg } = require("@prisma/adapter-pg");
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 16 }, { schema: ns }) });
    const { prismaAdapter } = impl === "ours" ? require("../js/adapters/prisma.js") : await import("better-auth/adapters/prisma");
    return { adapter: prismaAdapter(prisma, { provider: "postgresql" }), close: () => prisma.$disconnect() };
  }
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { pgSchema: tables, pgRelations, PG_DDL } = await import("../__test__/helpers/drizzle-pg.mjs");
  const pgSchema = JOINS ? { ...tables, ...pgRelations } : tables;
  const db = new pg.Pool({ connectionString: PG_URL, max: 16, options: `-c search_path=${ns}` });
  for (const s of PG_DDL) await db.query(s);
  const { drizzleAdapter } = impl === "ours" ? require("../js/adapters/drizzle.js") : await import("better-auth/adapters/drizzle");
  return { adapter: drizzleAdapter(drizzle(db, { schema: pgSchema }), { provider: "pg", schema: pgSchema }), close: () => db.end() };
}

/** One implementation over its own fresh schema: `{ auth, close }`. */
async function instance(impl, orm) {
  const pg = (await import("pg")).default;
  const ns = "ba_bench_adapt_" + crypto.randomBytes(4).toString("hex");
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`create schema ${ns}`);
  const drop = async () => {
    await admin.query(`drop schema ${ns} cascade`);
    await admin.end();
  };
  let db;
  try {
    db = await database(impl, orm, ns);
  } catch (e) {
    await drop();
    throw e;
  }
  const { betterAuth } = impl === "ours" ? require("../index.js") : await import("better-auth");
  const auth = betterAuth({
    secret: SECRET,
    baseURL: BASE_URL,
    database: db.adapter,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    ...(JOINS ? { advanced: { database: { joins: true } } } : {}),
  });
  return { impl, auth, cookies: [], close: async () => (await db.close(), await drop()) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `{ ba, ours, ratios }` ops/s per turn: `run(x, turn)` for each side, the order swapped each turn. */
async function turns(pair, run) {
  const out = { ba: [], ours: [], ratios: [] };
  for (let t = 0; t < ROUNDS; t++) {
    const order = t % 2 ? [pair[1], pair[0]] : pair;
    const r = {};
    for (const x of order) r[x.impl] = await run(x, t);
    out.ba.push(r["better-auth"]);
    out.ours.push(r.ours);
    out.ratios.push(r.ours / r["better-auth"]);
  }
  return out;
}

async function child(orm) {
  process.env.NODE_ENV = "production";
  const pair = [await instance("better-auth", orm), await instance("ours", orm)];
  try {
    const email = (i) => `bench-${i}@example.com`;
    // warm-up (JIT, pools, hashing pools)
    for (const x of pair) for (let i = 0; i < 5; i++) await x.auth.api.signUpEmail({ body: { name: "W", email: `warm-${i}@example.com`, password: PASSWORD } });
    const per = Math.ceil(USERS / ROUNDS);
    const signUp = await turns(pair, (x, t) => pool(per, 8, (i) => x.auth.api.signUpEmail({ body: { name: "Bench", email: email(t * per + i), password: PASSWORD } })));
    const signIn = await turns(pair, (x, t) =>
      pool(per, 8, async (i) => {
        const r = await x.auth.api.signInEmail({ body: { email: email(t * per + i), password: PASSWORD }, returnHeaders: true });
        x.cookies.push(new Headers({ cookie: r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") }));
      }),
    );
    for (const x of pair) {
      const s = await x.auth.api.getSession({ headers: x.cookies[0] });
      if (!s?.user?.email) throw new Error(`${x.impl}: getSession found no session`);
      x.k = 0;
      x.get = () => x.auth.api.getSession({ headers: x.cookies[x.k++ % x.cookies.length] });
      await timed(1, 8, x.get);
    }
    // 1 in flight: one call of each in turn, timed call by call
    const spent = { "better-auth": [], ours: [] };
    const end = performance.now() + SECONDS * 2000;
    for (let i = 0; performance.now() < end; i++) {
      for (const x of i % 2 ? [pair[1], pair[0]] : pair) {
        const t0 = performance.now();
        await x.get();
        spent[x.impl].push(performance.now() - t0);
      }
    }
    const slices = { ba: [], ours: [], ratios: [] };
    const n = spent.ours.length;
    for (let t = 0; t < ROUNDS; t++) {
      const [a, b] = [Math.floor((t * n) / ROUNDS), Math.floor(((t + 1) * n) / ROUNDS)];
      const rate = (xs) => ((b - a) / xs.slice(a, b).reduce((p, c) => p + c, 0)) * 1000;
      slices.ba.push(rate(spent["better-auth"]));
      slices.ours.push(rate(spent.ours));
      slices.ratios.push(slices.ours[t] / slices.ba[t]);
    }
    const getSession64 = await turns(pair, (x) => timed(SECONDS / ROUNDS, 64, x.get));
    return { orm, load: os.loadavg(), signUp, signIn, getSession1: slices, getSession64 };
  } finally {
    for (const x of pair) await x.close();
  }
}

const KEYS = [
  ["sign-up (8 in flight)", "signUp"],
  ["sign-in (8 in flight)", "signIn"],
  ["getSession (1 in flight)", "getSession1"],
  ["getSession (64 in flight)", "getSession64"],
];

function runChild(orm, env) {
  return new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), ["--child", orm], { stdio: "inherit", env });
    c.on("message", resolve);
    c.on("exit", (code) => code !== 0 && reject(new Error(`${orm} exited with ${code}`)));
  });
}

if (process.argv[2] === "--child") {
  child(process.argv[3]).then(
    (r) => {
      process.send(r);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  const orms = (process.env.BENCH_ADAPTER_ORMS ?? "drizzle,prisma").split(",").map((s) => s.trim()).filter(Boolean);
  const env = { ...process.env };
  let prismaDir;
  if (orms.includes("prisma")) {
    const { generatePrismaClient, PRISMA_MODELS } = await import("../__test__/helpers/adapter-flows.mjs");
    const schema = `generator client {\n  provider = "prisma-client-js"\n  output   = "./client"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n${PRISMA_MODELS}`;
    prismaDir = generatePrismaClient(schema).dir;
    env.BENCH_PRISMA_CLIENT = path.join(prismaDir, "client");
  }
  const out = {};
  try {
    for (const orm of orms) out[orm] = await runChild(orm, env);
  } finally {
    if (prismaDir) (await import("node:fs")).rmSync(prismaDir, { recursive: true, force: true });
  }
  for (const orm of orms) {
    const r = out[orm];
    const label = orm === "prisma" ? "prismaAdapter + Prisma 7 (@prisma/adapter-pg)" : "drizzleAdapter + node-postgres";
    console.log(`\n${label}${JOINS ? " (joins on)" : ""}, ops/s (${os.cpus().length} CPUs, load ${r.load.map((l) => l.toFixed(1)).join(" ")} at the end, ${USERS} users, ${ROUNDS} turns)\n`);
    console.log("| operation | better-auth | better-auth-rs | ratio: median (min–max over turns) |\n|---|---:|---:|---:|");
    for (const [name, key] of KEYS) {
      const f = r[key];
      console.log(`| ${name} | ${median(f.ba).toFixed(0)} | ${median(f.ours).toFixed(0)} | ${median(f.ratios).toFixed(2)}× (${Math.min(...f.ratios).toFixed(2)}–${Math.max(...f.ratios).toFixed(2)}×) |`);
    }
  }
  const dir = path.join(HERE, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `adapters-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify({ users: USERS, seconds: SECONDS, rounds: ROUNDS, joins: JOINS, results: out }, null, 2));
}
