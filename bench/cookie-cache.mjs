// In-process getSession served by the cookie cache (`session: { cookieCache: { enabled: true,
// maxAge: 300 } }`): `auth.api.getSession({ headers })` with a valid session cookie AND its
// `session_data` cookie, sequential and with 64 concurrent promise chains. One child process per
// group of variants (CC_VARIANTS, comma-separated):
//   better-auth-cc   better-auth, SQLite (better-sqlite3), as in bench/inprocess.mjs — alone in
//                    its process (better-sqlite3 must not be loaded in an `ours` process);
//   ours-cc          ours, SQLite path form, no revocation channel (none exists without Redis);
//   ours-redis-on    ours + `redisStorage` (better-auth-rs/redis; REDIS_URL, keyPrefix
//                    REDIS_PREFIX + variant): the revocation channel on (the default), so every
//                    cache hit is checked against the revocations this instance knows;
//   ours-redis-off   the same with `advanced: { revocationChannel: false }`: no check.
// The variants of one process are measured in interleaved rounds (ROUNDS), so that a change in
// background load hits them all alike and the on/off difference (the cost of the check) is not
// the difference between two moments.
//
// Before measuring, each variant proves what is measured:
//   1. the measured session is removed from the store behind the instance's back (sign-out
//      through a second instance that publishes nothing: better-auth itself, ours on the same
//      file, ours with `revocationChannel: false` on the same Redis), then getSession with the
//      cookies must still answer it (polled up to 5 s: a starting channel refuses every cache
//      hit until it listens) — so every measured call, each of which must return the session,
//      is a cookie-cache hit: there is nothing left in the store to find;
//   2. on a second session: signed out through another instance (one that publishes, for the
//      Redis variants): with the channel on, the cached getSession must be refused within 2 s
//      (the latency is reported); without a channel it must still be answered 300 ms later
//      (the stale cache Better Auth also has) — which shows the check is on only where expected.
// Env: CC_VARIANTS, DB_FILE (base path; one file per variant), REDIS_URL, REDIS_PREFIX,
// BENCH_INPROC_SECONDS (per mode per variant), BENCH_CONCURRENCY, ROUNDS.
// Result: one IPC message { type: "result", variants: { name: { sequential, concurrent, proof } } }.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createAuth, lifetimeGuard, sequential, concurrent, COOKIE_NAME, ROOT, require } from "./lib.mjs";

const VARIANTS = (process.env.CC_VARIANTS || "ours-cc").split(",").filter(Boolean);
const DB_FILE = process.env.DB_FILE;
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const REDIS_PREFIX = process.env.REDIS_PREFIX || `better-auth-rs-bench-${process.pid}-${Date.now()}:`;
const SECONDS = Number(process.env.BENCH_INPROC_SECONDS) || 5;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY) || 64;
const ROUNDS = Math.max(1, Number(process.env.ROUNDS) || 1);
const DATA_COOKIE = "better-auth.session_data";
const KNOWN = ["better-auth-cc", "ours-cc", "ours-redis-on", "ours-redis-off"];
lifetimeGuard((SECONDS * 2 * VARIANTS.length * 1.5 + 90) * 1000, `cookie-cache(${VARIANTS})`);
if (!DB_FILE) throw new Error("bench/cookie-cache: DB_FILE is required");
for (const v of VARIANTS) if (!KNOWN.includes(v)) throw new Error(`bench/cookie-cache: unknown variant ${v} (expected ${KNOWN.join(" | ")})`);
if (VARIANTS.includes("better-auth-cc") && VARIANTS.length > 1) throw new Error("bench/cookie-cache: better-auth-cc runs alone in its process");

function send(msg) {
  if (process.send) process.send(msg);
  else process.stdout.write(JSON.stringify(msg) + "\n");
}

const COOKIE_CACHE = { session: { cookieCache: { enabled: true, maxAge: 300 } } };

/** The options of `variant` (channel: true = default with redisStorage, false = turned off). */
function optionsFor(variant, { channel } = {}) {
  if (!variant.startsWith("ours-redis")) return COOKIE_CACHE;
  const { redisStorage } = require(path.join(ROOT, "js/redis.js"));
  const storage = redisStorage({ url: REDIS_URL, keyPrefix: `${REDIS_PREFIX}${variant}:` });
  return { ...COOKIE_CACHE, secondaryStorage: storage, ...(channel ? {} : { advanced: { revocationChannel: false } }) };
}

/** A Cookie header with the session cookie and its `session_data` from Set-Cookie strings. */
function cookieHeader(setCookies, label) {
  const jar = new Map();
  for (const sc of setCookies || []) {
    const first = sc.split(";")[0];
    const eq = first.indexOf("=");
    if (eq > 0 && first.slice(eq + 1) !== "") jar.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
  }
  for (const name of [COOKIE_NAME, DATA_COOKIE]) {
    if (!jar.has(name)) throw new Error(`${label}: no ${name} in Set-Cookie (${[...jar.keys()].join(", ") || "none"}): is the cookie cache on?`);
  }
  return new Headers({ cookie: `${COOKIE_NAME}=${jar.get(COOKIE_NAME)}; ${DATA_COOKIE}=${jar.get(DATA_COOKIE)}` });
}

/** Polls `f` every 10 ms until it returns true or `ms` pass; returns the time taken, or null. */
async function until(f, ms) {
  const t0 = performance.now();
  for (;;) {
    if (await f()) return performance.now() - t0;
    if (performance.now() - t0 > ms) return null;
    await sleep(10);
  }
}

async function setup(variant, i) {
  const file = `${DB_FILE}-${variant}.db`;
  const impl = variant === "better-auth-cc" ? "better-auth" : "ours";
  const channelOn = variant === "ours-redis-on";
  const main = await createAuth(impl, file, optionsFor(variant, { channel: channelOn }));
  // silent: removes a session from the store and tells no other instance
  // announcer: signs out as an app instance would (publishes where a channel exists)
  const silent = impl === "better-auth" ? main : await createAuth(impl, file, optionsFor(variant, { channel: false }));
  const announcer = variant.startsWith("ours-redis") ? await createAuth(impl, file, optionsFor(variant, { channel: true })) : silent;

  const email = `cc-${i}-${variant}@example.com`;
  const password = "bench-password-1234";
  const up = await main.auth.api.signUpEmail({ body: { name: "Bench User", email, password }, returnHeaders: true });
  const measured = cookieHeader(up.headers.getSetCookie(), `${variant} sign-up`);
  const userId = up.response.user.id;
  const inn = await main.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  const probe = cookieHeader(inn.headers.getSetCookie(), `${variant} sign-in`);
  const get = (headers) => main.auth.api.getSession({ headers });

  // 1. the measured session leaves the store; its cookies must still be answered (cache hits)
  await silent.auth.api.signOut({ headers: measured });
  const servedAfterMs = await until(async () => (await get(measured))?.user?.id === userId, 5000);
  if (servedAfterMs === null) {
    throw new Error(`${variant}: getSession with session_data did not answer a session removed from the store within 5 s: the calls would not be cookie-cache hits`);
  }
  // 2. a second session, signed out through another instance
  if ((await get(probe))?.user?.id !== userId) throw new Error(`${variant}: getSession of the second session failed before its revocation`);
  await announcer.auth.api.signOut({ headers: probe });
  let refusedAfterMs = null;
  if (channelOn) {
    refusedAfterMs = await until(async () => (await get(probe)) === null, 2000);
    if (refusedAfterMs === null) throw new Error(`${variant}: a session signed out on another instance was still answered from the cookie cache after 2 s: the revocation check is not on`);
  } else {
    await sleep(300);
    if ((await get(probe))?.user?.id !== userId) throw new Error(`${variant}: a signed-out session was refused without a revocation channel (expected the stale cache): the variant is not what it claims`);
  }
  const proof = {
    measuredSessionRemovedFromStore: true,
    servedFromCacheAfterMs: servedAfterMs,
    revocationCheck: channelOn,
    ...(channelOn ? { refusedOnThisInstanceAfterMs: refusedAfterMs } : { staleCacheStillAnsweredAfterMs: 300 }),
  };

  const op = async () => {
    const s = await get(measured);
    if (!s || !s.user) throw new Error(`${variant}: getSession returned ${JSON.stringify(s)} (a cache miss: the session is not in the store)`);
    return s;
  };
  return { variant, main, op, proof, options: { redis: variant.startsWith("ours-redis") ? `${REDIS_PREFIX}${variant}:` : null, revocationChannel: channelOn } };
}

try {
  const set = [];
  for (const [i, v] of VARIANTS.entries()) set.push(await setup(v, i));
  for (const s of set) await sequential(s.op, Math.min(1, SECONDS / 4)); // warm-up
  const acc = Object.fromEntries(set.map((s) => [s.variant, { sequential: { ops: 0, seconds: 0 }, concurrent: { ops: 0, seconds: 0 } }]));
  const add = (to, r) => { to.ops += r.ops; to.seconds += r.seconds; };
  const slice = SECONDS / ROUNDS;
  for (let r = 0; r < ROUNDS; r++) {
    // alternate the order so no variant always runs first after the other
    const order = r % 2 ? [...set].reverse() : set;
    for (const s of order) add(acc[s.variant].sequential, await sequential(s.op, slice));
    for (const s of order) add(acc[s.variant].concurrent, await concurrent(s.op, slice, CONCURRENCY));
  }
  for (const s of set) if (s.main.verify) s.main.verify();
  const variants = {};
  for (const s of set) {
    const a = acc[s.variant];
    variants[s.variant] = {
      sequential: { ...a.sequential, opsPerSec: a.sequential.ops / a.sequential.seconds },
      concurrent: { ...a.concurrent, opsPerSec: a.concurrent.ops / a.concurrent.seconds, concurrency: CONCURRENCY },
      rounds: ROUNDS, proof: s.proof, options: s.options,
    };
  }
  send({ type: "result", variants, rss: process.memoryUsage.rss() });
  process.exit(0);
} catch (e) {
  send({ type: "error", message: String(e && e.stack || e) });
  process.exit(1);
}
