// In-process getSession throughput, one child process per IMPL (better-auth | ours | ours-handle | floor).
//   better-auth / ours / ours-handle: `auth.api.getSession({ headers })` with a valid session
//     cookie, sequential (await one after another) and with 64 concurrent promise chains.
//     ours = path form (`database: file`, the engine's own connections; lib.mjs asserts that no
//     SQLite library is loaded in this process when auth.$context resolves, so keep this file's
//     static imports free of better-sqlite3); ours-handle = handle form (`database: new
//     Database(file)`, better-sqlite3 in WAL mode, every statement through that object).
//   floor: the same lookup done by hand: read the cookie from a Headers object, check its
//     HMAC-SHA256 signature with node:crypto, and one prepared better-sqlite3 statement joining
//     session -> user by token (with the expiry check), sequential and "concurrent" (64 chains
//     over a synchronous call, for symmetry).
// Env: IMPL, DB_FILE (fresh SQLite file), BENCH_INPROC_SECONDS (per mode), BENCH_CONCURRENCY.
// Result: one IPC message { type: "result", ... } (or a JSON line on stdout without IPC).
import { createHmac, timingSafeEqual, randomBytes } from "node:crypto";
import { createAuth, coreDDL, sessionCookieFrom, lifetimeGuard, sequential as seqLoop, concurrent as concLoop, SECRET, COOKIE_NAME, isPgUrl, ensurePgSchema, PG_CORE_DDL } from "./lib.mjs";

const IMPL = process.env.IMPL || "ours";
const DB_FILE = process.env.DB_FILE;
const SECONDS = Number(process.env.BENCH_INPROC_SECONDS) || 5;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY) || 64;
const MAX_OPS = Number(process.env.BENCH_MAX_OPS) || 50_000_000; // count bound per mode
lifetimeGuard((SECONDS * 2 + 60) * 1000, `inprocess(${IMPL})`);
if (!DB_FILE) throw new Error("bench/inprocess: DB_FILE is required");

function send(msg) {
  if (process.send) process.send(msg);
  else process.stdout.write(JSON.stringify(msg) + "\n");
}

const sequential = (op, seconds) => seqLoop(op, seconds, MAX_OPS);
const concurrent = (op, seconds, concurrency) => concLoop(op, seconds, concurrency, MAX_OPS);

let created = null;
async function setupAuth() {
  created = await createAuth(IMPL, DB_FILE);
  const { auth } = created;
  const { headers: h } = await auth.api.signUpEmail({
    body: { name: "Bench User", email: "inproc@example.com", password: "bench-password-1234" },
    returnHeaders: true,
  });
  const cookie = sessionCookieFrom(h.getSetCookie());
  if (!cookie) throw new Error(`${IMPL}: signUpEmail returned no ${COOKIE_NAME} cookie`);
  const headers = new Headers({ cookie });
  const op = async () => {
    const s = await auth.api.getSession({ headers });
    if (!s || !s.user) throw new Error(`${IMPL}: getSession returned ${JSON.stringify(s)}`);
    return s;
  };
  return op;
}

async function setupFloor() {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(DB_FILE);
  db.exec(coreDDL());
  const now = new Date();
  const iso = now.toISOString();
  const userId = randomBytes(16).toString("hex");
  const token = randomBytes(16).toString("hex");
  db.prepare(`insert into "user" values (?, ?, ?, 0, null, ?, ?)`).run(userId, "Bench User", "floor@example.com", iso, iso);
  db.prepare(`insert into "session" values (?, ?, ?, ?, ?, '', '', ?)`).run(
    randomBytes(16).toString("hex"), new Date(now.getTime() + 7 * 864e5).toISOString(), token, iso, iso, userId);
  const sig = createHmac("sha256", SECRET).update(token).digest("base64");
  const headers = new Headers({ cookie: `${COOKIE_NAME}=${encodeURIComponent(`${token}.${sig}`)}` });

  const stmt = db.prepare(`select s."id" as s_id, s."expiresAt" as s_expiresAt, s."token" as s_token,
      s."createdAt" as s_createdAt, s."updatedAt" as s_updatedAt, s."ipAddress" as s_ipAddress,
      s."userAgent" as s_userAgent, s."userId" as s_userId,
      u."id" as u_id, u."name" as u_name, u."email" as u_email, u."emailVerified" as u_emailVerified,
      u."image" as u_image, u."createdAt" as u_createdAt, u."updatedAt" as u_updatedAt
    from "session" s join "user" u on u."id" = s."userId" where s."token" = ?`);
  const key = Buffer.from(SECRET, "utf8");
  const prefix = COOKIE_NAME + "=";

  const lookup = () => {
    const header = headers.get("cookie");
    if (!header) return null;
    let raw = null;
    for (const part of header.split(";")) {
      const p = part.trim();
      if (p.startsWith(prefix)) { raw = decodeURIComponent(p.slice(prefix.length)); break; }
    }
    if (!raw) return null;
    const dot = raw.lastIndexOf(".");
    if (dot < 1) return null;
    const tok = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1), "base64");
    const want = createHmac("sha256", key).update(tok).digest();
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    const r = stmt.get(tok);
    if (!r || new Date(r.s_expiresAt).getTime() <= Date.now()) return null;
    return {
      session: { id: r.s_id, expiresAt: new Date(r.s_expiresAt), token: r.s_token, createdAt: new Date(r.s_createdAt),
        updatedAt: new Date(r.s_updatedAt), ipAddress: r.s_ipAddress, userAgent: r.s_userAgent, userId: r.s_userId },
      user: { id: r.u_id, name: r.u_name, email: r.u_email, emailVerified: !!r.u_emailVerified, image: r.u_image,
        createdAt: new Date(r.u_createdAt), updatedAt: new Date(r.u_updatedAt) },
    };
  };
  const op = async () => {
    const s = lookup();
    if (!s) throw new Error("floor: lookup failed");
    return s;
  };
  return op;
}

/** The PostgreSQL floor: the same HMAC check, then one prepared statement through node-postgres. */
async function setupFloorPg() {
  const { base, schema } = await ensurePgSchema(DB_FILE);
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: base, options: `-c search_path=${schema}`, max: 10 });
  await pool.query(PG_CORE_DDL);
  const now = new Date();
  const userId = randomBytes(16).toString("hex");
  const token = randomBytes(16).toString("hex");
  await pool.query(`insert into "user" values ($1, $2, $3, false, null, $4, $4)`, [userId, "Bench User", "floor@example.com", now]);
  await pool.query(`insert into "session" values ($1, $2, $3, $4, $4, '', '', $5)`, [randomBytes(16).toString("hex"), new Date(now.getTime() + 7 * 864e5), token, now, userId]);
  const sig = createHmac("sha256", SECRET).update(token).digest("base64");
  const headers = new Headers({ cookie: `${COOKIE_NAME}=${encodeURIComponent(`${token}.${sig}`)}` });
  const key = Buffer.from(SECRET, "utf8");
  const prefix = COOKIE_NAME + "=";
  const text = `select s."id" as s_id, s."expiresAt" as s_expiresAt, s."token" as s_token, s."createdAt" as s_createdAt,
      s."updatedAt" as s_updatedAt, s."ipAddress" as s_ipAddress, s."userAgent" as s_userAgent, s."userId" as s_userId,
      u."id" as u_id, u."name" as u_name, u."email" as u_email, u."emailVerified" as u_emailVerified, u."image" as u_image,
      u."createdAt" as u_createdAt, u."updatedAt" as u_updatedAt
    from "session" s join "user" u on u."id" = s."userId" where s."token" = $1`;
  return async () => {
    const header = headers.get("cookie");
    let raw = null;
    for (const part of header.split(";")) {
      const p = part.trim();
      if (p.startsWith(prefix)) { raw = decodeURIComponent(p.slice(prefix.length)); break; }
    }
    const dot = raw.lastIndexOf(".");
    const tok = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1), "base64");
    const want = createHmac("sha256", key).update(tok).digest();
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new Error("floor: bad signature");
    const { rows } = await pool.query({ name: "floor_lookup", text, values: [tok] });
    const r = rows[0];
    if (!r || new Date(r.s_expiresat).getTime() <= Date.now()) throw new Error("floor: lookup failed");
    return { session: { id: r.s_id, token: r.s_token, userId: r.s_userid, expiresAt: r.s_expiresat }, user: { id: r.u_id, email: r.u_email } };
  };
}

try {
  const op = IMPL === "floor" ? await (isPgUrl(DB_FILE) ? setupFloorPg() : setupFloor()) : await setupAuth();
  // Warm-up: JIT and caches, bounded by time.
  await sequential(op, Math.min(1, SECONDS / 4));
  const seq = await sequential(op, SECONDS);
  const conc = await concurrent(op, SECONDS, CONCURRENCY);
  if (created && created.verify) created.verify();
  const extra = created && created.handlePrepares ? { handlePrepares: created.handlePrepares() } : {};
  send({ type: "result", impl: IMPL, sequential: seq, concurrent: { ...conc, concurrency: CONCURRENCY }, rss: process.memoryUsage.rss(), ...extra });
  process.exit(0);
} catch (e) {
  send({ type: "error", impl: IMPL, message: String(e && e.stack || e) });
  process.exit(1);
}
