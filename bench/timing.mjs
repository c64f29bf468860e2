// `npm run bench:timing`: the sign-in timing check as a benchmark (TIMING_ATTEMPTS per kind,
// default 1000), printed and written to bench/results/timing-<timestamp>.json.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureSignInTiming, formatTiming } from "./timing-lib.mjs";

const attempts = Number(process.env.TIMING_ATTEMPTS) || 1000;
const dbFile = path.join(os.tmpdir(), `ba-rs-timing-${process.pid}.db`);
try {
  const r = await measureSignInTiming({ attempts, dbFile });
  console.log(formatTiming(r));
  console.log(`target: every median gap < 2 ms → ${r.maxGap < 2 ? "MET" : "NOT MET"} (largest ${r.maxGap.toFixed(3)} ms)`);
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "results");
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `timing-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(out, JSON.stringify({ ...r, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, load: os.loadavg() }, node: process.version }, null, 2));
  console.log(`written ${out}`);
} finally {
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
}
