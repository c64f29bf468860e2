// Sign-in answers for an unknown email, a wrong password and a user without a password must not
// be told apart by time: median gaps under 2 ms over >= 1,000 interleaved attempts each, with the
// default argon2id parameters. Figures are printed for the CI log (bench/timing.mjs is the same
// measurement as a benchmark).
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { tempDbFile } from "./helpers/impls.mjs";
import { measureSignInTiming, formatTiming } from "../bench/timing-lib.mjs";

test("unknown email, wrong password and no credential account take the same time (median gaps < 2 ms)", async () => {
  const { file, cleanup } = tempDbFile("timing");
  try {
    const r = await measureSignInTiming({ attempts: Number(process.env.TIMING_ATTEMPTS) || 1000, dbFile: file });
    console.log(formatTiming(r));
    for (const [k, g] of Object.entries(r.gaps)) assert.ok(g < 2, `${k}: median gap ${g.toFixed(3)} ms`);
  } finally {
    cleanup();
  }
});
