// Parity of social sign-in through the generic OAuth plugin (shared/spec/oauth.md §2–§5, test
// plan §7): a real OpenID provider (`oidc-provider` 9.13.3, helpers/oidc-op.mjs) on localhost,
// and the same browser flows driven through `auth.handler` of the real better-auth 1.7.25 and
// of better-auth-rs, both given Better Auth's own `genericOAuth(...)` object, each on a fresh
// database per dialect (BA_RS_OAUTH_DBS=sqlite,postgres,mysql; default sqlite). Compared:
// statuses, Location (random state/nonce/challenge/code masked), Set-Cookie (name, value shape,
// attributes), JSON bodies, the state row (key order, lifetime), user/account/session rows,
// and the token-request bodies the OP received.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe, before, after } from "node:test";
import http from "node:http";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createAuthClient } from "better-auth/client";
import { IMPLS, SECRET, BASE_URL } from "./helpers/impls.mjs";
import { REFERENCE, sign } from "./helpers/observe.mjs";
import { dialectsFrom, loadImpl, openDatabase } from "./helpers/dialects.mjs";
import { API, App, maskUrl, maskCookie, maskJson, observe, listed, maskBody, stateRows, userRows, accountRows, sessionCount, story as storyOf } from "./helpers/oauth-parity.mjs";
import { startOP, throughOP } from "./helpers/oidc-op.mjs";

const require = createRequire(import.meta.url);
const { genericOAuth } = require("better-auth/plugins");

const DIALECTS = dialectsFrom(process.env.BA_RS_OAUTH_DBS || "sqlite");
const PROVIDER_IDS = ["oidc", "oidc-basic", "oidc-nopkce", "oidc-explicit", "oidc-fn", "oidc-nonce-off"];

let op;
// a misbehaving provider: `bad.token` / `bad.userinfo` choose what its endpoints answer
const bad = { token: "ok", userinfo: "ok", server: null, url: "" };
before(async () => {
  op = await startOP({ redirectUris: PROVIDER_IDS.map((id) => `${BASE_URL}${API}/callback/${id}`) });
  bad.server = http.createServer((req, res) => {
    const mode = req.url.startsWith("/token") ? bad.token : bad.userinfo;
    if (mode === "hang") return; // never answers
    if (mode === "garbage") return res.writeHead(200, { "content-type": "text/html" }).end("<html>not json</html>");
    if (mode === "error") return res.writeHead(500, { "content-type": "application/json" }).end('{"error":"server_error"}');
    if (mode === "redirect") return res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end();
    if (mode === "huge") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "at", pad: "x".repeat(2 * 1024 * 1024) }));
    if (req.url.startsWith("/token")) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "at", token_type: "Bearer", expires_in: 60 }));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "u-1", email: "bad@example.com", email_verified: true, name: "Bad" }));
  });
  await new Promise((r) => bad.server.listen(0, "127.0.0.1", r));
  bad.url = `http://127.0.0.1:${bad.server.address().port}`;
});
after(async () => {
  await op?.close();
  bad.server?.closeAllConnections?.();
  await new Promise((r) => (bad.server ? bad.server.close(r) : r()));
});
const badProvider = () => ({ providerId: "bad", authorizationUrl: `${bad.url}/authorize`, tokenUrl: `${bad.url}/token`, userInfoUrl: `${bad.url}/userinfo`, clientId: "c", clientSecret: "s" });

const discovery = () => `${op.issuer}/.well-known/openid-configuration`;
const oidc = (extra = {}) => ({ providerId: "oidc", discoveryUrl: discovery(), clientId: "ba-client", clientSecret: "ba-secret", scopes: ["email", "profile", "offline_access"], prompt: "consent", ...extra });

// ---------------------------------------------------------------------------------------------
// one implementation on one database, with the generic plugin and the OP

class OidcApp extends App {
  async configure({ config = [oidc()], ...options } = {}) {
    return super.configure({ ...options, plugins: [genericOAuth({ config })] });
  }

  /** POST /sign-in/social, then the OP, then the callback. */
  async browserSignIn(body, { login = "alice" } = {}) {
    const start = await this.req("POST", "/sign-in/social", { body });
    if (start.status !== 200) return { start };
    op.login = login;
    const logFrom = op.log.length;
    const cb = await throughOP(start.json.url, BASE_URL);
    const done = await this.req("GET", cb);
    return { start, cb, done, tokenRequests: op.log.slice(logFrom) };
  }
}

const story = (dialect, fn) => storyOf(dialect, fn, (kind, db) => new OidcApp(kind, db));

/** The official client, its requests going to `app.auth.handler` (with the jar's cookies). */
function clientFor(app, { withCookies = true } = {}) {
  return createAuthClient({
    baseURL: `${BASE_URL}${API}`,
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const req = new Request(input, init);
        const h = new Headers(req.headers);
        h.set("origin", BASE_URL);
        if (withCookies && app.cookie()) h.set("cookie", app.cookie());
        return app.auth.handler(new Request(req, { headers: h }));
      },
    },
  });
}

for (const dialect of DIALECTS) {
  describe(`social sign-in via genericOAuth (${dialect})`, () => {
    test("discovery provider: start, new user, returning user, replay (§7.4 #1–#4)", async () => {
      const runs = await story(dialect, async (app, see) => {
        await app.configure();
        const first = await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard", newUserCallbackURL: "/welcome" });
        see("start", observe(first.start));
        assert.equal(first.start.location, first.start.json.url);
        see("callback url", maskUrl(first.cb));
        see("new user", observe(first.done));
        see("token request", first.tokenRequests.map((t) => ({ body: maskBody(t.body), authorization: t.authorization ?? null, status: t.status })));
        see("users", await userRows(app));
        see("accounts", await accountRows(app));
        see("sessions", await sessionCount(app));
        see("state rows left", (await stateRows(app)).length);
        // the state row as written (before its callback)
        const started = await app.req("POST", "/sign-in/social", { body: { provider: "oidc", callbackURL: "/dashboard", errorCallbackURL: "/err", additionalData: { foo: 1, callbackURL: "evil" }, requestSignUp: true } });
        see("state row", await stateRows(app));
        // second sign-in of the same user: tokens updated, scope kept, redirect to callbackURL
        app.jar.clear();
        const again = await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard", newUserCallbackURL: "/welcome" });
        see("returning user", observe(again.done));
        see("accounts after return", await accountRows(app));
        // replay of the same callback URL
        const replay = await app.req("GET", again.cb);
        see("replay", observe(replay));
        see("list-accounts", listed(await app.req("GET", "/list-accounts")));
        void started;
      });
      // the callback of a new user signs in and lands on newUserCallbackURL
      const mine = Object.fromEntries(runs[IMPLS[0]]);
      assert.equal(mine["new user"].status, 302);
      assert.equal(mine["new user"].location, "/welcome");
      assert.equal(mine["returning user"].location, "/dashboard");
    });

    test("state and provider errors redirect with Better Auth's codes (§2.10, §3, §7.4 #5–#9)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure({ onAPIError: undefined });
        see("no state", observe(await app.req("GET", "/callback/oidc?code=abc")));
        see("unknown state", observe(await app.req("GET", "/callback/oidc?code=abc&state=" + "x".repeat(32))));
        see("repeated state", observe(await app.req("GET", "/callback/oidc?state=a&state=b")));
        const start = async (body) => {
          const r = await app.req("POST", "/sign-in/social", { body: { provider: "oidc", ...body } });
          return new URL(r.json.url).searchParams.get("state");
        };
        let s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops?x=1" });
        see("provider error", observe(await app.req("GET", `/callback/oidc?state=${s}&error=access_denied&error_description=${encodeURIComponent("User said no")}`)));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops" });
        see("no code", observe(await app.req("GET", `/callback/oidc?state=${s}`)));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops" });
        see("issuer mismatch", observe(await app.req("GET", `/callback/oidc?state=${s}&code=abc&iss=${encodeURIComponent("http://evil.example")}`)));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops" });
        see("bad code", observe(await app.req("GET", `/callback/oidc?state=${s}&code=not-a-code&iss=${encodeURIComponent(op.issuer)}`)));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "http://localhost:3000/err" });
        see("state cookie missing", observe(await app.req("GET", `/callback/oidc?state=${s}&code=abc`, { cookie: undefined })));
        see("row kept after cookie mismatch", (await stateRows(app)).some((r) => r.identifier === "auth-state:<state>"));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops" });
        const q = (n) => app.db.ident(n);
        const [row] = await app.rows("verification", `where ${q("identifier")} = ${app.db.param(1)}`, [`auth-state:${s}`]);
        const v = JSON.parse(row.value);
        v.expiresAt = Date.now() - 1000;
        await app.db.query(`update ${q("verification")} set ${q("value")} = ${app.db.param(1)} where ${q("identifier")} = ${app.db.param(2)}`, [JSON.stringify(v), `auth-state:${s}`]);
        see("expired state", observe(await app.req("GET", `/callback/oidc?state=${s}&code=abc`)));
        s = await start({ callbackURL: "/dashboard", errorCallbackURL: "/oops" });
        await app.db.query(`update ${q("verification")} set ${q("value")} = ${app.db.param(1)} where ${q("identifier")} = ${app.db.param(2)}`, ["{not json", `auth-state:${s}`]);
        see("corrupt state", observe(await app.req("GET", `/callback/oidc?state=${s}&code=abc`)));
        see("unknown provider in callback", observe(await app.req("GET", `/callback/nope?state=${await start({ callbackURL: "/d" })}&code=abc`)));
        see("users", await userRows(app));
        see("accounts", await accountRows(app));
        see("sessions", await sessionCount(app));
      });
    });

    test("implicit linking rules and sign-up rules (§4.5, §7.4 #12–#15)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        // a local, unverified user with alice's email
        see("sign-up", (await app.req("POST", "/sign-up/email", { body: { email: "alice@example.com", password: "correct-horse-battery", name: "Local Alice" } })).status);
        app.jar.clear();
        const unverified = await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard", newUserCallbackURL: "/welcome", errorCallbackURL: "/oops" });
        see("unverified local user", observe(unverified.done));
        const q = (n) => app.db.ident(n);
        await app.db.query(`update ${q("user")} set ${q("emailVerified")} = ${app.db.param(1)}`, [app.db.dialect === "sqlite" ? 1 : true]);
        app.jar.clear();
        const linked = await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard", newUserCallbackURL: "/welcome" });
        see("verified local user: implicit link", observe(linked.done));
        see("accounts", await accountRows(app));
        see("users", await userRows(app));
        see("list-accounts", listed(await app.req("GET", "/list-accounts")));

        // disableImplicitSignUp and requireEmailVerification
        await app.configure({ config: [oidc({ disableImplicitSignUp: true })] });
        app.jar.clear();
        see("implicit sign-up disabled", observe((await app.browserSignIn({ provider: "oidc", callbackURL: "/d" }, { login: "carol" })).done));
        app.jar.clear();
        see("requestSignUp", observe((await app.browserSignIn({ provider: "oidc", callbackURL: "/d", newUserCallbackURL: "/new", requestSignUp: true }, { login: "carol" })).done));
        await app.configure({ config: [oidc({ requireEmailVerification: true })] });
        app.jar.clear();
        see("unverified provider email", observe((await app.browserSignIn({ provider: "oidc", callbackURL: "/d" }, { login: "bob" })).done));
        see("users after", await userRows(app));
        see("sessions after", await sessionCount(app));
      });
    });

    test("client authentication, PKCE off, explicit URLs, nonce binding off (§4.3, §5.7, §7.4 #23–#24)", async () => {
      await story(dialect, async (app, see) => {
        const explicit = { providerId: "oidc-explicit", authorizationUrl: `${op.issuer}/auth`, tokenUrl: `${op.issuer}/token`, userInfoUrl: `${op.issuer}/me`, clientId: "ba-client", clientSecret: "ba-secret", scopes: ["openid", "email", "profile"] };
        await app.configure({
          config: [
            oidc({ providerId: "oidc-basic", clientId: "ba-basic", authentication: "basic" }),
            oidc({ providerId: "oidc-nopkce", pkce: false }),
            explicit,
            oidc({ providerId: "oidc-nonce-off", disableIdTokenNonceBinding: true }),
          ],
        });
        const basic = await app.browserSignIn({ provider: "oidc-basic", callbackURL: "/d" });
        see("basic: start", observe(basic.start));
        see("basic: done", observe(basic.done));
        see("basic: token request", basic.tokenRequests.map((t) => ({ body: maskBody(t.body), authorization: t.authorization ?? null })));
        app.jar.clear();
        const nopkce = await app.browserSignIn({ provider: "oidc-nopkce", callbackURL: "/d" }, { login: "carol" });
        see("no pkce: start", observe(nopkce.start));
        see("no pkce: done", observe(nopkce.done));
        see("no pkce: token request", nopkce.tokenRequests.map((t) => maskBody(t.body)));
        app.jar.clear();
        const ex = await app.browserSignIn({ provider: "oidc-explicit", callbackURL: "/d", errorCallbackURL: "/oops" });
        see("explicit: start", observe(ex.start));
        see("explicit, userinfo without id", observe(ex.done));
        app.jar.clear();
        const nn = await app.browserSignIn({ provider: "oidc-nonce-off", callbackURL: "/d" });
        see("nonce binding off: start", observe(nn.start));
        see("nonce binding off: done", observe(nn.done));
        see("accounts", await accountRows(app));
      });
    });

    test("getUserInfo and mapProfileToUser are called through the bridge", async () => {
      const calls = [];
      await story(dialect, async (app, see) => {
        calls.length = 0;
        await app.configure({
          user: { additionalFields: { nickname: { type: "string", required: false } } },
          config: [
            {
              providerId: "oidc-fn",
              authorizationUrl: `${op.issuer}/auth`,
              tokenUrl: `${op.issuer}/token`,
              clientId: "ba-client",
              clientSecret: "ba-secret",
              scopes: ["openid", "email"],
              async getUserInfo(tokens) {
                calls.push(["getUserInfo", typeof tokens.accessToken, Array.isArray(tokens.scopes)]);
                return { id: "custom-42", email: "Custom@Example.com", emailVerified: true, name: "Custom", custom: "x" };
              },
              mapProfileToUser(profile) {
                calls.push(["mapProfileToUser", profile.custom]);
                return { nickname: `nick-${profile.custom}`, name: "Mapped" };
              },
            },
          ],
        });
        const r = await app.browserSignIn({ provider: "oidc-fn", callbackURL: "/d" });
        see("done", observe(r.done));
        see("calls", [...calls]);
        const users = await app.rows("user");
        see("user", users.map((u) => ({ name: u.name, email: u.email, nickname: u.nickname })));
        see("accounts", await accountRows(app));
      });
    });

    test("hostile and malformed input gets Better Auth's answers, never a 500 (§2.1–§2.3, §7.4 #11, #27, #28)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        see("unknown provider", observe(await app.req("POST", "/sign-in/social", { body: { provider: "nope" } })));
        see("missing provider", observe(await app.req("POST", "/sign-in/social", { body: {} })));
        see("provider not a string", observe(await app.req("POST", "/sign-in/social", { body: { provider: 1 } })));
        see("reserved additionalParams", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc", additionalParams: { state: "x" } } })));
        see("extra additionalParams", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc", additionalParams: { foo: "b r" }, loginHint: "a@b.co", scopes: ["extra"], disableRedirect: true } })));
        const withCookie = { cookie: "x=1" };
        see("untrusted callbackURL", observe(await app.req("POST", "/sign-in/social", { ...withCookie, body: { provider: "oidc", callbackURL: "http://evil.example/x" } })));
        see("untrusted errorCallbackURL", observe(await app.req("POST", "/sign-in/social", { ...withCookie, body: { provider: "oidc", errorCallbackURL: "http://evil.example/x" } })));
        see("untrusted newUserCallbackURL", observe(await app.req("POST", "/sign-in/social", { ...withCookie, body: { provider: "oidc", newUserCallbackURL: "http://evil.example/x" } })));
        see("form body", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc" }, form: true })));
        see("form-post callback", observe(await app.req("POST", "/callback/oidc", { body: { code: "c1", state: "s1", user: '{"a":1}', other: "dropped" }, form: true, cookie: undefined })));
        see("json-post callback with query", observe(await app.req("POST", "/callback/oidc?state=q", { body: { code: "c1", state: "s1" }, cookie: undefined })));
        see("error page", observe(await app.req("GET", "/error?error=abc<x>")));
        see("error page code", observe(await app.req("GET", "/error?error=state_mismatch&error_description=d%20x")));
        await app.configure({ onAPIError: { errorURL: "/auth-error" } });
        // Better Auth's 302 from GET /error has no content-type; ours carries application/json
        // (docs/COMPATIBILITY.md), so that one header is left out of the comparison
        const { contentType: _ct, ...errorRedirect } = observe(await app.req("GET", "/error?error=state_mismatch&error_description=d%20x"));
        see("error page with errorURL", errorRedirect);
        see("no state with errorURL", observe(await app.req("GET", "/callback/oidc?code=abc")));
        see("users", await userRows(app));
      });
    });

    test("ID-token sign-in with the provider's token; wrong nonce is 401 INVALID_TOKEN (§2.2, §5.8, §7.4 #21)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        const r = await app.browserSignIn({ provider: "oidc", callbackURL: "/d" });
        const [acc] = (await app.rows("account")).filter((a) => a.providerId === "oidc");
        const nonce = JSON.parse(Buffer.from(acc.idToken.split(".")[1], "base64url").toString()).nonce;
        see("nonce in id token", typeof nonce === "string" && nonce.length === 32);
        app.jar.clear();
        see("wrong nonce", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc", idToken: { token: acc.idToken, nonce: "wrong" } } })));
        see("garbage token", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc", idToken: { token: "a.b.c" } } })));
        see("id token", observe(await app.req("POST", "/sign-in/social", { body: { provider: "oidc", idToken: { token: acc.idToken, nonce } } })));
        see("sessions", await sessionCount(app));
        void r;
      });
    });

    test("a misbehaving provider (bad JSON, errors, redirects) gives the error redirect, no rows (§4.1)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure({ config: [badProvider()] });
        const attempt = async (token, userinfo) => {
          bad.token = token;
          bad.userinfo = userinfo;
          app.jar.clear();
          const start = await app.req("POST", "/sign-in/social", { body: { provider: "bad", callbackURL: "/d", errorCallbackURL: "/oops" } });
          const state = new URL(start.json.url).searchParams.get("state");
          return observe(await app.req("GET", `/callback/bad?state=${state}&code=abc`));
        };
        see("token garbage", await attempt("garbage", "ok"));
        see("token 500", await attempt("error", "ok"));
        see("token redirect", await attempt("redirect", "ok"));
        see("userinfo garbage", await attempt("ok", "garbage"));
        see("userinfo 500", await attempt("ok", "error"));
        see("users", await userRows(app));
        see("works when it behaves", await attempt("ok", "ok"));
        bad.token = bad.userinfo = "ok";
      });
    });

    test("ours: a hung or oversized provider answer fails within the time limit, never a hung request", { skip: !IMPLS.includes("ours") }, async () => {
      const db = await openDatabase(dialect, "oauth");
      try {
        const app = await new OidcApp("ours", db).configure({ config: [badProvider()] });
        for (const [token, userinfo, code] of [
          ["huge", "ok", "invalid_code"],
          ["ok", "huge", "unable_to_get_user_info"],
          ["hang", "ok", "invalid_code"],
        ]) {
          bad.token = token;
          bad.userinfo = userinfo;
          app.jar.clear();
          const start = await app.req("POST", "/sign-in/social", { body: { provider: "bad", callbackURL: "/d", errorCallbackURL: "/oops" } });
          const state = new URL(start.json.url).searchParams.get("state");
          const t0 = Date.now();
          const r = await app.req("GET", `/callback/bad?state=${state}&code=abc`);
          assert.equal(r.status, 302, `${token}/${userinfo}`);
          assert.equal(r.location, `/oops?error=${code}`, `${token}/${userinfo}`);
          assert.ok(Date.now() - t0 < 15000, "answered within the 10 s limit");
        }
        assert.equal((await app.rows("user")).length, 0);
      } finally {
        bad.token = bad.userinfo = "ok";
        await db.cleanup();
      }
    });

    test("ours: the genericOAuth descriptor of better-auth-rs/plugins signs in too", { skip: !IMPLS.includes("ours") }, async () => {
      const { betterAuth } = require("../index.js");
      const ours = require("../js/plugins.js");
      const db = await openDatabase(dialect, "oauth");
      try {
        const app = new OidcApp("ours", db);
        const m = await loadImpl("ours");
        const opts = { secret: SECRET, baseURL: BASE_URL, logger: { disabled: true }, database: db.forAuth("ours"), plugins: [ours.genericOAuth({ config: [oidc()] })] };
        app.auth = betterAuth(opts);
        await m.migrate(opts, app.auth);
        const r = await app.browserSignIn({ provider: "oidc", callbackURL: "/d", newUserCallbackURL: "/welcome" });
        assert.equal(r.done.status, 302);
        assert.equal(r.done.location, "/welcome");
        assert.deepEqual((await accountRows(app)).map((a) => [a.providerId, a.accountId, a.scope]), [["oidc", "alice", "openid,email,profile,offline_access"]]);
      } finally {
        await db.cleanup();
      }
    });

    test("account endpoints: list, get-access-token (with refresh), refresh-token, account-info, unlink (§2.5–§2.9, §7.4 #22)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        see("no session: get-access-token", observe(await app.req("POST", "/get-access-token", { body: { accountId: "x" } })));
        see("no session: unlink", observe(await app.req("POST", "/unlink-account", { body: { accountId: "x" } })));
        see("no session: account-info", observe(await app.req("GET", "/account-info?accountId=x")));
        await app.browserSignIn({ provider: "oidc", callbackURL: "/d" });
        const [acc] = (await app.rows("account")).filter((a) => a.providerId === "oidc");
        const id = String(acc.id);
        see("get-access-token", observe(await app.req("POST", "/get-access-token", { body: { accountId: id } })));
        see("by providerId", observe(await app.req("POST", "/get-access-token", { body: { providerId: "oidc" } })));
        see("extra key", observe(await app.req("POST", "/get-access-token", { body: { accountId: id, extra: 1 } })));
        see("unknown account", observe(await app.req("POST", "/get-access-token", { body: { accountId: "nope" } })));
        see("cookie selection without the cookie", observe(await app.req("POST", "/get-access-token", { body: { useAccountCookie: true } })));
        const q = (n) => app.db.ident(n);
        const past = new Date(Date.now() - 60_000);
        await app.db.query(`update ${q("account")} set ${q("accessTokenExpiresAt")} = ${app.db.param(1)} where ${q("providerId")} = ${app.db.param(2)}`, [app.db.dialect === "sqlite" ? past.toISOString() : past, "oidc"]);
        let from = op.log.length;
        see("expired: refreshed", observe(await app.req("POST", "/get-access-token", { body: { accountId: id } })));
        see("refresh request", op.log.slice(from).map((t) => maskBody(t.body)));
        see("accounts after refresh", await accountRows(app));
        from = op.log.length;
        see("refresh-token", observe(await app.req("POST", "/refresh-token", { body: { accountId: id } })));
        see("refresh-token request", op.log.slice(from).map((t) => maskBody(t.body)));
        see("refresh-token unknown", observe(await app.req("POST", "/refresh-token", { body: { accountId: "nope" } })));
        see("account-info", observe(await app.req("GET", `/account-info?accountId=${encodeURIComponent(id)}`)));
        see("account-info cookie flag", observe(await app.req("GET", "/account-info?useAccountCookie=true")));
        see("unlink the last account", observe(await app.req("POST", "/unlink-account", { body: { accountId: "bogus" } })));
        see("unlink without accountId", observe(await app.req("POST", "/unlink-account", { body: {} })));
        // a second account (a password), then unlink the OAuth one
        const password = await app.req("POST", "/sign-up/email", { body: { email: "second@example.com", password: "correct-horse-battery", name: "x" }, keepJar: false });
        void password;
        const [user] = await app.rows("user", `where ${q("email")} = ${app.db.param(1)}`, ["alice@example.com"]);
        const now = new Date();
        const nowVal = app.db.dialect === "sqlite" ? now.toISOString() : now;
        await app.db.query(
          `insert into ${q("account")} (${q("id")}, ${q("accountId")}, ${q("providerId")}, ${q("userId")}, ${q("password")}, ${q("createdAt")}, ${q("updatedAt")}) values (${[1, 2, 3, 4, 5, 6, 7].map((i) => app.db.param(i)).join(", ")})`,
          ["credacc0123456789abcdefghijklmno", String(user.id), "credential", user.id, "x", nowVal, nowVal],
        );
        see("unlink unknown", observe(await app.req("POST", "/unlink-account", { body: { accountId: "bogus" } })));
        see("unlink", observe(await app.req("POST", "/unlink-account", { body: { accountId: id } })));
        see("accounts after unlink", await accountRows(app));
        see("list-accounts", listed(await app.req("GET", "/list-accounts")));
      });
    });

    test("link-social: without a session, linking, unverified provider email, different email (§2.4, §4.6, §7.4 #19–#20)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        see("no session", observe(await app.req("POST", "/link-social", { body: { provider: "oidc", callbackURL: "/linked" } })));
        see("sign-up carol", (await app.req("POST", "/sign-up/email", { body: { email: "carol@example.com", password: "correct-horse-battery", name: "Carol" } })).status);
        see("unknown provider", observe(await app.req("POST", "/link-social", { body: { provider: "nope" } })));
        const start = await app.req("POST", "/link-social", { body: { provider: "oidc", callbackURL: "/linked", errorCallbackURL: "/lerr" } });
        see("link start", observe(start));
        see("link state row", await stateRows(app));
        op.login = "carol";
        const cb = await throughOP(start.json.url, BASE_URL);
        see("link callback", observe(await app.req("GET", cb)));
        see("accounts", await accountRows(app));
        see("sessions", await sessionCount(app));
        // the idToken variant with carol's own token: the linked account is updated
        const [carolAcc] = (await app.rows("account")).filter((a) => a.providerId === "oidc");
        const carolIdToken = carolAcc.idToken;
        const carolNonce = JSON.parse(Buffer.from(carolIdToken.split(".")[1], "base64url").toString()).nonce;
        see("id token: wrong nonce", observe(await app.req("POST", "/link-social", { body: { provider: "oidc", idToken: { token: carolIdToken, nonce: "wrong" } } })));
        see("id token: same user", observe(await app.req("POST", "/link-social", { body: { provider: "oidc", idToken: { token: carolIdToken, nonce: carolNonce, accessToken: "at-from-client" } } })));
        see("accounts after id token", await accountRows(app));
        // the OP signs in another person: the emails differ
        const other = await app.req("POST", "/link-social", { body: { provider: "oidc", callbackURL: "/linked", errorCallbackURL: "/lerr" } });
        op.login = "alice";
        see("different email", observe(await app.req("GET", await throughOP(other.json.url, BASE_URL))));
        // bob's provider email is unverified and the provider is not trusted
        app.jar.clear();
        see("sign-up bob", (await app.req("POST", "/sign-up/email", { body: { email: "bob@example.com", password: "correct-horse-battery", name: "Bob" } })).status);
        const b = await app.req("POST", "/link-social", { body: { provider: "oidc", callbackURL: "/linked", errorCallbackURL: "/lerr" } });
        op.login = "bob";
        see("unverified provider email", observe(await app.req("GET", await throughOP(b.json.url, BASE_URL))));
        see("id token: linked to another user", observe(await app.req("POST", "/link-social", { body: { provider: "oidc", idToken: { token: carolIdToken, nonce: carolNonce } } })));
        see("accounts after", await accountRows(app));
      });
    });

    test("a provider mocked at globalThis.fetch (the msw / MockAgent seam) is reached by both", async () => {
      const seen = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (!url.startsWith("https://provider.test/")) return realFetch(input, init);
        const path = new URL(url).pathname;
        seen.push([path, init?.method ?? "GET", typeof init?.body === "string" ? maskBody(init.body) : init?.body ? maskBody(String(init.body)) : null]);
        if (path === "/token") return Response.json({ access_token: "mock-at", token_type: "Bearer", expires_in: 120, scope: "read write" });
        if (path === "/userinfo") return Response.json({ id: 777, email: "Mocked@Example.com", email_verified: "true", name: "Mocked", picture: "https://img.test/m.png" });
        return new Response("not found", { status: 404 });
      };
      try {
        await story(dialect, async (app, see) => {
          seen.length = 0;
          await app.configure({ config: [{ providerId: "mocked", authorizationUrl: "https://provider.test/authorize", tokenUrl: "https://provider.test/token", userInfoUrl: "https://provider.test/userinfo", clientId: "mc", clientSecret: "ms" }] });
          const start = await app.req("POST", "/sign-in/social", { body: { provider: "mocked", callbackURL: "/d" } });
          see("start", observe(start));
          const state = new URL(start.json.url).searchParams.get("state");
          see("callback", observe(await app.req("GET", `/callback/mocked?code=c-1&state=${state}`)));
          see("requests", [...seen]);
          see("users", await userRows(app));
          see("accounts", await accountRows(app));
        });
      } finally {
        globalThis.fetch = realFetch;
      }
    });

    test("sign-out after a discovery provider's sign-in: RP-initiated logout at the end-session endpoint (§5.7, §7.4 #26)", async () => {
      const runs = await story(dialect, async (app, see) => {
        await app.configure({ config: [oidc({ postLogoutRedirectURI: "/bye" })] });
        await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard" });
        const mask = (r) => ({ ...observe(r), location: r.location?.replace(/id_token_hint=[^&]+/, "id_token_hint=<jwt>"), body: r.json && { ...r.json, url: r.json.url?.replace(/id_token_hint=[^&]+/, "id_token_hint=<jwt>") } });
        see("sign-out", mask(await app.req("POST", "/sign-out", { body: { state: "s-1" } })));
        app.jar.clear();
        await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard" });
        see("sign-out, callbackURL, no redirect", mask(await app.req("POST", "/sign-out", { body: { callbackURL: "/after", disableRedirect: true } })));
        see("sign-out without a session", mask(await app.req("POST", "/sign-out", { body: {} })));
        // disableProviderLogout
        await app.configure({ config: [oidc({ disableProviderLogout: true })] });
        app.jar.clear();
        await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard" });
        see("provider logout disabled", mask(await app.req("POST", "/sign-out", { body: {} })));
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine["sign-out"].status, 200);
      assert.equal(mine["sign-out"].body.redirect, true);
      assert.match(mine["sign-out"].body.url, /\/session\/end\?id_token_hint=<jwt>&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fbye&client_id=ba-client&state=s-1$/);
      assert.equal(mine["sign-out"].location, mine["sign-out"].body.url);
      assert.equal(mine["provider logout disabled"].body.url, undefined);
      assert.ok(!mine["provider logout disabled"].location);
    });

    test("skipStateCookieCheck lets a callback without the state cookie through (§7.4 #10)", async () => {
      await story(dialect, async (app, see) => {
        await app.configure({ account: { skipStateCookieCheck: true } });
        const start = await app.req("POST", "/sign-in/social", { body: { provider: "oidc", callbackURL: "/d" } });
        op.login = "alice";
        const cb = await throughOP(start.json.url, BASE_URL);
        see("callback without cookie", observe(await app.req("GET", cb, { cookie: undefined })));
      });
    });

    test("the official client: signIn.social returns the provider URL", async () => {
      await story(dialect, async (app, see) => {
        await app.configure();
        const client = clientFor(app, { withCookies: false });
        const res = await client.signIn.social({ provider: "oidc", callbackURL: "/dashboard", disableRedirect: true });
        see("client", { error: res.error, data: maskJson(res.data) });
        const bad = await client.signIn.social({ provider: "nope" });
        see("client unknown provider", { error: bad.error && { status: bad.error.status, code: bad.error.code, message: bad.error.message }, data: bad.data });
      });
    });

    test("the official client after a social sign-in: listAccounts, accountInfo, getAccessToken, linkSocial, unlinkAccount", async () => {
      const runs = await story(dialect, async (app, see) => {
        await app.configure({ account: { accountLinking: { allowUnlinkingAll: true } } });
        await app.browserSignIn({ provider: "oidc", callbackURL: "/dashboard" });
        const client = clientFor(app);
        const shape = (r) => ({ error: r.error && { status: r.error.status, code: r.error.code }, data: maskJson(r.data) });
        const list = await client.listAccounts();
        see("listAccounts", shape(list));
        const accountId = list.data?.[0]?.id;
        see("accountInfo", shape(await client.accountInfo({ query: { accountId } })));
        see("getAccessToken", shape(await client.getAccessToken({ accountId })));
        see("linkSocial", shape(await client.linkSocial({ provider: "oidc", callbackURL: "/linked", disableRedirect: true })));
        see("unlinkAccount by provider id (1.7 wants the row id)", shape(await client.unlinkAccount({ providerId: "oidc" })));
        see("unlinkAccount", shape(await client.unlinkAccount({ accountId })));
        see("listAccounts after", shape(await client.listAccounts()));
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine.listAccounts.data.length, 1);
      assert.equal(mine.accountInfo.data.user.email, "Alice@Example.com");
      assert.equal(mine.getAccessToken.data.accessToken, "<token>");
      assert.match(mine.linkSocial.data.url, /^http:\/\/localhost:\d+\/auth\?/);
      assert.deepEqual(mine.unlinkAccount.data, { status: true });
      assert.deepEqual(mine["listAccounts after"].data, []);
    });
  });
}
