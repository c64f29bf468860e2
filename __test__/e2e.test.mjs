// End-to-end in a real browser (Debian's Chromium driven by playwright-core): the Next.js example
// (examples/nextjs: `next build` + `next start`, the official `better-auth/react` client, and
// server actions calling auth.api with nextCookies(); its admin page with the official
// adminClient() against the admin plugin: list users, set role, ban/unban, the banned user's
// sign-in refused; two-factor enabled from its dashboard with the official twoFactorClient() and
// a sign-in through /two-factor with a TOTP code computed here; a magic-link sign-in whose mail
// is read from the example's dev mailer; "Sign in with …" through a real OpenID provider,
// oidc-provider, configured with genericOAuth) and the Express example page (examples/express), all on better-auth-rs with a
// temp SQLite file (rows checked there).
// Needs `apt-get install -y chromium` and `npm ci` in examples/nextjs (done here when missing).
// SKIP_E2E=1 skips it all. Screenshots go to test-artifacts/.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { startOP } from "./helpers/oidc-op.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEXT_DIR = path.join(ROOT, "examples", "nextjs");
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SKIP = process.env.SKIP_E2E === "1";
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const SECRET = "e2e-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const PASSWORD = "correct-horse-battery";
const STEP = 15_000; // any single browser wait

const children = new Set(); // spawned processes (own process groups), killed in `after`
const tmpDirs = [];
let browser;

function tmpDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bars-e2e-${label}-`));
  tmpDirs.push(dir);
  return dir;
}

function killTree(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Runs a command to completion (bounded); rejects with its output on failure. */
function run(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      killTree(child);
      reject(new Error(`${cmd} ${args.join(" ")}: timed out after ${timeoutMs} ms\n${out.slice(-4000)}`));
    }, timeoutMs);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} (cwd ${cwd}) exited ${code ?? signal}\n${out.slice(-4000)}`));
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, the child dies, or the deadline passes. */
async function waitForHttp(url, { child, output, timeoutMs = 30_000 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering ${url}\n${output()}`);
    const status = await new Promise((resolve) => {
      const req = http.get(url, { timeout: 2000 }, (res) => (res.resume(), resolve(res.statusCode)));
      req.on("error", () => resolve(0));
      req.on("timeout", () => (req.destroy(), resolve(0)));
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not answering 200 after ${timeoutMs} ms\n${output ? output() : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The example's social providers (lib/auth.ts): on only where a suite sets them.
const PROVIDER_ENV = ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "OIDC_DISCOVERY_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_NAME"];

/** Environment for the Next.js processes: ours, minus anything that would change their mode. */
function nextEnv(extra) {
  const env = { ...process.env };
  for (const k of ["NODE_ENV", "TEST", "NODE_OPTIONS", "AUTH_SECRET", "BETTER_AUTH_TRUSTED_ORIGINS", ...PROVIDER_ENV]) delete env[k];
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", BETTER_AUTH_SECRET: SECRET, ...extra };
}

function sameFile(a, b) {
  try {
    const [sa, sb] = [fs.statSync(a), fs.statSync(b)];
    if (sa.size !== sb.size) return false;
    const hash = (f) => crypto.createHash("sha1").update(fs.readFileSync(f)).digest("hex");
    return hash(a) === hash(b);
  } catch {
    return false;
  }
}

/**
 * examples/nextjs installs better-auth-rs as a copy (`install-links`), so it must be refreshed
 * whenever the addon or its JS changes here. Returns what was done, or null.
 */
async function ensureNextDeps() {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!fs.existsSync(path.join(NEXT_DIR, "node_modules", "next", "package.json"))) {
    await run(npm, ["ci", "--no-audit", "--no-fund"], { cwd: NEXT_DIR, env: nextEnv(), timeoutMs: 300_000 });
    return "npm ci";
  }
  const copy = path.join(NEXT_DIR, "node_modules", "better-auth-rs");
  const { files } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const wanted = ["package.json"];
  const walk = (dir) => {
    for (const f of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (f.isDirectory()) walk(path.join(dir, f.name));
      else wanted.push(path.join(dir, f.name));
    }
  };
  for (const entry of files) {
    if (entry.endsWith("/")) {
      walk(entry); // js/ and its subfolders (js/plugins/)
    } else if (entry.startsWith("*")) {
      for (const f of fs.readdirSync(ROOT)) if (f.endsWith(entry.slice(1))) wanted.push(f);
    } else wanted.push(entry);
  }
  if (wanted.every((f) => sameFile(path.join(ROOT, f), path.join(copy, f)))) return null;
  // npm never refreshes a same-version directory dependency: remove it and let npm copy it again.
  fs.rmSync(copy, { recursive: true, force: true });
  await run(npm, ["install", "--no-save", "--no-audit", "--no-fund"], { cwd: NEXT_DIR, env: nextEnv(), timeoutMs: 300_000 });
  return "better-auth-rs copied again";
}

/** `next build` unless .next is newer than every source file of the example (E2E_REBUILD=1 forces it). */
function nextBuildIsStale() {
  if (process.env.E2E_REBUILD === "1") return true;
  let built;
  try {
    built = fs.statSync(path.join(NEXT_DIR, ".next", "BUILD_ID")).mtimeMs;
  } catch {
    return true;
  }
  const newest = (p) => {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
  };
  const sources = ["app", "lib", "proxy.ts", "next.config.ts", "tsconfig.json", "package.json", "package-lock.json"];
  return sources.some((s) => fs.existsSync(path.join(NEXT_DIR, s)) && newest(path.join(NEXT_DIR, s)) > built);
}

async function newPage() {
  if (!browser) {
    const { chromium } = require("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
  }
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP);
  page.setDefaultNavigationTimeout(STEP);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Failed loads are checked from the responses (`failed`) instead.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  const log = []; // every /api exchange, for failure messages
  const failed = []; // every response >= 400
  page.on("response", (r) => {
    const u = new URL(r.url());
    const line = `${r.request().method()} ${u.pathname} → ${r.status()}`;
    if (u.pathname.includes("/api/")) log.push(line);
    if (r.status() >= 400) failed.push(line);
  });
  return { context, page, errors, log, failed };
}

async function authCookie(context) {
  return (await context.cookies()).find((c) => /(^|\.)better-auth\.session_token$/.test(c.name));
}

function uniqueEmail(label) {
  return `${label}-${Date.now()}-${crypto.randomBytes(3).toString("hex")}@example.com`;
}

let nextPrepared; // one install check and `next build` for every suite that starts the app

/** examples/nextjs's dependencies, and `next build` when the sources changed (once per run). */
function prepareNext() {
  nextPrepared ??= (async () => {
    const t = Date.now();
    const installed = await ensureNextDeps();
    if (installed) console.log(`examples/nextjs: ${installed} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    if (nextBuildIsStale()) {
      const t0 = Date.now();
      await run(process.execPath, [path.join(NEXT_DIR, "node_modules", "next", "dist", "bin", "next"), "build"], {
        cwd: NEXT_DIR,
        env: nextEnv(),
        timeoutMs: 480_000,
      });
      console.log(`examples/nextjs: next build ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  })();
  return nextPrepared;
}

/**
 * `next start` of the built example on a free port (or `port`) with its own SQLite file
 * (`extraEnv` added to its environment); resolves once /api/auth/ok answers.
 * @returns {Promise<{ server: import("node:child_process").ChildProcess, origin: string, db: string, output: () => string }>}
 */
async function startNext(label, extraEnv = {}, { port } = {}) {
  await prepareNext();
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const db = path.join(tmpDir(label), "auth.db");
  const server = spawn(
    process.execPath,
    [path.join(NEXT_DIR, "node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(port)],
    { cwd: NEXT_DIR, env: nextEnv({ AUTH_DB: db, BETTER_AUTH_URL: origin, ...extraEnv }), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(server);
  let out = "";
  server.stdout.on("data", (d) => (out += d));
  server.stderr.on("data", (d) => (out += d));
  const output = () => out;
  await waitForHttp(`${origin}/api/auth/ok`, { child: server, output, timeoutMs: 30_000 });
  return { server, origin, db, output };
}

before(() => {
  if (!SKIP) fs.mkdirSync(ARTIFACTS, { recursive: true });
});

// Even when the runner is interrupted: no server or build outlives the test process.
process.on("exit", () => children.forEach(killTree));

after(async () => {
  await browser?.close().catch(() => {});
  for (const child of children) killTree(child);
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test("e2e prerequisite: Debian Chromium at " + CHROMIUM, { skip: SKIP && "SKIP_E2E=1" }, () => {
  if (!HAVE_CHROMIUM) {
    assert.fail(
      `${CHROMIUM} is missing: run \`apt-get update && apt-get install -y chromium\` (or set SKIP_E2E=1 to skip the browser tests)`,
    );
  }
});

const skipSuites = SKIP ? "SKIP_E2E=1" : !HAVE_CHROMIUM ? "no Chromium (see the failing prerequisite test)" : false;

describe("Next.js example (examples/nextjs) in Chromium", { skip: skipSuites, timeout: 600_000 }, () => {
  let next; // startNext()'s { server, origin, db, output }
  let origin;
  let ctx;
  const email = uniqueEmail("next");
  const name = "Ada Next";

  before(async () => {
    next = await startNext("next");
    origin = next.origin;
    ctx = await newPage();
  }, { timeout: 600_000 });

  after(async () => {
    await ctx?.context.close().catch(() => {});
    if (next) killTree(next.server);
  });

  const diag = () => `\nrequests: ${ctx.log.join(", ")}\npage errors: ${ctx.errors.join(" | ")}\nserver: ${next.output().slice(-2000)}`;

  async function onDashboard() {
    const { page } = ctx;
    await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    assert.equal(await page.getByTestId("user-name").textContent(), name, diag());
    assert.equal(await page.getByTestId("user-email").textContent(), email, diag());
  }

  // /sign-in has two forms: the client's (authClient.signIn.email) and a server action's
  // (auth.api.signInEmail in app/actions.ts)
  async function signIn(password, formName = "Sign in") {
    const { page } = ctx;
    await page.goto(`${origin}/sign-in`);
    const form = page.getByRole("form", { name: formName, exact: true });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill(password);
    await form.getByRole("button").click();
  }

  async function signOut(button = "Sign out") {
    const { page } = ctx;
    await page.getByRole("button", { name: button, exact: true }).click();
    await page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    assert.equal(await authCookie(ctx.context), undefined, "session cookie cleared by sign-out" + diag());
  }

  test("sign up → lands on /dashboard showing the user", async () => {
    const { page } = ctx;
    await page.goto(`${origin}/sign-up`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await onDashboard();
    const cookie = await authCookie(ctx.context);
    assert.ok(cookie, "session cookie set" + diag());
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
  });

  test("reload stays signed in", async () => {
    await ctx.page.reload();
    await onDashboard();
  });

  test("sign out → /sign-in; /dashboard then redirects to /sign-in", async () => {
    const { page } = ctx;
    await signOut();
    await page.goto(`${origin}/dashboard`);
    await page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
  });

  test("a forged session cookie passes the proxy but the page's getSession rejects it", async () => {
    const { page, context } = ctx;
    await context.addCookies([{ name: "better-auth.session_token", value: "forged.token", url: origin }]);
    await page.goto(`${origin}/dashboard`);
    await page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    await context.clearCookies();
  });

  test("sign in again → dashboard (screenshot) → sign out", async () => {
    const { page } = ctx;
    await signIn(PASSWORD);
    await onDashboard();
    await page.screenshot({ path: path.join(ARTIFACTS, "nextjs-dashboard.png"), fullPage: true });
    await signOut();
  });

  test("server actions: sign in with auth.api.signInEmail → dashboard; reload stays signed in; sign out with auth.api.signOut", async () => {
    const { page } = ctx;
    const seen = ctx.log.length;
    await signIn(PASSWORD, "Sign in with a server action");
    await onDashboard();
    const cookie = await authCookie(ctx.context);
    assert.ok(cookie, "session cookie set by the action's response (nextCookies)" + diag());
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    assert.ok(cookie.expires > Date.now() / 1000 + 6 * 86400, `a persistent cookie (Max-Age 7 days), got expires ${cookie.expires}`);
    assert.ok(!ctx.log.slice(seen).some((l) => l.includes("/api/auth/sign-in")), "signed in by the action, not the client" + diag());
    await page.reload();
    await onDashboard();
    await signOut("Sign out on the server");
    assert.ok(!ctx.log.slice(seen).some((l) => l.includes("/api/auth/sign-out")), "signed out by the action" + diag());
    await page.goto(`${origin}/dashboard`);
    await page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
  });

  test("server action: a wrong password shows the error, no cookie", async () => {
    const { page } = ctx;
    await signIn("wrong-password-123", "Sign in with a server action");
    const alert = page.locator('form[aria-label="Sign in with a server action"] [role="alert"]');
    await alert.waitFor({ timeout: STEP });
    assert.equal((await alert.textContent()).trim(), "Invalid email or password", diag());
    assert.equal(page.url(), `${origin}/sign-in`);
    assert.equal(await authCookie(ctx.context), undefined);
  });

  test("sign in with a wrong password shows the error", async () => {
    const { page } = ctx;
    await signIn("wrong-password-123");
    const alert = page.locator('form[aria-label="Sign in"] [role="alert"]');
    await alert.waitFor({ timeout: STEP });
    assert.equal((await alert.textContent()).trim(), "Invalid email or password", diag());
    assert.equal(page.url(), `${origin}/sign-in`);
    assert.equal(await authCookie(ctx.context), undefined);
  });

  test("no page errors; the only failed request is the wrong-password sign-in", () => {
    assert.deepEqual(ctx.errors, [], diag());
    const failed = ctx.failed.filter((l) => l !== "GET /favicon.ico → 404");
    assert.deepEqual(failed, ["POST /api/auth/sign-in/email → 401"], diag());
  });
});

describe("Next.js admin page (examples/nextjs/app/admin, the official adminClient()) in Chromium", { skip: skipSuites, timeout: 600_000 }, () => {
  let next; // startNext()'s { server, origin, db, output }
  let origin;
  let admin; // the admin's browser context (newPage())
  let member; // another user's browser context
  const adminEmail = uniqueEmail("admin");
  const memberEmail = uniqueEmail("member");
  const BANNED = "You have been banned from this application. Please contact support if you believe this is an error.";

  before(async () => {
    // lib/auth.ts: ADMIN_EMAILS users get the "admin" role when they sign up
    next = await startNext("next-admin", { ADMIN_EMAILS: adminEmail });
    origin = next.origin;
    admin = await newPage();
    member = await newPage();
  }, { timeout: 600_000 });

  after(async () => {
    await admin?.context.close().catch(() => {});
    await member?.context.close().catch(() => {});
    if (next) killTree(next.server);
  });

  const diag = (ctx) => `\nrequests: ${ctx.log.join(", ")}\npage errors: ${ctx.errors.join(" | ")}\nserver: ${next.output().slice(-2000)}`;

  function query(sql, ...args) {
    const conn = new Database(next.db, { readonly: true });
    try {
      return conn.prepare(sql).all(...args);
    } finally {
      conn.close();
    }
  }
  const userRow = (email) => query(`SELECT role, banned, "banReason" FROM "user" WHERE email = ?`, email)[0];
  const sessionCount = (email) =>
    query(`SELECT count(*) AS n FROM session WHERE "userId" = (SELECT id FROM "user" WHERE email = ?)`, email)[0].n;

  /** Waits until `locator` (one element) has exactly `expected` as its text; fails with what it has. */
  async function hasText(ctx, locator, expected) {
    try {
      await locator.filter({ hasText: new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).waitFor({ timeout: STEP });
    } catch {
      const actual = (await locator.count()) ? await locator.first().textContent() : "(absent)";
      assert.fail(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}${diag(ctx)}`);
    }
  }

  // the page's own elements (Next's route announcer also has role="alert")
  const alertOf = (ctx) => ctx.page.locator('.admin [role="alert"]');
  const noticeOf = (ctx) => ctx.page.locator('.admin [role="status"]');
  const rowOf = (email) => admin.page.locator(`tr[data-email="${email}"]`);

  async function signUp(ctx, name, email) {
    const { page } = ctx;
    await page.goto(`${origin}/sign-up`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    assert.equal(await page.getByTestId("user-email").textContent(), email, diag(ctx));
  }

  /** The client's sign-in form (authClient.signIn.email). */
  async function signIn(ctx, email) {
    const { page } = ctx;
    await page.goto(`${origin}/sign-in`);
    const form = page.getByRole("form", { name: "Sign in", exact: true });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill(PASSWORD);
    await form.getByRole("button").click();
  }

  /** The admin page's list: one row per user, in sign-up order. */
  async function listed() {
    const rows = admin.page.locator("tbody tr");
    return rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        email: tr.getAttribute("data-email"),
        role: tr.querySelector('[data-testid="role"]').textContent,
        status: tr.querySelector('[data-testid="status"]').textContent,
      })),
    );
  }

  test("sign-up: the ADMIN_EMAILS user is admin, another user gets the default role; only admins see the link", async () => {
    await signUp(admin, "Ada Admin", adminEmail);
    await signUp(member, "Mel Member", memberEmail);
    assert.deepEqual(userRow(adminEmail), { role: "admin", banned: 0, banReason: null });
    assert.deepEqual(userRow(memberEmail), { role: "user", banned: 0, banReason: null });
    assert.equal(await admin.page.getByRole("link", { name: "Manage users" }).count(), 1, diag(admin));
    assert.equal(await member.page.getByRole("link", { name: "Manage users" }).count(), 0, diag(member));
  });

  test("signed out, /admin redirects to /sign-in", async () => {
    const ctx = await newPage();
    try {
      await ctx.page.goto(`${origin}/admin`);
      await ctx.page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    } finally {
      await ctx.context.close();
    }
  });

  test("a non-admin on /admin sees the plugin's 403 message and no list", async () => {
    await member.page.goto(`${origin}/admin`);
    await hasText(member, alertOf(member), "You are not allowed to list users");
    assert.equal(await member.page.locator("table").count(), 0);
    assert.ok(member.failed.includes("GET /api/auth/admin/list-users → 403"), diag(member));
  });

  test("the admin lists the users (admin.listUsers)", async () => {
    await admin.page.getByRole("link", { name: "Manage users" }).click();
    await admin.page.waitForURL(`${origin}/admin`, { timeout: STEP });
    await rowOf(memberEmail).waitFor({ timeout: STEP });
    assert.deepEqual(await listed(), [
      { email: adminEmail, role: "admin", status: "active" },
      { email: memberEmail, role: "user", status: "active" },
    ], diag(admin));
    assert.equal(await admin.page.getByTestId("total").textContent(), "2");
  });

  test("set role (admin.setRole): user → admin takes effect on the server, then back to user", async () => {
    const row = rowOf(memberEmail);
    await admin.page.getByLabel(`Role of ${memberEmail}`).selectOption("admin");
    await row.getByRole("button", { name: "Set role" }).click();
    await hasText(admin, noticeOf(admin), `${memberEmail} is now admin.`);
    await hasText(admin, row.getByTestId("role"), "admin");
    assert.deepEqual(userRow(memberEmail), { role: "admin", banned: 0, banReason: null });
    // the member's own list call is now allowed
    await member.page.reload();
    await member.page.locator(`tr[data-email="${adminEmail}"]`).waitFor({ timeout: STEP });
    assert.equal(await member.page.getByTestId("total").textContent(), "2");

    await admin.page.getByLabel(`Role of ${memberEmail}`).selectOption("user");
    await row.getByRole("button", { name: "Set role" }).click();
    await hasText(admin, noticeOf(admin), `${memberEmail} is now user.`);
    await hasText(admin, row.getByTestId("role"), "user");
    assert.deepEqual(userRow(memberEmail), { role: "user", banned: 0, banReason: null });
  });

  test("the plugin's errors are shown: an admin cannot ban themself", async () => {
    await rowOf(adminEmail).getByRole("button", { name: "Ban" }).click();
    await hasText(admin, alertOf(admin), "You cannot ban yourself");
    assert.equal(await noticeOf(admin).count(), 0);
    await hasText(admin, rowOf(adminEmail).getByTestId("status"), "active");
    assert.deepEqual(userRow(adminEmail), { role: "admin", banned: 0, banReason: null });
  });

  test("ban (admin.banUser): the member's sessions end and their sign-in shows 403 BANNED_USER", async () => {
    assert.ok(sessionCount(memberEmail) >= 1);
    const row = rowOf(memberEmail);
    await row.getByRole("button", { name: "Ban" }).click();
    await hasText(admin, noticeOf(admin), `${memberEmail} banned.`);
    assert.equal(await alertOf(admin).count(), 0, "the earlier error is cleared");
    await hasText(admin, row.getByTestId("status"), "banned (Banned from the admin page)");
    assert.deepEqual(userRow(memberEmail), { role: "user", banned: 1, banReason: "Banned from the admin page" });
    assert.equal(sessionCount(memberEmail), 0, "ban-user deletes the user's sessions");
    await admin.page.screenshot({ path: path.join(ARTIFACTS, "nextjs-admin.png"), fullPage: true });

    // the member's cookie no longer opens the dashboard
    await member.page.goto(`${origin}/dashboard`);
    await member.page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    await signIn(member, memberEmail);
    await hasText(member, member.page.locator('form[aria-label="Sign in"] [role="alert"]'), BANNED);
    assert.equal(member.page.url(), `${origin}/sign-in`);
    assert.ok(member.failed.includes("POST /api/auth/sign-in/email → 403"), diag(member));
    assert.equal(sessionCount(memberEmail), 0, "no session for a banned user");
  });

  test("unban (admin.unbanUser): the member signs in again", async () => {
    const row = rowOf(memberEmail);
    await row.getByRole("button", { name: "Unban" }).click();
    await hasText(admin, noticeOf(admin), `${memberEmail} unbanned.`);
    await hasText(admin, row.getByTestId("status"), "active");
    assert.deepEqual(userRow(memberEmail), { role: "user", banned: 0, banReason: null });
    await signIn(member, memberEmail);
    await member.page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    assert.equal(await member.page.getByTestId("user-email").textContent(), memberEmail);
    assert.equal(sessionCount(memberEmail), 1);
  });

  test("no page errors; the only failed requests are the refused ones", () => {
    assert.deepEqual(admin.errors, [], diag(admin));
    assert.deepEqual(member.errors, [], diag(member));
    const failed = (ctx) => ctx.failed.filter((l) => l !== "GET /favicon.ico → 404");
    assert.deepEqual(failed(admin), ["POST /api/auth/admin/ban-user → 400"], diag(admin));
    assert.deepEqual(failed(member), ["GET /api/auth/admin/list-users → 403", "POST /api/auth/sign-in/email → 403"], diag(member));
  });
});

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of an otpauth:// URI's base32 secret, at `at` ms. */
function totpOf(uri, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const key = [];
  for (const c of new URL(uri).searchParams.get("secret").replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      key.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const h = crypto.createHmac("sha1", Buffer.from(key)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000).padStart(6, "0");
}

describe("Next.js two-factor (twoFactorClient) and magic link (magicLinkClient, dev mailer) in Chromium", { skip: skipSuites, timeout: 600_000 }, () => {
  let next; // startNext()'s { server, origin, db, output }
  let origin;
  let ctx; // the 2FA user's browser
  let outbox; // the dev mailer's file (DEV_MAILBOX)
  const email = uniqueEmail("tf");
  const name = "Ada Twofactor";
  let totpURI;
  let backupCodes;

  before(async () => {
    outbox = path.join(tmpDir("next-mail"), "outbox.jsonl");
    next = await startNext("next-2fa", { DEV_MAILBOX: outbox });
    origin = next.origin;
    ctx = await newPage();
  }, { timeout: 600_000 });

  after(async () => {
    await ctx?.context.close().catch(() => {});
    if (next) killTree(next.server);
  });

  const diag = (c = ctx) => `\nrequests: ${c.log.join(", ")}\npage errors: ${c.errors.join(" | ")}\nserver: ${next.output().slice(-2000)}`;

  function query(sql, ...args) {
    const conn = new Database(next.db, { readonly: true });
    try {
      return conn.prepare(sql).all(...args);
    } finally {
      conn.close();
    }
  }
  const userOf = (e) => query(`SELECT id, name, "emailVerified", "twoFactorEnabled" FROM "user" WHERE email = ?`, e)[0];
  const twoFactorRows = (e) =>
    query(`SELECT secret, "backupCodes", verified FROM "twoFactor" WHERE "userId" = (SELECT id FROM "user" WHERE email = ?)`, e);

  /** Waits until `locator` has exactly `expected` as its text; fails with what it has. */
  async function hasText(c, locator, expected) {
    try {
      await locator.filter({ hasText: new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).waitFor({ timeout: STEP });
    } catch {
      const actual = (await locator.count()) ? await locator.first().textContent() : "(absent)";
      assert.fail(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}${diag(c)}`);
    }
  }

  const section = () => ctx.page.getByRole("region", { name: "Two-factor authentication" });
  const cookieNamed = async (c, n) => (await c.context.cookies()).find((k) => k.name === `better-auth.${n}`);

  async function signIn(password = PASSWORD) {
    const { page } = ctx;
    await page.goto(`${origin}/sign-in`);
    const form = page.getByRole("form", { name: "Sign in", exact: true });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill(password);
    await form.getByRole("button").click();
  }

  async function signOut() {
    await ctx.page.getByRole("button", { name: "Sign out", exact: true }).click();
    await ctx.page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    assert.equal(await authCookie(ctx.context), undefined, "signed out" + diag());
  }

  test("sign up; the dashboard shows two-factor off", async () => {
    const { page } = ctx;
    await page.goto(`${origin}/sign-up`);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    await hasText(ctx, section().getByTestId("two-factor-status"), "Two-factor authentication is off.");
    assert.equal(userOf(email).twoFactorEnabled, 0);
  });

  test("enable: a wrong password is refused; the right one shows the TOTP URI and 10 backup codes, 2FA still off until a code is verified", async () => {
    await section().getByLabel("Password").fill("not-my-password-1");
    await section().getByRole("button", { name: "Enable two-factor" }).click();
    await hasText(ctx, section().getByRole("alert"), "Invalid password");
    assert.deepEqual(twoFactorRows(email), []);

    await section().getByLabel("Password").fill(PASSWORD);
    await section().getByRole("button", { name: "Enable two-factor" }).click();
    const uri = section().getByTestId("totp-uri");
    await uri.waitFor({ timeout: STEP });
    totpURI = (await uri.textContent()).trim();
    assert.match(totpURI, /^otpauth:\/\/totp\/better-auth-rs%20example:[^?]+\?secret=[A-Z2-7]+&issuer=better-auth-rs\+example&digits=6&period=30$/);
    assert.equal(decodeURIComponent(new URL(totpURI).pathname.split(":").pop()), email);
    assert.equal(await section().getByTestId("totp-secret").textContent(), new URL(totpURI).searchParams.get("secret"));
    backupCodes = await section().getByTestId("backup-codes").locator("li").allTextContents();
    assert.equal(backupCodes.length, 10);
    for (const c of backupCodes) assert.match(c, /^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$/);
    await ctx.page.screenshot({ path: path.join(ARTIFACTS, "nextjs-two-factor-setup.png"), fullPage: true });
    // the row exists (secret and codes encrypted at rest), not verified; the user not yet enabled
    const rows = twoFactorRows(email);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].verified, 0);
    assert.ok(!rows[0].secret.includes(new URL(totpURI).searchParams.get("secret")), "secret not stored in clear");
    assert.ok(!backupCodes.some((c) => rows[0].backupCodes.includes(c)), "backup codes not stored in clear");
    assert.equal(userOf(email).twoFactorEnabled, 0);
  });

  // twoFactor()'s rate-limit rule (on under `next start`, as in Better Auth): 3 requests per path
  // and 10 seconds on /two-factor/*, so this suite sends at most 3 verify-totp in a row (the one
  // wrong code is tried on /two-factor)
  test("verify: the computed code turns 2FA on", async () => {
    await section().getByLabel("Code from your authenticator app").fill(totpOf(totpURI));
    await section().getByRole("button", { name: "Verify and turn on" }).click();
    await hasText(ctx, section().getByTestId("two-factor-status"), "Two-factor authentication is on.");
    assert.equal(userOf(email).twoFactorEnabled, 1);
    assert.deepEqual(twoFactorRows(email).map((r) => r.verified), [1]);
    await ctx.page.screenshot({ path: path.join(ARTIFACTS, "nextjs-two-factor-on.png"), fullPage: true });
  });

  test("sign out, sign in with the password → /two-factor (no session yet); a wrong code is refused", async () => {
    const { page } = ctx;
    await signOut();
    await signIn();
    await page.waitForURL(`${origin}/two-factor`, { timeout: STEP });
    assert.equal(await authCookie(ctx.context), undefined, "no session before the second factor" + diag());
    assert.ok(await cookieNamed(ctx, "two_factor"), "the two_factor challenge cookie" + diag());
    // not signed in yet: the dashboard sends back to /sign-in
    const other = await ctx.context.newPage();
    await other.goto(`${origin}/dashboard`);
    await other.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    await other.close();

    const wrong = String((Number(totpOf(totpURI)) + 500_000) % 1_000_000).padStart(6, "0");
    await page.getByLabel("Code from your authenticator app").fill(wrong);
    await page.getByRole("button", { name: "Verify" }).click();
    await hasText(ctx, page.locator('form[aria-label="Verify two-factor code"] [role="alert"]'), "Invalid code");
    assert.equal(await authCookie(ctx.context), undefined);
  });

  test("the computed code with \"Trust this device\" → dashboard, signed in", async () => {
    const { page } = ctx;
    await page.screenshot({ path: path.join(ARTIFACTS, "nextjs-two-factor-page.png"), fullPage: true });
    await page.getByLabel("Code from your authenticator app").fill(totpOf(totpURI));
    await page.getByLabel("Trust this device for 30 days").check();
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    assert.equal(await page.getByTestId("user-email").textContent(), email, diag());
    assert.ok(await authCookie(ctx.context), "session cookie" + diag());
    assert.equal(await cookieNamed(ctx, "two_factor"), undefined, "the challenge cookie is spent");
    const trust = await cookieNamed(ctx, "trust_device");
    assert.ok(trust?.httpOnly, "an HttpOnly trust_device cookie" + diag());
    assert.ok(trust.expires > Date.now() / 1000 + 29 * 86400, "trusted for 30 days");
    assert.equal(query(`SELECT count(*) AS n FROM session WHERE "userId" = ?`, userOf(email).id)[0].n, 1);
  });

  test("the trusted browser signs in without the code; another browser (server-action sign-in) is asked for it and can use a backup code", async () => {
    const { page } = ctx;
    await signOut();
    await signIn();
    await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    assert.equal(await page.getByTestId("user-email").textContent(), email, diag());

    const fresh = await newPage();
    try {
      // the server action's auth.api.signInEmail answers { twoFactorRedirect: true }; nextCookies()
      // sets the two_factor cookie and the action redirects to /two-factor (app/actions.ts)
      await fresh.page.goto(`${origin}/sign-in`);
      const form = fresh.page.getByRole("form", { name: "Sign in with a server action", exact: true });
      await form.getByLabel("Email").fill(email);
      await form.getByLabel("Password").fill(PASSWORD);
      await form.getByRole("button").click();
      await fresh.page.waitForURL(`${origin}/two-factor`, { timeout: STEP });
      assert.ok(await cookieNamed(fresh, "two_factor"), "the challenge cookie set by the action" + diag(fresh));
      assert.equal(await authCookie(fresh.context), undefined, "no session before the second factor");
      await fresh.page.getByRole("button", { name: "Use a backup code instead" }).click();
      await fresh.page.getByLabel("Backup code").fill(backupCodes[0]);
      await fresh.page.getByRole("button", { name: "Verify" }).click();
      await fresh.page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
      assert.equal(await fresh.page.getByTestId("user-email").textContent(), email, diag(fresh));
      assert.equal(await cookieNamed(fresh, "trust_device"), undefined, "not trusted unless asked");
      assert.deepEqual(fresh.errors, [], diag(fresh));
    } finally {
      await fresh.context.close();
    }
  });

  test("magic link: ask for a link, open it from the dev outbox (/dev/mail) → dashboard, signed in as the new user", async () => {
    const ml = await newPage();
    const mlEmail = uniqueEmail("magic");
    try {
      const { page } = ml;
      await page.goto(`${origin}/sign-in`);
      await page.getByRole("link", { name: "Sign in with a magic link" }).click();
      await page.waitForURL(`${origin}/sign-in/magic-link`, { timeout: STEP });
      await page.getByLabel("Email").fill(mlEmail);
      await page.getByLabel("Name (for a new account)").fill("Mag Link");
      await page.getByRole("button", { name: "Send me a link" }).click();
      await hasText(ml, page.getByRole("status").filter({ hasText: "Check your email" }), `Check your email: a sign-in link was sent to ${mlEmail}.`);
      assert.equal(userOf(mlEmail), undefined, "no user before the link is opened");

      // the dev mailer's outbox: the file, and the page listing it
      const mails = fs.readFileSync(outbox, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const mail = mails.find((m) => m.to === mlEmail);
      assert.ok(mail, `a mail to ${mlEmail} in ${outbox}`);
      const link = new URL(mail.url);
      assert.equal(`${link.origin}${link.pathname}`, `${origin}/api/auth/magic-link/verify`);
      assert.equal(link.searchParams.get("callbackURL"), "/dashboard");
      await page.goto(`${origin}/dev/mail`);
      const article = page.locator(`article[data-to="${mlEmail}"]`);
      assert.equal(await article.getByRole("link", { name: "Open the link" }).getAttribute("href"), mail.url);
      await article.getByRole("link", { name: "Open the link" }).click();
      await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
      assert.equal(await page.getByTestId("user-email").textContent(), mlEmail, diag(ml));
      assert.equal(await page.getByTestId("user-name").textContent(), "Mag Link", diag(ml));
      assert.ok(await authCookie(ml.context), "session cookie" + diag(ml));
      const user = userOf(mlEmail);
      assert.equal(user.name, "Mag Link");
      assert.equal(user.emailVerified, 1, "a magic link proves the address");
      assert.equal(query(`SELECT count(*) AS n FROM verification WHERE value LIKE ?`, `%${mlEmail}%`)[0].n, 0, "the token is spent");

      // the same link again: back to the magic-link page with the error, signed in still as before
      await ml.context.clearCookies();
      await page.goto(mail.url);
      await page.waitForURL(`${origin}/sign-in/magic-link?error=INVALID_TOKEN`, { timeout: STEP });
      await hasText(ml, page.locator('form[aria-label="Magic link"] [role="alert"]'), "This sign-in link is invalid or was already used. Ask for a new one.");
      assert.equal(await authCookie(ml.context), undefined);
      assert.deepEqual(ml.errors, [], diag(ml));
      assert.deepEqual(ml.failed.filter((l) => l !== "GET /favicon.ico → 404"), [], diag(ml));
    } finally {
      await ml.context.close();
    }
  });

  test("no page errors; the only failed requests are the refused password and codes", () => {
    assert.deepEqual(ctx.errors, [], diag());
    assert.deepEqual(ctx.failed.filter((l) => l !== "GET /favicon.ico → 404"), [
      "POST /api/auth/two-factor/enable → 400",
      "POST /api/auth/two-factor/verify-totp → 401",
    ], diag());
  });
});

describe("Next.js social sign-in (authClient.signIn.social, genericOAuth against a real OpenID provider) in Chromium", { skip: skipSuites, timeout: 600_000 }, () => {
  let op; // helpers/oidc-op.mjs: oidc-provider on 127.0.0.1, interactions approved as `op.login`
  let next; // startNext()'s { server, origin, db, output }
  let origin;
  let ctx;
  const PROVIDER = "Local OP"; // OIDC_NAME: the button's text
  let port; // the app's
  let badPort; // a second start of the app with a wrong client secret
  const oidcEnv = (secret) => ({
    OIDC_DISCOVERY_URL: `${op.issuer}/.well-known/openid-configuration`,
    OIDC_CLIENT_ID: "ba-client",
    OIDC_CLIENT_SECRET: secret,
    OIDC_NAME: PROVIDER,
  });

  before(async () => {
    // the OP must know the app's callback URL before the app starts
    port = await freePort();
    badPort = await freePort();
    op = await startOP({
      redirectUris: [port, badPort].map((p) => `http://127.0.0.1:${p}/api/auth/callback/oidc`),
      postLogoutRedirectUris: [port, badPort].map((p) => `http://127.0.0.1:${p}/sign-in`),
    });
    op.login = "alice";
    next = await startNext("next-social", oidcEnv("ba-secret"), { port });
    origin = next.origin;
    ctx = await newPage();
  }, { timeout: 600_000 });

  after(async () => {
    await ctx?.context.close().catch(() => {});
    if (next) killTree(next.server);
    await op?.close();
  });

  const diag = (c = ctx) => `\nrequests: ${c.log.join(", ")}\npage errors: ${c.errors.join(" | ")}\nserver: ${next.output().slice(-2000)}`;

  function query(sql, ...args) {
    const conn = new Database(next.db, { readonly: true });
    try {
      return conn.prepare(sql).all(...args);
    } finally {
      conn.close();
    }
  }

  const providerButtons = (page) => page.getByRole("region", { name: "Sign in with a provider" }).getByRole("button");

  /** From /sign-in: the provider's button → the OP (approves as op.login) → back to the app. */
  async function signInWithProvider() {
    const { page } = ctx;
    await page.goto(`${origin}/sign-in`);
    const seen = []; // every navigation request, redirects included (the OP only redirects)
    const onRequest = (r) => r.isNavigationRequest() && seen.push(r.url().split("?")[0]);
    page.on("request", onRequest);
    try {
      await page.getByRole("button", { name: `Sign in with ${PROVIDER}`, exact: true }).click();
      await page.waitForURL(`${origin}/dashboard`, { timeout: STEP });
    } finally {
      page.off("request", onRequest);
    }
    return seen;
  }

  test("the sign-in page shows the configured provider's button and no Google or GitHub", async () => {
    const { page } = ctx;
    await page.goto(`${origin}/sign-in`);
    assert.deepEqual(await providerButtons(page).allTextContents(), [`Sign in with ${PROVIDER}`], diag());
    assert.equal(await page.getByRole("button", { name: /Google|GitHub/ }).count(), 0, diag());
    // the email forms are still there
    assert.equal(await page.getByRole("form", { name: "Sign in", exact: true }).count(), 1, diag());
    await page.screenshot({ path: path.join(ARTIFACTS, "nextjs-sign-in-providers.png"), fullPage: true });
  });

  test("click → the provider → /dashboard signed in as the provider's user (a new user and account)", async () => {
    const tokenCalls = op.log.length;
    const seen = await signInWithProvider();
    const { page } = ctx;
    // the provider's authorization endpoint, its (auto-approved) interaction, back to our callback
    assert.ok(seen.some((u) => u.startsWith(`${op.issuer}/interaction/`)), `went through the provider, visited: ${seen.join(" → ")}${diag()}`);
    assert.ok(seen.includes(`${origin}/api/auth/callback/oidc`), `came back through the callback, visited: ${seen.join(" → ")}${diag()}`);
    assert.equal(await page.getByTestId("user-email").textContent(), "alice@example.com", diag());
    assert.equal(await page.getByTestId("user-name").textContent(), "Alice", diag());
    const cookie = await authCookie(ctx.context);
    assert.ok(cookie, "session cookie set" + diag());
    assert.equal(cookie.httpOnly, true);
    // the app exchanged the code at the OP's token endpoint, once
    assert.deepEqual(op.log.slice(tokenCalls).map((l) => l.status), [200]);
    // the provider's user (its email lower-cased, verified as the OP says), linked by one account row
    assert.deepEqual(query(`SELECT name, email, "emailVerified" FROM "user"`), [{ name: "Alice", email: "alice@example.com", emailVerified: 1 }]);
    const [{ id }] = query(`SELECT id FROM "user"`);
    assert.deepEqual(query(`SELECT "providerId", "accountId", "userId" FROM account`), [{ providerId: "oidc", accountId: "alice", userId: id }]);
    await page.screenshot({ path: path.join(ARTIFACTS, "nextjs-social-dashboard.png"), fullPage: true });
  });

  test("sign out ends the provider session too (RP-initiated logout), then sign in again → /dashboard as the same user, no second user or account", async () => {
    const { page } = ctx;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    // /sign-out answered the provider's end-session URL; the client followed it
    await page.waitForURL((u) => u.href.startsWith(`${op.issuer}/session/end`), { timeout: STEP });
    const end = new URL(page.url());
    assert.ok(end.searchParams.get("id_token_hint"), `id_token_hint sent: ${end.href}${diag()}`);
    assert.equal(end.searchParams.get("post_logout_redirect_uri"), `${origin}/sign-in`, diag());
    assert.equal(end.searchParams.get("client_id"), "ba-client", diag());
    await page.getByRole("button", { name: "Yes, sign me out", exact: true }).click();
    await page.waitForURL(`${origin}/sign-in`, { timeout: STEP });
    assert.equal(await authCookie(ctx.context), undefined, "signed out" + diag());
    const seen = await signInWithProvider();
    assert.ok(seen.includes(`${origin}/api/auth/callback/oidc`), `came back through the callback, visited: ${seen.join(" → ")}${diag()}`);
    assert.equal(await page.getByTestId("user-email").textContent(), "alice@example.com", diag());
    assert.ok(await authCookie(ctx.context), "session cookie set" + diag());
    assert.equal(query(`SELECT count(*) AS n FROM "user"`)[0].n, 1);
    assert.equal(query(`SELECT count(*) AS n FROM account`)[0].n, 1);
    // the signed-out session is gone; the new one is alice's
    const sessions = query(`SELECT "userId" FROM session`);
    const [{ id }] = query(`SELECT id FROM "user"`);
    assert.deepEqual(sessions, [{ userId: id }]);
  });

  test("a provider that refuses the app's client secret → back on /sign-in with the error shown; no user written", async () => {
    const bad = await startNext("next-social-bad", oidcEnv("wrong-secret"), { port: badPort });
    const c = await newPage();
    try {
      const tokenCalls = op.log.length;
      await c.page.goto(`${bad.origin}/sign-in`);
      await c.page.getByRole("button", { name: `Sign in with ${PROVIDER}`, exact: true }).click();
      // the callback's error redirect to errorCallbackURL (Better Auth: a failed exchange is invalid_code)
      await c.page.waitForURL(`${bad.origin}/sign-in?error=invalid_code`, { timeout: STEP });
      const alert = c.page.getByRole("region", { name: "Sign in with a provider" }).getByRole("alert");
      await alert.waitFor({ timeout: STEP });
      assert.equal((await alert.textContent()).trim(), "Sign-in failed (invalid_code).");
      // the OP refused the code exchange (invalid_client), so nobody signed in
      assert.deepEqual(op.log.slice(tokenCalls).map((l) => l.status), [401]);
      assert.equal(await authCookie(c.context), undefined);
      const conn = new Database(bad.db, { readonly: true });
      try {
        assert.equal(conn.prepare(`SELECT count(*) AS n FROM "user"`).get().n, 0);
        assert.equal(conn.prepare(`SELECT count(*) AS n FROM account`).get().n, 0);
      } finally {
        conn.close();
      }
      assert.deepEqual(c.errors, []);
    } finally {
      await c.context.close();
      killTree(bad.server);
    }
  });

  test("without OIDC_* set (another start of the same build) the page has no provider buttons", async () => {
    const plain = await startNext("next-no-social");
    const c = await newPage();
    try {
      await c.page.goto(`${plain.origin}/sign-in`);
      await c.page.getByRole("form", { name: "Sign in", exact: true }).waitFor({ timeout: STEP });
      assert.equal(await c.page.getByRole("region", { name: "Sign in with a provider" }).count(), 0);
      assert.equal(await c.page.getByRole("button", { name: /^Sign in with / }).count(), 0);
      assert.deepEqual(c.errors, []);
    } finally {
      await c.context.close();
      killTree(plain.server);
    }
  });

  test("no page errors or failed requests", () => {
    assert.deepEqual(ctx.errors, [], diag());
    assert.deepEqual(ctx.failed.filter((l) => l !== "GET /favicon.ico → 404"), [], diag());
  });
});

describe("Express example page (examples/express) in Chromium", { skip: skipSuites, timeout: 120_000 }, () => {
  let server;
  let origin;
  let ctx;
  const email = uniqueEmail("express");
  const name = "Ada Express";

  before(async () => {
    const { betterAuth } = require("../index.js");
    const { toNodeHandler, fromNodeHeaders } = require("../js/node.js");
    const { createApp } = require("../examples/express/app.js");
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const auth = betterAuth({
      database: path.join(tmpDir("express"), "auth.db"),
      emailAndPassword: { enabled: true },
      baseURL: origin,
      secret: SECRET,
    });
    server = http.createServer(createApp({ auth, toNodeHandler, fromNodeHeaders }));
    await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    ctx = await newPage();
  }, { timeout: 60_000 });

  after(async () => {
    await ctx?.context.close().catch(() => {});
    if (server) {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
  });

  const diag = () => `\nrequests: ${ctx.log.join(", ")}\npage errors: ${ctx.errors.join(" | ")}`;
  const signedInText = `Signed in as ${name} <${email}>`;

  async function whoami(expected) {
    const summary = ctx.page.locator("#who-summary");
    try {
      await summary.filter({ hasText: expected }).waitFor({ timeout: STEP });
    } catch {
      assert.fail(`#who-summary: expected ${JSON.stringify(expected)}, got ${JSON.stringify(await summary.textContent())}${diag()}`);
    }
  }

  async function status(formId, expected) {
    const el = ctx.page.locator(`#${formId} .status`);
    try {
      await el.filter({ hasText: expected }).waitFor({ timeout: STEP });
    } catch {
      assert.fail(`#${formId} status: expected ${JSON.stringify(expected)}, got ${JSON.stringify(await el.textContent())}${diag()}`);
    }
    return el;
  }

  async function signIn(password) {
    const { page } = ctx;
    await page.fill("#si-email", email);
    await page.fill("#si-password", password);
    await page.click('#sign-in button[type="submit"]');
  }

  async function signOut() {
    await ctx.page.click("#sign-out");
    await status("sign-in", "Signed out.");
    await whoami("Not signed in.");
    assert.equal(await authCookie(ctx.context), undefined, "session cookie cleared" + diag());
  }

  test("page loads signed out", async () => {
    await ctx.page.goto(`${origin}/`);
    await whoami("Not signed in.");
  });

  test("sign up → signed in", async () => {
    const { page } = ctx;
    await page.fill("#su-name", name);
    await page.fill("#su-email", email);
    await page.fill("#su-password", PASSWORD);
    await page.click('#sign-up button[type="submit"]');
    await status("sign-up", `Welcome, ${name}! You are signed in.`);
    await whoami(signedInText);
    const cookie = await authCookie(ctx.context);
    assert.ok(cookie?.httpOnly, "HttpOnly session cookie" + diag());
  });

  test("reload stays signed in; /api/me answers 200", async () => {
    await ctx.page.reload();
    await whoami(signedInText);
    await ctx.page.locator("#out-me").filter({ hasText: /^200\n/ }).waitFor({ timeout: STEP });
  });

  test("sign out → signed out; /api/me answers 401", async () => {
    await signOut();
    await ctx.page.locator("#out-me").filter({ hasText: /^401\n/ }).waitFor({ timeout: STEP });
  });

  test("sign in again → signed in (screenshot) → sign out", async () => {
    await signIn(PASSWORD);
    await status("sign-in", `Signed in as ${email}.`);
    await whoami(signedInText);
    await ctx.page.screenshot({ path: path.join(ARTIFACTS, "express-page.png"), fullPage: true });
    await signOut();
  });

  test("sign in with a wrong password shows the error", async () => {
    await signIn("wrong-password-123");
    const el = await status("sign-in", "Invalid email or password");
    assert.equal((await el.textContent()).trim(), "401: Invalid email or password INVALID_EMAIL_OR_PASSWORD");
    await whoami("Not signed in.");
  });

  test("no page errors; failed requests are only the signed-out /api/me and the wrong password", () => {
    assert.deepEqual(ctx.errors, [], diag());
    const failed = new Set(ctx.failed.filter((l) => l !== "GET /favicon.ico → 404"));
    assert.deepEqual([...failed].sort(), ["GET /api/me → 401", "POST /api/auth/sign-in/email → 401"], diag());
  });
});
