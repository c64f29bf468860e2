// One Express 5 app, four shapes, selected by IMPL:
//   better-auth  the npm package (better-sqlite3, core DDL applied to a fresh file)
//   ours         better-auth-rs, path form (database: file; the engine's own connections, so no
//                SQLite library may be loaded here before auth.$context: lib.mjs asserts it)
//   ours-handle  better-auth-rs, handle form (database: new Database(file), better-sqlite3, WAL)
//   bare         GET /api/me answering the same JSON shape without any auth (the floor)
// Env: IMPL, DB_FILE (fresh SQLite file; required for better-auth/ours), BENCH_SECRET, BENCH_BASE_URL.
// Reports readiness over IPC (process.send) when forked, else as one JSON line on stdout.
// GET /__stats: RSS, peak RSS, CPU time, event-loop delay (p50/p99/max since last ?reset=1).
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { lifetimeGuard } from "./lib.mjs";

const IMPL = process.env.IMPL || "ours";
const DB_FILE = process.env.DB_FILE;
lifetimeGuard(Number(process.env.BENCH_SERVER_MAX_MS) || 30 * 60_000, `server(${IMPL})`);

// The histogram records the whole time between two timer ticks, so the resolution is subtracted below.
const ELD_RESOLUTION_MS = 10;
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
eld.enable();

const { default: express } = await import("express");
const app = express();

const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - ELD_RESOLUTION_MS) * 1000) / 1000);
app.get("/__stats", (req, res) => {
  const cpu = process.cpuUsage();
  const stats = {
    impl: IMPL,
    rss: process.memoryUsage.rss(),
    maxRss: process.resourceUsage().maxRSS * 1024,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean), count: eld.count },
    uptimeMs: performance.now(),
  };
  if (req.query.reset === "1") eld.reset();
  res.json(stats);
});

if (IMPL === "bare") {
  // The same keys and types the auth implementations return; no lookup, no auth.
  const now = new Date();
  const later = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
  const user = {
    name: "Bench User", email: "bench-user@example.com", emailVerified: false, image: null,
    createdAt: now, updatedAt: now, id: "bareUserId0000000000000000000000",
  };
  const session = {
    expiresAt: later, token: "bareSessionToken00000000000000000", createdAt: now, updatedAt: now,
    ipAddress: "", userAgent: "", userId: user.id, id: "bareSessionId00000000000000000000",
  };
  app.get("/api/me", (req, res) => res.json({ user, session }));
} else {
  if (!DB_FILE) throw new Error("bench/server: DB_FILE is required for IMPL=" + IMPL);
  const { createAuth } = await import("./lib.mjs");
  const { auth, toNodeHandler, fromNodeHeaders } = await createAuth(IMPL, DB_FILE);

  app.all("/api/auth/*splat", toNodeHandler(auth));

  const requireAuth = async (req, res, next) => {
    try {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (!session) return res.status(401).json({ error: "Unauthorized" });
      req.user = session.user;
      req.session = session.session;
      next();
    } catch (e) {
      next(e);
    }
  };
  app.get("/api/me", requireAuth, (req, res) => res.json({ user: req.user, session: req.session }));
}

const server = app.listen(0, "127.0.0.1", () => {
  const ready = {
    type: "ready",
    impl: IMPL,
    port: server.address().port,
    readyMs: performance.now(), // since this process's time origin (process start)
    rss: process.memoryUsage.rss(),
  };
  if (process.send) process.send(ready);
  else process.stdout.write(JSON.stringify(ready) + "\n");
});
server.keepAliveTimeout = 60_000;

const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 1000).unref();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
