// betterAuth(options): Better Auth's option forms, errors that name the option, JS callbacks
// (password hash/verify, generateId), migrations from JS and from the CLI.
process.env.NODE_ENV = "development";
import { test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import crypto from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import Database from "better-sqlite3";
import { betterAuth, getMigrations } from "../index.js";

const tmp = (ext = ".db") => path.join(os.tmpdir(), "ba-rs-opt-" + crypto.randomBytes(6).toString("hex") + ext);
const SECRET = "options-test-secret-0123456789abcdef";
const BASE = "http://localhost:3000";
const signUp = (auth, email, extra = {}) =>
  auth.handler(new Request(BASE + "/api/auth/sign-up/email", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "N", email, password: "password-123", ...extra }) }));

test("a wrong option type or value fails at construction and names the option", () => {
  const cases = [
    [{ emailAndPassword: { minPasswordLength: "8" } }, "emailAndPassword.minPasswordLength"],
    [{ emailAndPassword: { enabled: "yes" } }, "emailAndPassword.enabled"],
    [{ session: { expiresIn: -5 } }, "session.expiresIn"],
    [{ session: { updateAge: "1d" } }, "session.updateAge"],
    [{ advanced: { cookiePrefix: 42 } }, "advanced.cookiePrefix"],
    [{ advanced: { useSecureCookies: "true" } }, "advanced.useSecureCookies"],
    [{ baseURL: "localhost:3000" }, "baseURL"],
    [{ basePath: 1 }, "basePath"],
    [{ trustedOrigins: "http://a.test" }, "trustedOrigins"],
    [{ database: 42 }, "database"],
    [{ database: { provider: "oracle", url: "x" } }, "database.provider"],
    [{ user: { additionalFields: { age: { type: "float" } } } }, "user.additionalFields.age.type"],
    [{ emailAndPassword: { password: { algorithm: "md5" } } }, "emailAndPassword.password.algorithm"],
  ];
  for (const [opts, name] of cases) {
    assert.throws(() => betterAuth({ secret: SECRET, database: tmp(), ...opts }), (e) => e.message.includes(name), JSON.stringify(opts));
  }
});

test("the default secret is refused in production; BETTER_AUTH_SECRET and AUTH_SECRET are read", async () => {
  const saved = { ...process.env };
  try {
    delete process.env.BETTER_AUTH_SECRET;
    delete process.env.AUTH_SECRET;
    process.env.NODE_ENV = "production";
    assert.throws(() => betterAuth({ database: tmp() }), /default secret/);
    process.env.NODE_ENV = "development";
    // signed with AUTH_SECRET, then BETTER_AUTH_SECRET wins over it
    for (const [k, v] of [["AUTH_SECRET", "auth-secret-value-0123456789abcdef0"], ["BETTER_AUTH_SECRET", "better-auth-secret-value-0123456789"]]) {
      process.env[k] = v;
      const auth = betterAuth({ database: tmp(), baseURL: BASE, emailAndPassword: { enabled: true } });
      const r = await signUp(auth, `${k.toLowerCase()}@example.com`);
      const [tok, sig] = decodeURIComponent(r.headers.getSetCookie()[0].split(";")[0].split("=")[1]).split(".");
      assert.equal(sig, crypto.createHmac("sha256", v).update(tok).digest("base64"), k);
    }
  } finally {
    process.env = saved;
  }
});

test("database forms: path, file: URL, sqlite: URL, { provider, url }, better-sqlite3 Database", async () => {
  const file = tmp();
  const forms = [file, "file:" + file, "sqlite:" + file, { provider: "sqlite", url: file }, new Database(file)];
  let i = 0;
  for (const database of forms) {
    const auth = betterAuth({ secret: SECRET, baseURL: BASE, database, emailAndPassword: { enabled: true } });
    const r = await signUp(auth, `form${i++}@example.com`);
    assert.equal(r.status, 200, JSON.stringify(database));
  }
  const rows = new Database(file).prepare('select count(*) as n from "user"').get();
  assert.equal(rows.n, forms.length, "every form reached the same file");
});

test("password.hash / password.verify overrides are called, awaited, and a throwing one is a 500 without a crash", async () => {
  const calls = [];
  const auth = betterAuth({
    secret: SECRET, baseURL: BASE, database: tmp(),
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (p) => { calls.push(["hash", p]); return "custom$" + Buffer.from(p).toString("hex"); },
        verify: async ({ hash, password }) => { calls.push(["verify", hash]); return hash === "custom$" + Buffer.from(password).toString("hex"); },
      },
    },
  });
  assert.equal((await signUp(auth, "cb@example.com")).status, 200);
  const ok = await auth.api.signInEmail({ body: { email: "cb@example.com", password: "password-123" } });
  assert.equal(ok.user.email, "cb@example.com");
  await assert.rejects(auth.api.signInEmail({ body: { email: "cb@example.com", password: "password-124" } }), (e) => e.statusCode === 401);
  assert.deepEqual(calls.map((c) => c[0]), ["hash", "verify", "verify"]);
  assert.equal(calls[1][1], "custom$" + Buffer.from("password-123").toString("hex"));

  const throwing = betterAuth({ secret: SECRET, baseURL: BASE, database: tmp(), emailAndPassword: { enabled: true, password: { hash: () => { throw new Error("boom"); } } } });
  const r = await signUp(throwing, "t@example.com");
  assert.equal(r.status, 500);
  assert.equal(await r.text(), "");
});

test("advanced.database.generateId: a function, and \"uuid\"", async () => {
  let n = 0;
  const seen = [];
  const fnAuth = betterAuth({ secret: SECRET, baseURL: BASE, database: tmp(), emailAndPassword: { enabled: true },
    advanced: { database: { generateId: ({ model, size }) => { seen.push([model, size]); return `${model}_${++n}`; } } } });
  const body = await (await signUp(fnAuth, "fn@example.com")).json();
  assert.equal(body.user.id, "user_1");
  assert.deepEqual(seen.map((s) => s[0]), ["user", "account", "session"]);
  const uuidAuth = betterAuth({ secret: SECRET, baseURL: BASE, database: tmp(), emailAndPassword: { enabled: true }, advanced: { database: { generateId: "uuid" } } });
  const u = await (await signUp(uuidAuth, "uuid@example.com")).json();
  assert.match(u.user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("additional fields: accepted on sign-up, defaults, input:false, required, returned:false, Date revival", async () => {
  const auth = betterAuth({
    secret: SECRET, baseURL: BASE, database: tmp(), emailAndPassword: { enabled: true },
    user: { additionalFields: {
      role: { type: "string", defaultValue: "member", input: false },
      plan: { type: "string", required: true },
      secretNote: { type: "string", returned: false, required: false },
      trialEnds: { type: "date", required: false },
    } },
  });
  let r = await signUp(auth, "f1@example.com");
  assert.equal(r.status, 400);
  assert.deepEqual(await r.json(), { message: "plan is required", code: "MISSING_FIELD" });
  r = await signUp(auth, "f1@example.com", { plan: "pro", role: "admin", secretNote: "x", trialEnds: "2030-01-02T03:04:05.006Z" });
  const b = await r.json();
  assert.equal(r.status, 200, JSON.stringify(b));
  assert.equal(b.user.role, "member", "input:false with a default silently gets the default");
  assert.equal(b.user.plan, "pro");
  assert.equal("secretNote" in b.user, false);
  const s = await auth.api.getSession({ headers: { cookie: r.headers.getSetCookie()[0].split(";")[0] } });
  assert.ok(s.user.trialEnds instanceof Date);
  assert.equal(s.user.trialEnds.toISOString(), "2030-01-02T03:04:05.006Z");
});

test("getMigrations and the CLI: generate prints the SQL, migrate --yes applies it, a second run has nothing to do", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-cli-"));
  const db = path.join(dir, "cli.db");
  fs.writeFileSync(path.join(dir, "auth.mjs"), `import { betterAuth } from ${JSON.stringify(path.resolve("index.mjs"))};\nexport const auth = betterAuth({ secret: "${SECRET}", database: ${JSON.stringify(db)}, autoMigrate: false, emailAndPassword: { enabled: true } });\n`);
  const cli = path.resolve("bin/better-auth-rs.js");
  const gen = execFileSync(process.execPath, [cli, "generate"], { cwd: dir, encoding: "utf8" });
  assert.match(gen, /^create table "user" \("id" text not null primary key/m);
  assert.equal(gen.trim().split("\n").length, 7);
  const noYes = spawnSync(process.execPath, [cli, "migrate"], { cwd: dir, encoding: "utf8", input: "" });
  assert.notEqual(noYes.status, 0, "no TTY and no --yes: refuses");
  const mig = execFileSync(process.execPath, [cli, "migrate", "--yes"], { cwd: dir, encoding: "utf8" });
  assert.match(mig, /migrated: 7 statement\(s\) applied/);
  const again = execFileSync(process.execPath, [cli, "migrate", "--yes"], { cwd: dir, encoding: "utf8" });
  assert.match(again, /up to date/);
  const tables = new Database(db).prepare("select name from sqlite_master where type='table' order by name").all().map((r) => r.name);
  assert.deepEqual(tables, ["account", "session", "user", "verification"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("getMigrations(auth).compileMigrations() on a fresh database", async () => {
  const auth = betterAuth({ secret: SECRET, database: tmp(), autoMigrate: false });
  const sql = await getMigrations(auth).compileMigrations();
  assert.match(sql, /create index "verification_identifier_idx" on "verification" \("identifier"\);/);
  await getMigrations(auth).runMigrations();
  assert.equal(await getMigrations(auth).compileMigrations(), "");
});

test("the CLI migrates a fresh PostgreSQL schema and a fresh MariaDB database", async () => {
  const pg = (await import("pg")).default;
  const mysql = (await import("mysql2/promise")).default;
  const name = "ba_cli_" + crypto.randomBytes(4).toString("hex");
  const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const my = await mysql.createConnection(MY_URL);
  await admin.query(`create schema ${name}`);
  await my.query(`create database ${name}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-cli-"));
  const cli = path.resolve("bin/better-auth-rs.js");
  try {
    const myUrl = new URL(MY_URL);
    myUrl.pathname = "/" + name;
    for (const [label, url] of [["pg", `${PG_URL}?options=${encodeURIComponent(`-c search_path=${name}`)}`], ["mysql", myUrl.toString()]]) {
      const cfg = path.join(dir, `${label}.mjs`);
      fs.writeFileSync(cfg, `import { betterAuth } from ${JSON.stringify(path.resolve("index.mjs"))};\nexport const auth = betterAuth({ secret: "${SECRET}", database: ${JSON.stringify(url)}, emailAndPassword: { enabled: true } });\n`);
      const out = execFileSync(process.execPath, [cli, "migrate", "--config", cfg, "--yes"], { encoding: "utf8" });
      assert.match(out, /migrated: 7 statement\(s\) applied/, label);
      assert.match(execFileSync(process.execPath, [cli, "migrate", "--config", cfg, "--yes"], { encoding: "utf8" }), /up to date/, label);
    }
    const pgTables = (await admin.query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [name])).rows.map((r) => r.table_name);
    assert.deepEqual(pgTables, ["account", "session", "user", "verification"]);
    const [rows] = await my.query(`select table_name as t from information_schema.tables where table_schema = ? order by 1`, [name]);
    assert.deepEqual(rows.map((r) => r.t ?? r.TABLE_NAME), ["account", "session", "user", "verification"]);
  } finally {
    await admin.query(`drop schema ${name} cascade`);
    await my.query(`drop database ${name}`);
    await admin.end();
    await my.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a slow or throwing callback never blocks other requests or crashes the process", async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const auth = betterAuth({
    secret: SECRET, baseURL: BASE, database: tmp(),
    emailAndPassword: {
      enabled: true,
      sendResetPassword: async ({ user }) => {
        if (user.email.startsWith("slow")) await gate; // never resolves until released
        if (user.email.startsWith("boom")) throw new Error("mail server down");
      },
    },
  });
  await signUp(auth, "slow@example.com");
  await signUp(auth, "boom@example.com");
  const post = (p, body) => auth.handler(new Request(BASE + "/api/auth" + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  const slow = post("/request-password-reset", { email: "slow@example.com" });
  // while the slow callback hangs, other requests are served
  const t0 = Date.now();
  const ok = await auth.handler(new Request(BASE + "/api/auth/ok"));
  assert.equal(ok.status, 200);
  const other = await signUp(auth, "fast@example.com");
  assert.equal(other.status, 200);
  assert.ok(Date.now() - t0 < 2000, "served without waiting for the slow callback");
  // a throwing mailer is only logged, as Better Auth's runInBackgroundOrAwait does: the answer
  // must not tell an existing email from an unknown one (process alive)
  const boom = await post("/request-password-reset", { email: "boom@example.com" });
  assert.equal(boom.status, 200);
  assert.equal((await boom.json()).status, true);
  release();
  const r = await slow;
  assert.equal(r.status, 200);
  assert.equal((await r.json()).status, true);
});

test("a field mapping for a field the schema does not have (account.fields.issuer, dropped in Better Auth 1.7.3) warns and is ignored, as Better Auth ignores it", async () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => warnings.push(a.join(" "));
  let auth;
  try {
    auth = betterAuth({ secret: SECRET, baseURL: BASE, database: tmp(), emailAndPassword: { enabled: true }, account: { fields: { issuer: "issuer", password: "password" } } });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings.filter((w) => w.includes("account.fields.issuer")).length, 1);
  const r = await auth.api.signUpEmail({ body: { name: "I", email: "issuer@example.com", password: "password-123456" } });
  assert.equal(r.user.email, "issuer@example.com");
});
