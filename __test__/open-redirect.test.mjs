// Open-redirect protection: every callbackURL / redirectTo style field of every endpoint, with
// hostile targets, answered exactly as better-auth answers (status and error code), and the
// Origin/CSRF check on every state-changing endpoint when a cookie is present.
import "./helpers/env.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const TARGETS = [
  "https://evil.example.com/x",
  "//evil.example.com",
  "/\\evil.example.com",
  "/%2f%2fevil.example.com",
  "/%5cevil.example.com",
  "javascript:alert(1)",
  "data:text/html,hi",
  "http://localhost:3000.evil.example.com/",
  "http://localhost:3000@evil.example.com/",
  "https://app.example.com.evil.example.com/",
  "http://localhost:3000/dashboard",
  "/dashboard?tab=1",
  "https://app.example.com/welcome",
  "https://pr-1.preview.example.com/",
  "",
];

const ENDPOINTS = [
  ["POST", "/sign-up/email", (t, n) => ({ email: `or${n}@example.com`, password: "password-123456", name: "O", callbackURL: t })],
  ["POST", "/sign-in/email", (t) => ({ email: "base@example.com", password: "password-123456", callbackURL: t })],
  ["POST", "/send-verification-email", (t) => ({ email: "base@example.com", callbackURL: t })],
  ["POST", "/request-password-reset", (t) => ({ email: "base@example.com", redirectTo: t })],
  ["GET", "/verify-email", (t) => ({ token: "bogus", callbackURL: t })],
  ["GET", "/reset-password/sometoken", (t) => ({ callbackURL: t })],
  ["GET", "/delete-user/callback", (t) => ({ token: "bogus", callbackURL: t })],
  ["POST", "/change-email", (t) => ({ newEmail: "new@example.com", callbackURL: t }), true],
  ["POST", "/delete-user", (t) => ({ callbackURL: t }), true],
];

async function setup(kind) {
  const { file, cleanup } = tempDbFile(`or-${kind}`);
  const auth = await makeAuth(kind, {
    dbFile: file,
    trustedOrigins: ["https://app.example.com", "https://*.preview.example.com"],
    emailAndPassword: { enabled: true, sendResetPassword: async () => {} },
    emailVerification: { sendVerificationEmail: async () => {} },
    user: { changeEmail: { enabled: true, updateEmailWithoutVerification: true }, deleteUser: { enabled: true, sendDeleteAccountVerification: async () => {} } },
  });
  const up = await auth.handler(new Request(`${BASE_URL}/api/auth/sign-up/email`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "base@example.com", password: "password-123456", name: "B" }),
  }));
  assert.equal(up.status, 200);
  const cookie = up.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { auth, cookie, done: () => { auth.close(); cleanup(); } };
}

async function run(kind) {
  const { auth, cookie, done } = await setup(kind);
  const out = [];
  let n = 0;
  try {
    for (const [method, path, body, needsSession] of ENDPOINTS) {
      for (const t of TARGETS) {
        n += 1;
        const headers = { origin: BASE_URL };
        if (needsSession) headers.cookie = cookie;
        let req;
        if (method === "GET") {
          const q = new URLSearchParams(body(t, n)).toString();
          req = new Request(`${BASE_URL}/api/auth${path}?${q}`, { headers });
        } else {
          req = new Request(`${BASE_URL}/api/auth${path}`, { method, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body(t, n)) });
        }
        const res = await auth.handler(req);
        const text = await res.text();
        let code = null;
        try { code = JSON.parse(text)?.code ?? null; } catch {}
        const location = res.headers.get("location");
        out.push({ endpoint: `${method} ${path}`, target: t, status: res.status, code, redirectsOffSite: !!location && /evil/.test(location) });
      }
    }
    // CSRF: a cookie-bearing state change from an untrusted or missing Origin
    for (const [path, body] of [["/sign-out", {}], ["/update-user", { name: "X" }], ["/change-password", { currentPassword: "password-123456", newPassword: "password-654321" }], ["/revoke-sessions", {}], ["/delete-user", {}]]) {
      for (const origin of ["https://evil.example.com", null, "null"]) {
        const headers = { cookie, "content-type": "application/json" };
        if (origin) headers.origin = origin;
        const res = await auth.handler(new Request(`${BASE_URL}/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(body) }));
        const j = await res.json().catch(() => null);
        out.push({ endpoint: `POST ${path} (csrf)`, target: String(origin), status: res.status, code: j?.code ?? null, redirectsOffSite: false });
      }
    }
  } finally {
    done();
  }
  return out;
}

test("hostile callback targets and cross-site state changes: same answers as better-auth, never an off-site redirect", async () => {
  const ba = await run("better-auth");
  const ours = await run("ours");
  assert.equal(ours.length, ba.length);
  const diffs = [];
  for (let i = 0; i < ba.length; i++) {
    const a = ba[i];
    const b = ours[i];
    if (a.status !== b.status || a.code !== b.code) diffs.push({ endpoint: a.endpoint, target: a.target, betterAuth: `${a.status} ${a.code}`, ours: `${b.status} ${b.code}` });
  }
  if (diffs.length) console.table(diffs);
  assert.deepEqual(diffs, []);
  assert.deepEqual(ours.filter((r) => r.redirectsOffSite), [], "no Location header ever points off-site");
  const refused = ours.filter((r) => r.status === 403).length;
  console.log(`open-redirect/CSRF matrix: ${ours.length} requests, ${refused} refused with 403, identical to better-auth`);
  // every cross-site cookie-bearing state change is refused
  for (const r of ours.filter((x) => x.endpoint.endsWith("(csrf)"))) assert.equal(r.status, 403, `${r.endpoint} from ${r.target}`);
});
