// Session management and account endpoints, side by side with real better-auth 1.7:
// list-sessions (fresh rule), revoke-session(s), revoke-other-sessions, update-user,
// change-password, verify-password, setPassword (server only), list-accounts.
import "./helpers/env.mjs";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { IMPLS, makeAuth, tempDbFile, BASE_URL } from "./helpers/impls.mjs";

const API = BASE_URL + "/api/auth";
const ORIGIN = { origin: BASE_URL };
const PW = "correct-horse-battery";

function client(auth) {
  let jar = new Map();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split("; ");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      if (attrs.includes("Max-Age=0")) jar.delete(name);
      else jar.set(name, pair.slice(i + 1));
    }
    return res;
  };
  const send = async (method, path, body) => {
    const headers = { ...ORIGIN };
    if (jar.size) headers.cookie = cookie();
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = keep(await auth.handler(new Request(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookies: res.headers.getSetCookie() };
  };
  return { send, cookie, get jar() { return jar; }, set jar(j) { jar = j; }, headers: () => ({ cookie: cookie() }) };
}

async function run(kind) {
  const db = tempDbFile(`life-${kind}`);
  const auth = await makeAuth(kind, { dbFile: db.file });
  try {
    return await sequence(auth, kind);
  } finally {
    auth.close();
    db.cleanup();
  }
}

async function sequence(auth, kind) {
  const out = [];
  const rec = (label, r) => out.push([label, r.status, r.body === undefined ? undefined : (r.body?.code ?? (Array.isArray(r.body) ? `array(${r.body.length})` : Object.keys(r.body ?? {}).sort().join(",")))]);
  const a = client(auth);
  const b = client(auth);
  rec("sign-up", await a.send("POST", "/sign-up/email", { name: "Ada", email: "ada@example.com", password: PW }));
  rec("sign-in 2nd device", await b.send("POST", "/sign-in/email", { email: "ada@example.com", password: PW }));
  rec("list-sessions", await a.send("GET", "/list-sessions"));
  rec("update-user no fields", await a.send("POST", "/update-user", {}));
  rec("update-user email", await a.send("POST", "/update-user", { email: "x@example.com" }));
  rec("update-user name", await a.send("POST", "/update-user", { name: "Ada L." }));
  const s = await a.send("GET", "/get-session");
  assert.equal(s.body.user.name, "Ada L.", kind);
  rec("verify-password wrong", await a.send("POST", "/verify-password", { password: "nope-nope-nope" }));
  rec("verify-password ok", await a.send("POST", "/verify-password", { password: PW }));
  rec("change-password wrong current", await a.send("POST", "/change-password", { currentPassword: "wrong-wrong", newPassword: "new-password-1" }));
  rec("change-password short", await a.send("POST", "/change-password", { currentPassword: PW, newPassword: "short" }));
  rec("change-password missing", await a.send("POST", "/change-password", { newPassword: "new-password-1" }));
  rec("change-password revoke", await a.send("POST", "/change-password", { currentPassword: PW, newPassword: "new-password-1", revokeOtherSessions: true }));
  rec("2nd device after revoke", await b.send("GET", "/list-sessions"));
  rec("sign-in old password", await b.send("POST", "/sign-in/email", { email: "ada@example.com", password: PW }));
  rec("sign-in new password", await b.send("POST", "/sign-in/email", { email: "ada@example.com", password: "new-password-1" }));
  const sessions = (await a.send("GET", "/list-sessions")).body;
  assert.equal(sessions.length, 2, kind);
  const bToken = sessions.find((x) => !a.cookie().includes(x.token)).token;
  rec("revoke-session other", await a.send("POST", "/revoke-session", { token: bToken }));
  rec("revoke-session missing token", await a.send("POST", "/revoke-session", {}));
  rec("2nd device revoked", await b.send("GET", "/list-sessions"));
  await b.send("POST", "/sign-in/email", { email: "ada@example.com", password: "new-password-1" });
  rec("revoke-other-sessions", await a.send("POST", "/revoke-other-sessions", {}));
  rec("2nd device gone", await b.send("GET", "/get-session"));
  rec("list-accounts", await a.send("GET", "/list-accounts"));
  const accounts = (await a.send("GET", "/list-accounts")).body;
  assert.deepEqual(Object.keys(accounts[0]).sort(), ["accountId", "createdAt", "id", "providerId", "scopes", "updatedAt", "userId"].sort().filter((k) => k in accounts[0]), kind);
  assert.equal(accounts[0].providerId, "credential");
  assert.equal("password" in accounts[0], false);
  // server-only setPassword: 404 over HTTP, PASSWORD_ALREADY_SET through auth.api
  rec("set-password over http", await a.send("POST", "/set-password", { newPassword: "another-pass-1" }));
  await assert.rejects(auth.api.setPassword({ body: { newPassword: "another-pass-1" }, headers: a.headers() }), (e) => e.body?.code === "PASSWORD_ALREADY_SET");
  rec("revoke-sessions", await a.send("POST", "/revoke-sessions", {}));
  rec("after revoke-sessions", await a.send("GET", "/list-sessions"));
  rec("unauthenticated update-user", await client(auth).send("POST", "/update-user", { name: "x" }));
  return out;
}

describe("account and session lifecycle", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`sequence on ${kind}`, async () => {
      results[kind] = await run(kind);
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs answers every step as better-auth does (status, code / keys)", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0, "both sequences ran");
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});

async function resetSequence(kind) {
  const db = tempDbFile(`reset-${kind}`);
  const mail = [];
  const resets = [];
  const auth = await makeAuth(kind, {
    dbFile: db.file,
    emailAndPassword: {
      sendResetPassword: async ({ user, url, token }, request) => {
        await new Promise((r) => setTimeout(r, 5)); // awaited, as in Better Auth
        mail.push({ email: user.email, url, token, createdAtIsDate: user.createdAt instanceof Date, hasRequest: request instanceof Request });
      },
      onPasswordReset: async ({ user }) => { resets.push(user.email); },
    },
  });
  try {
    const out = [];
    const a = client(auth);
    const rec = (label, r, extra) => out.push([label, r.status, r.body?.code ?? r.body?.message ?? null, extra ?? null]);
    await a.send("POST", "/sign-up/email", { name: "Ada", email: "ada@example.com", password: PW });
    rec("unknown email", await a.send("POST", "/request-password-reset", { email: "nobody@example.com", redirectTo: "/reset" }));
    assert.equal(mail.length, 0);
    rec("untrusted redirectTo", await a.send("POST", "/request-password-reset", { email: "ada@example.com", redirectTo: "https://evil.example/x" }));
    rec("invalid email", await a.send("POST", "/request-password-reset", { email: "nope" }));
    rec("known email", await a.send("POST", "/request-password-reset", { email: "ADA@example.com", redirectTo: "/reset" }));
    assert.equal(mail.length, 1, kind);
    const m = mail[0];
    assert.equal(m.email, "ada@example.com");
    assert.ok(m.createdAtIsDate, "user dates are Dates in the callback");
    assert.ok(m.hasRequest, "the request is passed");
    assert.match(m.token, /^[A-Za-z0-9]{24}$/);
    assert.equal(m.url, `${BASE_URL}/api/auth/reset-password/${m.token}?callbackURL=%2Freset`);
    const link = await auth.handler(new Request(m.url));
    rec("open link", { status: link.status }, link.headers.get("location")?.replace(m.token, "<token>"));
    const bad = await auth.handler(new Request(`${API}/reset-password/not-a-token?callbackURL=%2Freset`));
    rec("bad link", { status: bad.status }, bad.headers.get("location"));
    const noCb = await auth.handler(new Request(`${API}/reset-password/${m.token}`));
    rec("link without callbackURL", { status: noCb.status, body: JSON.parse((await noCb.text()) || "null") });
    rec("reset short", await a.send("POST", "/reset-password", { token: m.token, newPassword: "short" }));
    rec("reset no token", await a.send("POST", "/reset-password", { newPassword: "brand-new-pass-1" }));
    rec("reset ok", await a.send("POST", "/reset-password", { token: m.token, newPassword: "brand-new-pass-1" }));
    assert.deepEqual(resets, ["ada@example.com"]);
    rec("reset reused", await a.send("POST", "/reset-password", { token: m.token, newPassword: "brand-new-pass-2" }));
    rec("old password", await client(auth).send("POST", "/sign-in/email", { email: "ada@example.com", password: PW }));
    rec("new password", await client(auth).send("POST", "/sign-in/email", { email: "ada@example.com", password: "brand-new-pass-1" }));
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("password reset", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`reset flow on ${kind}`, async () => {
      results[kind] = await resetSequence(kind);
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs answers every step of the reset flow as better-auth does", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0, "both sequences ran");
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});

async function verificationSequence(kind) {
  const db = tempDbFile(`verify-${kind}`);
  const mail = [];
  const after = [];
  const auth = await makeAuth(kind, {
    dbFile: db.file,
    emailAndPassword: { requireEmailVerification: true },
    emailVerification: {
      sendOnSignIn: true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url, token }) => { mail.push({ email: user.email, url, token }); },
      afterEmailVerification: async (user) => { after.push([user.email, user.emailVerified]); },
    },
  });
  try {
    const out = [];
    const rec = (label, r, extra) => out.push([label, r.status, r.body?.code ?? (r.body === undefined ? undefined : JSON.stringify(Object.keys(r.body ?? {}))), extra ?? null]);
    const a = client(auth);
    rec("sign-up", await a.send("POST", "/sign-up/email", { name: "Ada", email: "ada@example.com", password: PW, callbackURL: "/welcome" }));
    assert.equal(mail.length, 1, `${kind}: mailed on sign-up`);
    assert.equal(a.jar.size, 0, "no session before verification");
    const m = mail[0];
    assert.ok(m.url.startsWith(`${BASE_URL}/api/auth/verify-email?token=${m.token}&callbackURL=%2Fwelcome`), m.url);
    const [, payload] = m.token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    assert.deepEqual(Object.keys(claims).sort(), ["email", "exp", "iat", "userId"]);
    assert.equal(claims.exp - claims.iat, 3600);
    rec("sign-in unverified", await a.send("POST", "/sign-in/email", { email: "ada@example.com", password: PW }));
    assert.equal(mail.length, 2, "sendOnSignIn mails again");
    rec("send without session", await client(auth).send("POST", "/send-verification-email", { email: "nobody@example.com" }));
    const bad = await auth.handler(new Request(`${API}/verify-email?token=garbage&callbackURL=%2Fwelcome`));
    rec("bad token (redirect)", { status: bad.status }, bad.headers.get("location"));
    rec("bad token (json)", await a.send("GET", "/verify-email?token=garbage"));
    const ok = await auth.handler(new Request(m.url));
    rec("verify", { status: ok.status }, [ok.headers.get("location"), ok.headers.getSetCookie().map((c) => c.split("=")[0])]);
    assert.deepEqual(after, [["ada@example.com", true]]);
    const cookie = ok.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const s = await auth.api.getSession({ headers: { cookie } });
    assert.equal(s.user.emailVerified, true, kind);
    const again = await auth.handler(new Request(m.url.replace("callbackURL=%2Fwelcome", "callbackURL=")));
    rec("verify again (json)", { status: again.status, body: await again.json() });
    rec("sign-in verified", await client(auth).send("POST", "/sign-in/email", { email: "ada@example.com", password: PW }));
    const c2 = client(auth);
    await c2.send("POST", "/sign-in/email", { email: "ada@example.com", password: PW });
    rec("send when verified", await c2.send("POST", "/send-verification-email", { email: "ada@example.com" }));
    rec("send other email", await c2.send("POST", "/send-verification-email", { email: "eve@example.com" }));
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("email verification", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`verification flow on ${kind}`, async () => {
      results[kind] = await verificationSequence(kind);
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs answers every step of the verification flow as better-auth does", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0, "both sequences ran");
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});

async function bearerSequence(kind) {
  const db = tempDbFile(`bearer-${kind}`);
  const plugin = kind === "ours" ? (await import("../js/plugins.js")).default.bearer() : (await import("better-auth/plugins")).bearer();
  const auth = await makeAuth(kind, { dbFile: db.file, plugins: [plugin] });
  try {
    const out = [];
    const post = (p, body, headers = {}) => auth.handler(new Request(API + p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
    const get = (p, headers = {}) => auth.handler(new Request(API + p, { headers }));
    const up = await post("/sign-up/email", { name: "B", email: "b@example.com", password: PW });
    const tok = up.headers.get("set-auth-token");
    out.push(["sign-up set-auth-token", up.status, /^[A-Za-z0-9]{32}\.[A-Za-z0-9+/]{43}=$/.test(tok), up.headers.get("access-control-expose-headers")]);
    const raw = tok.split(".")[0];
    for (const [label, h] of [
      ["signed", `Bearer ${tok}`],
      ["signed, encoded", `Bearer ${encodeURIComponent(tok)}`],
      ["raw", `Bearer ${raw}`],
      ["lower-case scheme", `bearer ${raw}`],
      ["tampered", `Bearer ${tok.slice(0, -5)}AAAA=`],
      ["wrong scheme", `Basic ${raw}`],
      ["empty", "Bearer "],
    ]) {
      const r = await get("/get-session", { authorization: h });
      const body = await r.json();
      out.push([label, r.status, body === null ? null : body.user.email]);
    }
    const s = await auth.api.getSession({ headers: { authorization: `Bearer ${raw}` } });
    out.push(["auth.api.getSession with bearer", s?.user.email ?? null]);
    // a bearer request carries no cookie, so no origin check: sign-out works from a server
    const so = await post("/sign-out", {}, { authorization: `Bearer ${tok}` });
    out.push(["sign-out with bearer", so.status]);
    const after = await (await get("/get-session", { authorization: `Bearer ${tok}` })).json();
    out.push(["after sign-out", after]);
    const si = await post("/sign-in/email", { email: "b@example.com", password: PW });
    out.push(["sign-in set-auth-token", !!si.headers.get("set-auth-token"), si.headers.get("set-auth-token")?.split(".")[0] === (await si.json()).token]);
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("bearer() plugin", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`bearer tokens on ${kind}`, async () => {
      results[kind] = await bearerSequence(kind);
      assert.equal(results[kind][0][2], true, "set-auth-token is token.signature");
      assert.equal(results[kind][1][2], "b@example.com");
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs treats bearer tokens as better-auth does", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0, "both sequences ran");
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});

async function deleteSequence(kind) {
  const out = [];
  // disabled (default): 404 with an empty body, after authentication
  {
    const db = tempDbFile(`del0-${kind}`);
    const auth = await makeAuth(kind, { dbFile: db.file });
    try {
      const a = client(auth);
      out.push(["unauthenticated", (await a.send("POST", "/delete-user", {})).status]);
      await a.send("POST", "/sign-up/email", { name: "D", email: "d@example.com", password: PW });
      const r = await a.send("POST", "/delete-user", {});
      out.push(["disabled", r.status, r.body ?? null]);
    } finally {
      auth.close();
      db.cleanup();
    }
  }
  const db = tempDbFile(`del-${kind}`);
  const mails = [];
  const events = [];
  const auth = await makeAuth(kind, {
    dbFile: db.file,
    user: {
      deleteUser: {
        enabled: true,
        sendDeleteAccountVerification: async ({ user, url, token }) => { mails.push({ email: user.email, url, token }); },
        beforeDelete: async (user) => { events.push(["before", user.email]); },
        afterDelete: async (user) => { events.push(["after", user.email]); },
      },
    },
  });
  try {
    const a = client(auth);
    await a.send("POST", "/sign-up/email", { name: "D", email: "d@example.com", password: PW });
    const wrong = await a.send("POST", "/delete-user", { password: "not-my-password" });
    out.push(["wrong password", wrong.status, wrong.body?.code]);
    const sent = await a.send("POST", "/delete-user", { callbackURL: "/bye" });
    out.push(["verification sent", sent.status, sent.body]);
    assert.equal(mails.length, 1, kind);
    assert.match(mails[0].token, /^[0-9a-z]{32}$/);
    assert.equal(mails[0].url, `${BASE_URL}/api/auth/delete-user/callback?token=${mails[0].token}&callbackURL=%2Fbye`);
    const badTok = await a.send("GET", "/delete-user/callback?token=nope");
    out.push(["bad token", badTok.status, badTok.body?.code]);
    const noSession = await client(auth).send("GET", `/delete-user/callback?token=${mails[0].token}`);
    out.push(["callback without session", noSession.status, noSession.body?.code]);
    const res = await auth.handler(new Request(mails[0].url, { headers: { cookie: a.cookie() } }));
    out.push(["callback", res.status, res.headers.get("location"), res.headers.getSetCookie().length > 0]);
    assert.deepEqual(events, [["before", "d@example.com"], ["after", "d@example.com"]]);
    out.push(["user gone", (await client(auth).send("POST", "/sign-in/email", { email: "d@example.com", password: PW })).status]);
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("delete-user", () => {
  const results = {};
  for (const kind of IMPLS) {
    test(`delete flows on ${kind}`, async () => {
      results[kind] = await deleteSequence(kind);
    });
  }
  if (IMPLS.length > 1) {
    test("better-auth-rs answers every step of the delete flow as better-auth does", () => {
      assert.ok(results.ours?.length > 0 && results["better-auth"]?.length > 0, "both sequences ran");
      assert.deepEqual(results.ours, results["better-auth"]);
    });
  }
});

async function changeEmailSequence(kind, confirm) {
  const db = tempDbFile(`chg-${kind}`);
  const mails = [];
  const auth = await makeAuth(kind, {
    dbFile: db.file,
    emailVerification: {
      sendOnSignUp: true,
      sendVerificationEmail: async ({ user, url, token }) => { mails.push({ kind: "verify", to: user.email, url, token }); },
    },
    user: {
      changeEmail: {
        enabled: true,
        updateEmailWithoutVerification: true,
        ...(confirm ? { sendChangeEmailConfirmation: async ({ user, newEmail, url }) => { mails.push({ kind: "confirm", to: user.email, newEmail, url }); } } : {}),
      },
    },
  });
  try {
    const out = [];
    const a = client(auth);
    const rec = (label, r) => out.push([label, r.status, r.body?.code ?? r.body?.message ?? r.body?.status ?? null]);
    await a.send("POST", "/sign-up/email", { name: "C", email: "c@example.com", password: PW });
    await client(auth).send("POST", "/sign-up/email", { name: "T", email: "taken@example.com", password: PW });
    rec("same email", await a.send("POST", "/change-email", { newEmail: "C@example.com" }));
    rec("invalid email", await a.send("POST", "/change-email", { newEmail: "nope" }));
    rec("taken email", await a.send("POST", "/change-email", { newEmail: "taken@example.com" }));
    // unverified: changed at once, verification mailed to the new address
    mails.length = 0;
    rec("unverified change", await a.send("POST", "/change-email", { newEmail: "c2@example.com" }));
    out.push(["mails after unverified change", mails.map((m) => [m.kind, m.to])]);
    out.push(["email now", (await a.send("GET", "/get-session")).body.user.email]);
    // verify c2, then change again as a verified user
    const v = await auth.handler(new Request(mails[0].url, { headers: { cookie: a.cookie() } }));
    out.push(["verify c2", v.status]);
    out.push(["verified", (await a.send("GET", "/get-session")).body.user.emailVerified]);
    mails.length = 0;
    rec("verified change", await a.send("POST", "/change-email", { newEmail: "c3@example.com", callbackURL: "/done" }));
    out.push(["mails", mails.map((m) => [m.kind, m.to, m.newEmail ?? null])]);
    let step = mails[0];
    const r1 = await auth.handler(new Request(step.url, { headers: { cookie: a.cookie() } }));
    out.push(["open first link", r1.status, r1.headers.get("location")]);
    if (confirm) {
      out.push(["mails after confirmation", mails.map((m) => [m.kind, m.to])]);
      const r2 = await auth.handler(new Request(mails[1].url, { headers: { cookie: a.cookie() } }));
      out.push(["open verification link", r2.status, r2.headers.get("location")]);
    }
    const s = (await a.send("GET", "/get-session")).body;
    out.push(["final", s.user.email, s.user.emailVerified]);
    return out;
  } finally {
    auth.close();
    db.cleanup();
  }
}

describe("change-email", () => {
  const results = {};
  for (const confirm of [false, true]) {
    for (const kind of IMPLS) {
      test(`change-email on ${kind}${confirm ? " with confirmation" : ""}`, async () => {
        results[`${kind}-${confirm}`] = await changeEmailSequence(kind, confirm);
      });
    }
    if (IMPLS.length > 1) {
      test(`better-auth-rs changes emails as better-auth does${confirm ? " (with confirmation)" : ""}`, () => {
        assert.ok(results[`ours-${confirm}`]?.length > 0 && results[`better-auth-${confirm}`]?.length > 0, "both sequences ran");
        assert.deepEqual(results[`ours-${confirm}`], results[`better-auth-${confirm}`]);
      });
    }
  }
  test("disabled by default: 400 CHANGE_EMAIL_DISABLED", async () => {
    for (const kind of IMPLS) {
      const db = tempDbFile(`chg0-${kind}`);
      const auth = await makeAuth(kind, { dbFile: db.file });
      try {
        const a = client(auth);
        await a.send("POST", "/sign-up/email", { name: "C", email: "c@example.com", password: PW });
        const r = await a.send("POST", "/change-email", { newEmail: "x@example.com" });
        assert.deepEqual([r.status, r.body.code], [400, "CHANGE_EMAIL_DISABLED"], kind);
      } finally {
        auth.close();
        db.cleanup();
      }
    }
  });
});
