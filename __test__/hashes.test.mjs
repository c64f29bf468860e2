// `npx better-auth-rs hashes` (issue 23.7): how many credential accounts hold argon2id hashes
// (which Better Auth cannot verify) vs Better Auth's scrypt, other and none — on SQLite (checked
// against the real better-auth: scrypt users sign in there, argon2id users do not), PostgreSQL with
// a mapped snake_case account table, and MariaDB/MySQL.
import { SECRET, BASE_URL, tempDbFile } from "./helpers/impls.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { betterAuth as baBetterAuth } from "better-auth";

const cli = path.resolve("bin/better-auth-rs.js");
const entry = JSON.stringify(path.resolve("index.mjs"));

/** A config module for the CLI; `extra` is spliced into the options object literal. */
function writeConfig(dir, name, database, extra = "") {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `import { betterAuth } from ${entry};\nexport const auth = betterAuth({ secret: ${JSON.stringify(SECRET)}, baseURL: ${JSON.stringify(BASE_URL)}, database: ${JSON.stringify(database)}, emailAndPassword: { enabled: true${extra ? ", " + extra : ""} } });\n`,
  );
  return file;
}

function runHashes(config, json = true) {
  const out = execFileSync(process.execPath, [cli, "hashes", "--config", config, ...(json ? ["--json"] : [])], { encoding: "utf8" });
  return json ? JSON.parse(out) : out;
}

async function signUp(auth, email) {
  await auth.api.signUpEmail({ body: { name: email.split("@")[0], email, password: "correct horse battery" } });
}

test("SQLite: argon2id vs scrypt vs other vs none; better-auth verifies only the scrypt ones", async () => {
  const { betterAuth } = await import("../index.mjs");
  const { file, cleanup } = tempDbFile("hashes");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-hashes-"));
  try {
    const argon = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true } });
    await signUp(argon, "a1@example.com");
    await signUp(argon, "a2@example.com");
    const scrypt = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true, password: { algorithm: "scrypt", rehashLegacyHashes: false } } });
    await signUp(scrypt, "s1@example.com");
    // rows the engine never writes: an unknown format, a credential account without password, and
    // a social account (not counted, whatever it holds)
    const db = new Database(file);
    const uid = db.prepare(`select id from "user" where email = ?`).get("s1@example.com").id;
    const now = new Date().toISOString();
    const ins = db.prepare(`insert into account (id, accountId, providerId, userId, password, createdAt, updatedAt) values (?, ?, ?, ?, ?, ?, ?)`);
    ins.run("x1", uid, "credential", uid, "$2b$10$abcdefghijklmnopqrstuu5Z7c0X3dVf3E2D6b0r5g6mZ7lZ3uZ1e", now, now); // bcrypt
    ins.run("x2", uid, "credential", uid, null, now, now);
    ins.run("x3", uid, "github", uid, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", now, now);
    db.close();

    const config = writeConfig(dir, "auth.mjs", file);
    const r = runHashes(config);
    assert.deepEqual(
      { argon2id: r.argon2id, scrypt: r.scrypt, other: r.other, none: r.none, total: r.total, dialect: r.dialect },
      { argon2id: 2, scrypt: 1, other: 1, none: 1, total: 5, dialect: "sqlite" },
    );
    assert.equal(r.algorithm, "argon2id");
    assert.equal(r.rehashLegacyHashes, true);

    const text = runHashes(config, false);
    assert.match(text, /credential accounts \(sqlite, .*\): 5/);
    assert.match(text, /argon2id\s+2\s+better-auth-rs's format: Better Auth cannot verify these/);
    assert.match(text, /2 user\(s\) could not sign in with their password on Better Auth/);
    assert.match(text, /algorithm: "scrypt", rehashLegacyHashes: false/);
    const safe = runHashes(writeConfig(dir, "safe.mjs", file, 'password: { algorithm: "scrypt", rehashLegacyHashes: false }'), false);
    assert.match(safe, /New hashes are scrypt .* the argon2id count does not grow/);
    const j = runHashes(writeConfig(dir, "safe2.mjs", file, 'password: { algorithm: "scrypt" }'));
    assert.equal(j.algorithm, "scrypt");

    // what the report predicts, on the real better-auth over the same file
    const baDb = new Database(file);
    const ba = baBetterAuth({ secret: SECRET, baseURL: BASE_URL, database: baDb, emailAndPassword: { enabled: true }, logger: { disabled: true } });
    const ok = await ba.api.signInEmail({ body: { email: "s1@example.com", password: "correct horse battery" } });
    assert.equal(ok.user.email, "s1@example.com");
    await assert.rejects(ba.api.signInEmail({ body: { email: "a1@example.com", password: "correct horse battery" } }));
    baDb.close();
    // the engine signs both in (the hashes report is read-only: nothing was rewritten)
    for (const email of ["a1@example.com", "s1@example.com"]) {
      const res = await scrypt.api.signInEmail({ body: { email, password: "correct horse battery" } });
      assert.equal(res.user.email, email);
    }
    assert.equal(runHashes(config).argon2id, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    cleanup();
  }
});

test("rehashLegacyHashes: false keeps a Better Auth scrypt hash as it is after sign-in; the default upgrades it (the report shows both)", async () => {
  const { betterAuth } = await import("../index.mjs");
  const { file, cleanup } = tempDbFile("hashes-rehash");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-hashes-"));
  try {
    const legacy = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } } });
    await signUp(legacy, "old@example.com");
    const config = writeConfig(dir, "auth.mjs", file);
    assert.equal(runHashes(config).scrypt, 1);
    const keep = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true, password: { rehashLegacyHashes: false } } });
    await keep.api.signInEmail({ body: { email: "old@example.com", password: "correct horse battery" } });
    assert.deepEqual([runHashes(config).scrypt, runHashes(config).argon2id], [1, 0]);
    const upgrade = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: file, emailAndPassword: { enabled: true } });
    await upgrade.api.signInEmail({ body: { email: "old@example.com", password: "correct horse battery" } });
    let r = runHashes(config);
    for (let i = 0; i < 50 && r.argon2id === 0; i++) {
      await new Promise((res) => setTimeout(res, 20)); // the upgrade is written after the answer
      r = runHashes(config);
    }
    assert.deepEqual([r.scrypt, r.argon2id], [0, 1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    cleanup();
  }
});

test("PostgreSQL (snake_case account table) and MariaDB/MySQL", async () => {
  const pg = (await import("pg")).default;
  const mysql = (await import("mysql2/promise")).default;
  const { betterAuth } = await import("../index.mjs");
  const name = "ba_hashes_" + crypto.randomBytes(4).toString("hex");
  const PG_URL = process.env.BA_RS_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const MY_URL = process.env.BA_RS_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const my = await mysql.createConnection(MY_URL);
  await admin.query(`create schema ${name}`);
  await my.query(`create database ${name}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ba-rs-hashes-"));
  try {
    const myUrl = new URL(MY_URL);
    myUrl.pathname = "/" + name;
    const account = { modelName: "auth_accounts", fields: { providerId: "provider_id", password: "password_hash", accountId: "account_id", userId: "user_id" } };
    for (const [label, url, extra] of [
      ["postgresql", `${PG_URL}?options=${encodeURIComponent(`-c search_path=${name}`)}`, { account }],
      ["mysql", myUrl.toString(), {}],
    ]) {
      const opts = () => structuredClone(extra);
      const schema = extra.account ? `account: ${JSON.stringify(extra.account)}` : "";
      const a = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: url, emailAndPassword: { enabled: true }, ...opts() });
      await (await import("../index.js")).getMigrations(a).runMigrations();
      await signUp(a, "p1@example.com");
      await signUp(a, "p2@example.com");
      const s = betterAuth({ secret: SECRET, baseURL: BASE_URL, database: url, emailAndPassword: { enabled: true, password: { algorithm: "scrypt" } }, ...opts() });
      await signUp(s, "p3@example.com");
      const config = path.join(dir, `${label}.mjs`);
      fs.writeFileSync(config, `import { betterAuth } from ${entry};\nexport const auth = betterAuth({ secret: ${JSON.stringify(SECRET)}, database: ${JSON.stringify(url)}, emailAndPassword: { enabled: true }${schema ? ", " + schema : ""} });\n`);
      const r = runHashes(config);
      assert.deepEqual({ argon2id: r.argon2id, scrypt: r.scrypt, other: r.other, none: r.none, dialect: r.dialect }, { argon2id: 2, scrypt: 1, other: 0, none: 0, dialect: label }, label);
    }
  } finally {
    await admin.query(`drop schema ${name} cascade`);
    await my.query(`drop database ${name}`);
    await admin.end();
    await my.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
