// A child process for __test__/shared-sqlite.test.mjs: an app whose auth database is a path and
// that loads better-sqlite3 only after the engine has opened the file itself (so the engine owns
// the file, and its guard must notice the app's handles). Prints one JSON line with the results.
// argv: <file> [better-sqlite3 | unknown-library]. `unknown-library` loads better-sqlite3 through
// an internal module path, standing for an SQLite package the engine cannot go through.
// `churn`: the app's first contact with the file is a loop of open/read/close every millisecond
// while 60 sign-ups are in flight.
import "./env.mjs";
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { betterAuth } = require("../../index.js");
const file = process.argv[2];
const library = process.argv[3] ?? "better-sqlite3";
const BASE_URL = "http://localhost:3000";
const auth = betterAuth({
  secret: "late-sqlite-secret-0123456789-abcdefghijklmnop",
  baseURL: BASE_URL,
  database: file,
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  logger: { disabled: true },
});

let seq = 0;
async function signUp(tag) {
  const email = `${tag}-${process.pid}-${seq++}@late.example`;
  const res = await auth.handler(new Request(BASE_URL + "/api/auth/sign-up/email", {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE_URL },
    body: JSON.stringify({ name: "Late", email, password: "password-123456" }),
  }));
  const body = await res.json().catch(() => null);
  if (res.status !== 200) return { status: res.status, code: body?.code };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token=")).split(";")[0];
  const token = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0];
  return { status: 200, ack: { id: body.user.id, email, token } };
}

const ownFds = (resolved = fs.realpathSync(file)) => fs.readdirSync("/proc/self/fd").filter((fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`) === resolved; } catch { return false; } }).length;

const out = {};
const warm = await signUp("warm");
out.warm = warm;
out.engineOwnsFile = ownFds() > 0 && !Object.keys(require.cache).some((k) => k.includes("better-sqlite3"));

// only now does the app load better-sqlite3 and open the same file: read, close
if (library === "churn") {
  const Database = require("better-sqlite3");
  let stop = false;
  let churn = 0;
  const loop = (async () => {
    while (!stop) {
      const h = new Database(file);
      h.prepare(`select count(*) as n from "user"`).get();
      h.close();
      churn++;
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  out.churnFirst = await Promise.all(Array.from({ length: 60 }, () => signUp("churn")));
  stop = true;
  await loop;
  out.churn = churn;
  out.afterChurn = [];
  for (let i = 0; i < 5; i++) out.afterChurn.push(await signUp("after-churn"));
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
}

const Database = library === "unknown-library" ? require("better-sqlite3/lib/database.js") : require("better-sqlite3");
const h = new Database(file);
out.usersSeenByApp = h.prepare(`select count(*) as n from "user"`).get().n;
h.close();
out.afterClose = await Promise.all(Array.from({ length: 30 }, () => signUp("after-close")));
for (let i = 0; i < 10; i++) out.afterClose.push(await signUp("after-close-seq"));

// the app keeps a handle open and writes its own table: the engine must refuse its writes
const app = new Database(file);
app.exec(`create table if not exists "note" ("id" integer primary key, "userId" text not null references "user" ("id"), "body" text)`);
out.whileOpen = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
  if (i % 2 === 0) app.prepare(`insert into "note" ("userId", "body") values (?, ?)`).run(warm.ack.id, "x");
  return signUp("while-open");
}));
app.close();
out.afterSecondClose = [];
for (let i = 0; i < 5; i++) out.afterSecondClose.push(await signUp("after-second-close"));
process.stdout.write(JSON.stringify(out) + "\n");
