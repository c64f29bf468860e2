// Sign-in timing for the three "no" answers, which must be indistinguishable: an unknown email,
// a known email with a wrong password, and a user that exists but has no password (no
// credential account). The kinds run interleaved (round-robin), so drift in machine load hits
// all three equally; each attempt is timed around `auth.handler` on SQLite with the default
// argon2id parameters. Used by bench/timing.mjs and __test__/signin-timing.test.mjs.
import crypto from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../index.js");
const Database = require("better-sqlite3");

const BASE = "http://localhost:3000";
const KINDS = ["unknown email", "wrong password", "no credential account"];

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, median: q(0.5), p10: q(0.1), p90: q(0.9), mean };
}

/** Runs `attempts` sign-ins of each kind; returns per-kind stats (ms) and pairwise median gaps. */
export async function measureSignInTiming({ attempts = 1000, dbFile, warmup = 20 }) {
  const auth = betterAuth({
    database: dbFile,
    secret: "timing-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    baseURL: BASE,
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
  });
  const signUp = await auth.handler(new Request(BASE + "/api/auth/sign-up/email", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "known@example.com", password: "the-right-password-1", name: "K" }),
  }));
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${signUp.status}`);
  // a user without a credential account (as one created through a social provider would be)
  const db = new Database(dbFile);
  const now = new Date().toISOString();
  db.prepare(`insert into "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt") values (?, ?, ?, 0, null, ?, ?)`)
    .run(crypto.randomBytes(16).toString("hex"), "Social", "social@example.com", now, now);
  db.close();

  const bodies = [
    () => ({ email: `nobody-${crypto.randomBytes(6).toString("hex")}@example.com`, password: "some-password-123" }),
    () => ({ email: "known@example.com", password: "some-password-123" }),
    () => ({ email: "social@example.com", password: "some-password-123" }),
  ];
  const once = async (k) => {
    const req = new Request(BASE + "/api/auth/sign-in/email", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(bodies[k]()),
    });
    const t0 = performance.now();
    const res = await auth.handler(req);
    const ms = performance.now() - t0;
    const body = await res.json();
    if (res.status !== 401 || body.code !== "INVALID_EMAIL_OR_PASSWORD") throw new Error(`${KINDS[k]}: ${res.status} ${JSON.stringify(body)}`);
    return ms;
  };
  for (let i = 0; i < warmup; i++) await once(i % 3);
  const samples = [[], [], []];
  const t0 = performance.now();
  for (let i = 0; i < attempts; i++) {
    // rotate the order each round so no kind always runs right after another
    const order = [[0, 1, 2], [1, 2, 0], [2, 0, 1]][i % 3];
    for (const k of order) samples[k].push(await once(k));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const perKind = Object.fromEntries(KINDS.map((name, k) => [name, stats(samples[k])]));
  const medians = KINDS.map((name) => perKind[name].median);
  const gaps = {
    "unknown email vs wrong password": Math.abs(medians[0] - medians[1]),
    "unknown email vs no credential account": Math.abs(medians[0] - medians[2]),
    "wrong password vs no credential account": Math.abs(medians[1] - medians[2]),
  };
  return { attempts, elapsedSeconds: elapsed, perKind, gaps, maxGap: Math.max(...Object.values(gaps)) };
}

export function formatTiming(r) {
  const lines = [`sign-in timing, ${r.attempts} attempts per kind, interleaved (${r.elapsedSeconds.toFixed(1)} s):`];
  for (const [k, s] of Object.entries(r.perKind)) {
    lines.push(`  ${k.padEnd(24)} median ${s.median.toFixed(2)} ms  p10 ${s.p10.toFixed(2)}  p90 ${s.p90.toFixed(2)}  mean ${s.mean.toFixed(2)}`);
  }
  for (const [k, g] of Object.entries(r.gaps)) lines.push(`  |median gap| ${k.padEnd(40)} ${g.toFixed(3)} ms`);
  return lines.join("\n");
}
