// `node bench/adapters.mjs`: better-auth (npm) vs better-auth-rs with the same Better Auth
// adapter, `drizzleAdapter(drizzle(pool), { provider: "pg" })`, on the local PostgreSQL, same
// run. Each implementation runs in its own child process on its own fresh schema (the CLI's
// drizzle schema, __test__/helpers/drizzle-pg.mjs), in-process (`auth.api.*`, no HTTP):
//   sign-up   BENCH_ADAPTER_USERS sign-ups, 8 in flight
//   sign-in   as many sign-ins, 8 in flight
//   getSession for BENCH_ADAPTER_SECONDS at 1 and at 64 in flight (no cookie cache: every call
//             reads the session and its user through the adapter)
// Results: a table on stdout and bench/results/adapters-<ISO>.json.
// Env: BA_RS_PG_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_ADAPTER_USERS (200),
// BENCH_ADAPTER_SECONDS (5), BENCH_ADAPTER_JOINS=1 (the CLI's drizzle relations and
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
const SECONDS = Number(process.env.BENCH_ADAPTER_SECONDS ?? 5);
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

async function child(impl) {
  process.env.NODE_ENV = "production";
  const pg = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { pgSchema: tables, pgRelations, PG_DDL } = await import("../__test__/helpers/drizzle-pg.mjs");
  const pgSchema = JOINS ? { ...tables, ...pgRelations } : tables;
  const ns = "ba_bench_adapt_" + crypto.randomBytes(4).toString("hex");
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`create schema ${ns}`);
  const db = new pg.Pool({ connectionString: PG_URL, max: 16, options: `-c search_path=${ns}` });
  try {
    for (const s of PG_DDL) await db.query(s);
    const orm = drizzle(db, { schema: pgSchema });
    const { drizzleAdapter } = impl === "ours" ? require("../js/adapters/drizzle.js") : await import("better-auth/adapters/drizzle");
    const { betterAuth } = impl === "ours" ? require("../index.js") : await import("better-auth");
    const auth = betterAuth({
      secret: SECRET,
      baseURL: BASE_URL,
      database: drizzleAdapter(orm, { provider: "pg", schema: pgSchema }),
      emailAndPassword: { enabled: true },
      rateLimit: { enabled: false },
      logger: { disabled: true },
      ...(JOINS ? { advanced: { database: { joins: true } } } : {}),
    });
    const email = (i) => `bench-${i}@example.com`;
    // warm-up (JIT, pool, hashing pool)
    for (let i = 0; i < 5; i++) await auth.api.signUpEmail({ body: { name: "W", email: `warm-${i}@example.com`, password: PASSWORD } });
    const signUp = await pool(USERS, 8, (i) => auth.api.signUpEmail({ body: { name: "Bench", email: email(i), password: PASSWORD } }));
    const cookies = [];
    const signIn = await pool(USERS, 8, async (i) => {
      const r = await auth.api.signInEmail({ body: { email: email(i), password: PASSWORD }, returnHeaders: true });
      cookies[i] = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    });
    const headers = cookies.map((c) => new Headers({ cookie: c }));
    let k = 0;
    const check = await auth.api.getSession({ headers: headers[0] });
    if (!check?.user?.email) throw new Error(`${impl}: getSession found no session`);
    const get = () => auth.api.getSession({ headers: headers[k++ % headers.length] });
    await timed(1, 8, get);
    const getSession1 = await timed(SECONDS, 1, get);
    const getSession64 = await timed(SECONDS, 64, get);
    return { impl, signUp, signIn, getSession1, getSession64 };
  } finally {
    await db.end();
    await admin.query(`drop schema ${ns} cascade`);
    await admin.end();
  }
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
  const results = [];
  for (const impl of ["better-auth", "ours"]) {
    results.push(
      await new Promise((resolve, reject) => {
        const c = fork(fileURLToPath(import.meta.url), ["--child", impl], { stdio: "inherit" });
        c.on("message", resolve);
        c.on("exit", (code) => code !== 0 && reject(new Error(`${impl} exited with ${code}`)));
      }),
    );
  }
  const [ba, ours] = results;
  const row = (label, key) => `| ${label} | ${ba[key].toFixed(0)} | ${ours[key].toFixed(0)} | ${(ours[key] / ba[key]).toFixed(2)}× |`;
  console.log(`\ndrizzleAdapter + node-postgres${JOINS ? " (joins on)" : ""}, ops/s (${os.cpus().length} CPUs, ${USERS} users, ${SECONDS} s getSession phases)\n`);
  console.log("| operation | better-auth | better-auth-rs | ratio |\n|---|---:|---:|---:|");
  console.log(row("sign-up (8 in flight)", "signUp"));
  console.log(row("sign-in (8 in flight)", "signIn"));
  console.log(row("getSession (1 in flight)", "getSession1"));
  console.log(row("getSession (64 in flight)", "getSession64"));
  const dir = path.join(HERE, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `adapters-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify({ users: USERS, seconds: SECONDS, results }, null, 2));
}
