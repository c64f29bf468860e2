// A separate process that reads (and, for test set-up, writes) an SQLite file the addon has open.
// Tests must not open that file with better-sqlite3 in their own process: it is a second copy of
// SQLite, and closing its connection drops every POSIX lock the process holds on the file and its
// -shm — including the addon's — so the addon's next connection re-initialises the WAL index under
// the others (SQLITE_IOERR_SHORT_READ, "disk I/O error"). See https://sqlite.org/howtocorrupt.html §2.2.
//
// Usage: const peer = sqlitePeer(); await peer.snapshot(file); await peer.run(file, sql, params);
// await peer.all(file, sql, params); peer.close()
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

if (process.send && process.argv[2] === "--sqlite-peer") {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  process.on("message", ({ id, op, file, sql, params, tables }) => {
    let db;
    try {
      db = new Database(file, { readonly: op === "snapshot" || op === "all" });
      let result;
      if (op === "snapshot") {
        const h = crypto.createHash("sha256");
        for (const t of tables) {
          const exists = db.prepare(`select 1 from sqlite_master where type='table' and name=?`).get(t);
          if (exists) h.update(t + JSON.stringify(db.prepare(`select * from "${t}" order by id`).all()));
        }
        result = h.digest("hex");
      } else if (op === "all") {
        result = db.prepare(sql).all(...(params ?? []));
      } else {
        result = db.prepare(sql).run(...(params ?? [])).changes;
      }
      process.send({ id, result });
    } catch (e) {
      process.send({ id, error: String(e?.message ?? e) });
    } finally {
      db?.close();
    }
  });
}

/** Starts the peer process; its methods return promises. */
export function sqlitePeer() {
  const child = fork(fileURLToPath(import.meta.url), ["--sqlite-peer"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map();
  let next = 0;
  child.on("message", ({ id, result, error }) => {
    const w = waiting.get(id);
    waiting.delete(id);
    if (error) w.reject(new Error(error));
    else w.resolve(result);
  });
  const ask = (msg) => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, { resolve, reject });
    child.send({ id, ...msg });
  });
  return {
    /** sha256 of every row of `tables` (default: the core tables and jwks). */
    snapshot: (file, tables = ["user", "session", "account", "verification", "jwks"]) => ask({ op: "snapshot", file, tables }),
    /** Runs one write statement; resolves to the number of changed rows. */
    run: (file, sql, params) => ask({ op: "run", file, sql, params }),
    /** Runs one read statement; resolves to its rows (objects). */
    all: (file, sql, params) => ask({ op: "all", file, sql, params }),
    close: () => child.kill(),
  };
}
