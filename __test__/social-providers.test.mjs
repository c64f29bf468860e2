// Parity of Better Auth's built-in social providers (shared/spec/oauth.md §5.1–§5.6): google,
// github, discord, microsoft, apple and gitlab, configured as `socialProviders` exactly as
// Better Auth users write them, on the real better-auth 1.7.25 and on better-auth-rs.
//
// Their token, userinfo and key-set URLs are fixed in both packages; both send them through
// `globalThis.fetch`, so this suite installs a fetch wrapper that rewrites those hosts to one
// provider-shaped local server (the seam Better Auth's own tests use: they intercept fetch).
// The server answers as each provider does (RS256 ID tokens from a local key, GitHub's
// `/user/emails`, Discord's avatars, the Graph photo, GitLab's account state) and records every
// request, so token-request bodies and profile-request headers are compared too.
// Dialects: BA_RS_OAUTH_DBS=sqlite,postgres,mysql (default sqlite).
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe, before, after } from "node:test";
import http from "node:http";
import crypto from "node:crypto";
import assert from "node:assert/strict";
import { BASE_URL, SECRET } from "./helpers/impls.mjs";
import { dialectsFrom, loadImpl } from "./helpers/dialects.mjs";
import { API, observe, maskBody, userRows, accountRows, sessionCount, story } from "./helpers/oauth-parity.mjs";

const DIALECTS = dialectsFrom(process.env.BA_RS_OAUTH_DBS || "sqlite");

// ---------------------------------------------------------------------------------------------
// the provider-shaped server and the fetch seam

const HOSTS = ["accounts.google.com", "oauth2.googleapis.com", "www.googleapis.com", "github.com", "api.github.com", "discord.com", "login.microsoftonline.com", "graph.microsoft.com", "appleid.apple.com", "gitlab.com"];
const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const KID = "test-key-1";
const JWKS = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: KID, alg: "RS256", use: "sig" }] };
const b64url = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
/** An RS256 JWT signed with the local key. */
function jwt(claims, { kid = KID } = {}) {
  const head = b64url({ alg: "RS256", kid, typ: "JWT" });
  const body = b64url(claims);
  const sig = crypto.sign("sha256", Buffer.from(`${head}.${body}`), privateKey).toString("base64url");
  return `${head}.${body}.${sig}`;
}
const now = () => Math.floor(Date.now() / 1000);
const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
const MS_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** What the providers answer; tests change it and restore it with `reset()`. */
const sim = {};
function reset() {
  Object.assign(sim, {
    googleHd: undefined,
    githubTokenError: false,
    githubPrimaryOnly: false,
    gitlabState: "active",
    msOid: "00000000-0000-0000-66f3-3332eca7ea81",
    userinfoMode: "ok",
    log: [],
  });
}
reset();

function idTokenFor(host, extra = {}) {
  const base = { iat: now(), exp: now() + 3600, ...extra };
  if (host === "oauth2.googleapis.com")
    return jwt({ iss: "https://accounts.google.com", aud: "gid", sub: "g-123", email: "gina@example.com", email_verified: true, name: "Gina", picture: "https://lh3.example/gina.png", ...(sim.googleHd ? { hd: sim.googleHd } : {}), ...base });
  if (host === "login.microsoftonline.com" || host === "ms")
    return jwt({ iss: `https://login.microsoftonline.com/${MS_TENANT}/v2.0`, aud: "mid", sub: "ms-sub", tid: MS_TENANT, ...(sim.msOid ? { oid: sim.msOid } : {}), email: "mia@example.com", name: "Mia", ...base });
  if (host === "appleid.apple.com") return jwt({ iss: "https://appleid.apple.com", aud: "aid", sub: "000123.apple", email: "abe@privaterelay.appleid.com", email_verified: "true", ...base });
  return undefined;
}

function answer(res, status, body, type = "application/json") {
  res.writeHead(status, { "content-type": type }).end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

function serve(req, res, body) {
  const url = new URL(req.url, "http://x");
  const [, , host, ...rest] = decodeURIComponent(url.pathname).split("/");
  const path = "/" + rest.join("/");
  const token = (extra = {}) => ({ access_token: `at-${host}`, token_type: "Bearer", expires_in: 3599, refresh_token: `rt-${host}`, ...extra });
  // token endpoints
  if (req.method === "POST") {
    if (host === "oauth2.googleapis.com" && path === "/token") return answer(res, 200, token({ scope: "openid https://www.googleapis.com/auth/userinfo.email", id_token: idTokenFor(host) }));
    if (host === "github.com" && path === "/login/oauth/access_token") return answer(res, 200, sim.githubTokenError ? { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." } : { access_token: "gho_test", token_type: "bearer", scope: "read:user,user:email" });
    if (host === "discord.com" && path === "/api/oauth2/token") return answer(res, 200, token({ scope: "identify email" }));
    if ((host === "login.microsoftonline.com" || host === "ms") && path.endsWith("/oauth2/v2.0/token")) return answer(res, 200, token({ scope: "openid profile email User.Read", id_token: idTokenFor(host) }));
    if (host === "appleid.apple.com" && path === "/auth/token") return answer(res, 200, token({ id_token: idTokenFor(host) }));
    if ((host === "gitlab.com" || host === "gl") && path.endsWith("/oauth/token")) return answer(res, 200, token({ scope: "read_user", created_at: now() }));
    return answer(res, 404, { error: "not_found" });
  }
  // key sets
  if (path === "/oauth2/v3/certs" || path === "/auth/keys" || path.endsWith("/discovery/v2.0/keys")) return answer(res, 200, JWKS);
  if (sim.userinfoMode === "garbage") return answer(res, 200, "<html>not json</html>", "text/html");
  if (sim.userinfoMode === "error") return answer(res, 500, { message: "down" });
  if (host === "api.github.com" && path === "/user") return answer(res, 200, { login: "octocat", id: 4242, avatar_url: "https://avatars.example/u/4242", name: null, email: sim.githubPrimaryOnly ? null : "octo@public.example" });
  if (host === "api.github.com" && path === "/user/emails")
    return answer(res, 200, [
      { email: "octo@secondary.example", primary: false, verified: false },
      { email: "octo@github.example", primary: true, verified: true },
    ]);
  if (host === "discord.com" && path === "/api/users/@me") return answer(res, 200, { id: "80351110224678912", username: "nelly", global_name: null, discriminator: "0", avatar: null, email: "nelly@discord.example", verified: true });
  if (host === "graph.microsoft.com") return answer(res, 200, PHOTO, "image/jpeg");
  if ((host === "gitlab.com" || host === "gl") && path.endsWith("/api/v4/user")) return answer(res, 200, { id: 4242, username: "gitty", name: "Git Lab", state: sim.gitlabState, locked: false, email: "gitty@gitlab.example", avatar_url: "https://gitlab.example/avatar.png" });
  return answer(res, 404, { error: "not_found" });
}

let server;
let origin;
const realFetch = globalThis.fetch;
before(async () => {
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const url = new URL(req.url, "http://x");
      const [, , host, ...rest] = url.pathname.split("/");
      sim.log.push({ method: req.method, host, path: "/" + rest.join("/"), body, authorization: req.headers.authorization ?? null, userAgent: req.headers["user-agent"] ?? null, accept: req.headers.accept ?? null });
      serve(req, res, body);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
  // the seam: provider hosts go to the local server, under /h/<host>
  globalThis.fetch = (input, init) => {
    const u = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url);
    if (HOSTS.includes(u.host)) return realFetch(`${origin}/h/${u.host}${u.pathname}${u.search}`, init);
    return realFetch(input, init);
  };
});
after(async () => {
  globalThis.fetch = realFetch;
  server?.closeAllConnections?.();
  await new Promise((r) => (server ? server.close(r) : r()));
});

// ---------------------------------------------------------------------------------------------
// the flows

const CLIENTS = {
  google: { clientId: "gid", clientSecret: "gsecret" },
  github: { clientId: "ghid", clientSecret: "ghsecret" },
  discord: { clientId: "did", clientSecret: "dsecret" },
  microsoft: { clientId: "mid", clientSecret: "msecret" },
  apple: { clientId: "aid", clientSecret: "apple-client-secret-jwt" },
  gitlab: { clientId: "glid", clientSecret: "glsecret" },
};

/** The requests the providers received since `from`, as compared (code/verifier masked). */
function providerRequests(from) {
  return sim.log.slice(from).filter((r) => !/certs|keys$/.test(r.path)).map((r) => ({ ...r, body: r.body ? maskBody(r.body) : "" }));
}

/** POST /sign-in/social, the provider's redirect back (form_post for Apple), the callback. */
async function signIn(app, provider, { body = {}, code = "the-code", user } = {}) {
  const start = await app.req("POST", "/sign-in/social", { body: { provider, callbackURL: "/dashboard", newUserCallbackURL: "/welcome", ...body } });
  if (start.status !== 200) return { start };
  const state = new URL(start.json.url).searchParams.get("state");
  const from = sim.log.length;
  let post;
  let cbPath = `/callback/${provider}?${new URLSearchParams({ code, state })}`;
  if (provider === "apple") {
    post = await app.req("POST", `/callback/apple`, { body: { code, state, ...(user ? { user: JSON.stringify(user) } : {}) }, form: true, headers: { origin: "https://appleid.apple.com" } });
    assert.equal(post.status, 302, `form_post: ${post.status} ${post.text}`);
    cbPath = post.location.slice(post.location.indexOf(API) + API.length);
  }
  const done = await app.req("GET", cbPath);
  return { start, post, done, requests: providerRequests(from) };
}

const social = (id, extra = {}) => ({ [id]: { ...CLIENTS[id], ...extra } });

for (const dialect of DIALECTS) {
  describe(`built-in social providers (${dialect})`, () => {
    for (const id of ["google", "github", "discord", "microsoft", "apple", "gitlab"]) {
      test(`${id}: authorization URL, new user, returning user, account row, provider requests (§5)`, async () => {
        const runs = await story(dialect, async (app, see) => {
          reset();
          // Apple posts the callback from its own origin: Better Auth's guide has apps trust it
          await app.configure({ socialProviders: social(id), ...(id === "apple" ? { trustedOrigins: [BASE_URL, "https://appleid.apple.com"] } : {}) });
          if (id === "apple") {
            const st = await app.req("POST", "/sign-in/social", { body: { provider: "apple", callbackURL: "/d" }, keepJar: false });
            const state = new URL(st.json.url).searchParams.get("state");
            see("form_post from an untrusted origin", observe(await app.req("POST", "/callback/apple", { body: { code: "c", state }, form: true, headers: { origin: "https://evil.example" } })));
          }
          const first = await signIn(app, id, { user: { name: { firstName: "Abe", lastName: "Lincoln" }, email: "abe@privaterelay.appleid.com" } });
          see("start", observe(first.start));
          if (first.post) see("form_post", observe(first.post));
          see("new user", observe(first.done));
          see("provider requests", first.requests);
          see("users", await userRows(app));
          see("accounts", await accountRows(app));
          app.jar.clear();
          const again = await signIn(app, id);
          see("returning user", observe(again.done));
          see("users after return", await userRows(app));
          see("sessions", await sessionCount(app));
          see("list-accounts", observe(await app.req("GET", "/list-accounts")));
        });
        const mine = Object.fromEntries(runs.ours ?? Object.values(runs)[0]);
        assert.equal(mine["new user"].status, 302);
        assert.equal(mine["new user"].location, "/welcome");
        assert.equal(mine["returning user"].location, "/dashboard");
        assert.equal(mine.accounts.filter((a) => a.providerId === id).length, 1);
      });
    }

    test("google: hd restriction, include_granted_scopes off, extra scope, accessType, prompt (§5.1)", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("google", { hd: "corp.example", includeGrantedScopes: false, scope: ["https://www.googleapis.com/auth/drive.file"], accessType: "offline", prompt: "select_account consent", display: "popup" }) });
        const r = await signIn(app, "google", { body: { scopes: ["extra"], loginHint: "g@corp.example" } });
        see("start", observe(r.start));
        see("wrong hd", observe(r.done));
        sim.googleHd = "corp.example";
        const ok = await signIn(app, "google");
        see("right hd", observe(ok.done));
        see("users", await userRows(app));
      });
    });

    test("github: primary e-mail when the profile has none; a token answer with `error` is invalid_code (§5.2)", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("github") });
        sim.githubTokenError = true;
        const bad = await signIn(app, "github");
        see("token error", observe(bad.done));
        see("no user", await userRows(app));
        sim.githubTokenError = false;
        sim.githubPrimaryOnly = true;
        const ok = await signIn(app, "github");
        see("primary email", observe(ok.done));
        see("users", await userRows(app));
      });
    });

    test("microsoft: via `authority` (all endpoints move), refresh sends the scopes, no oid refused (§5.4)", async () => {
      const runs = await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("microsoft", { authority: `${origin}/h/ms/`, tenantId: MS_TENANT, scope: ["Mail.Read"] }) });
        const r = await signIn(app, "microsoft");
        see("start", observe(r.start));
        see("done", observe(r.done));
        see("requests", r.requests);
        see("accounts", await accountRows(app));
        const from = sim.log.length;
        const [msRow] = await app.rows("account");
        const refreshed = await app.req("POST", "/refresh-token", { body: { accountId: msRow.id } });
        see("refresh", observe(refreshed));
        see("refresh request", providerRequests(from));
        app.jar.clear();
        sim.msOid = undefined;
        const noOid = await signIn(app, "microsoft");
        see("no oid", observe(noOid.done));
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine.refresh.status, 200);
      assert.match(mine["refresh request"][0].body, /^grant_type=refresh_token&refresh_token=<rt>&scope=openid\+profile\+email\+User\.Read\+offline_access\+Mail\.Read&client_id=mid&client_secret=msecret$/);
      assert.equal(mine["no oid"].location, `${BASE_URL}${API}/error?error=unable_to_get_user_info`);
    });

    test("gitlab: via `issuer`; a blocked account gets no user (§5.6)", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("gitlab", { issuer: `${origin}/h/gl//` }) });
        sim.gitlabState = "blocked";
        const blocked = await signIn(app, "gitlab");
        see("start", observe(blocked.start));
        see("blocked", observe(blocked.done));
        see("requests", blocked.requests);
        see("no user", await userRows(app));
        sim.gitlabState = "active";
        const ok = await signIn(app, "gitlab");
        see("active", observe(ok.done));
      });
    });

    test("discord: bot scope with permissions, no PKCE, prompt none (§5.3)", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("discord", { permissions: 2048, scope: ["guilds"] }) });
        see("bot", observe(await app.req("POST", "/sign-in/social", { body: { provider: "discord", scopes: ["bot"], callbackURL: "/d" } })));
        see("no bot", observe(await app.req("POST", "/sign-in/social", { body: { provider: "discord", callbackURL: "/d" } })));
      });
    });

    test("ID-token sign-in: google, apple (hashed nonce), microsoft; bad audience, expired, wrong nonce, unsupported (§5.8)", async () => {
      const sha = (s) => crypto.createHash("sha256").update(s).digest("hex");
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: { ...social("google"), ...social("apple"), ...social("microsoft"), ...social("github") } });
        const idt = (provider, token, extra = {}) => app.req("POST", "/sign-in/social", { body: { provider, idToken: { token, ...extra } } });
        see("google", observe(await idt("google", idTokenFor("oauth2.googleapis.com"))));
        see("google wrong aud", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { aud: "someone-else" }))));
        see("google expired", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { iat: now() - 7200, exp: now() - 3600 }))));
        see("google too old", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { iat: now() - 7200, exp: now() + 3600 }))));
        see("google wrong issuer", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { iss: "https://evil.example" }))));
        see("google unknown kid", observe(await idt("google", jwt({ iss: "https://accounts.google.com", aud: "gid", sub: "x", email: "x@example.com", iat: now(), exp: now() + 60 }, { kid: "nope" }))));
        see("google nonce ok", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { nonce: "n-1" }), { nonce: "n-1" })));
        see("google nonce wrong", observe(await idt("google", idTokenFor("oauth2.googleapis.com", { nonce: "n-1" }), { nonce: "n-2" })));
        see("apple hashed nonce", observe(await idt("apple", idTokenFor("appleid.apple.com", { nonce: sha("raw-nonce") }), { nonce: "raw-nonce", user: { name: { firstName: "Abe", lastName: "L" } } })));
        see("microsoft", observe(await idt("microsoft", idTokenFor("login.microsoftonline.com"))));
        see("microsoft forged tenant", observe(await idt("microsoft", idTokenFor("login.microsoftonline.com", { iss: "https://login.microsoftonline.com/other/v2.0" }))));
        see("github", observe(await idt("github", "a.b.c")));
        see("users", await userRows(app));
        see("accounts", await accountRows(app));
      });
    });

    test("provider profile endpoint down or not JSON: unable_to_get_user_info, nothing written", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: { ...social("github"), ...social("discord") } });
        sim.userinfoMode = "error";
        see("github error", observe((await signIn(app, "github")).done));
        see("discord error", observe((await signIn(app, "discord")).done));
        // a 200 that is not JSON: Better Auth's provider code assigns to the string it got and
        // throws (a 500); ours answers the documented redirect (docs/COMPATIBILITY.md)
        sim.userinfoMode = "garbage";
        for (const id of ["github", "discord"]) {
          const r = observe((await signIn(app, id)).done);
          if (app.kind === "ours") see(`${id} garbage`, r.status === 302 ? r.location : r);
          else {
            assert.equal(r.status, 500, `${id}: Better Auth's answer changed; compare again`);
            see(`${id} garbage`, `${BASE_URL}${API}/error?error=unable_to_get_user_info`);
          }
        }
        see("no user", await userRows(app));
        see("no account", await accountRows(app));
      });
    });

    test("mapProfileToUser and getUserInfo as JS functions; disableIdTokenSignIn; verifyIdToken (§1.1)", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({
          socialProviders: {
            github: { ...CLIENTS.github, mapProfileToUser: (p) => ({ name: `gh:${p.login}`, image: null }) },
            gitlab: { ...CLIENTS.gitlab, getUserInfo: async (t) => ({ user: { id: "fixed-1", email: "fn@example.com", name: `via ${t.accessToken}`, emailVerified: true }, data: { id: "fixed-1" } }) },
            google: { ...CLIENTS.google, disableIdTokenSignIn: true },
            apple: { ...CLIENTS.apple, verifyIdToken: async (token, nonce) => token === "opaque-but-trusted" || nonce === "yes" },
          },
        });
        see("mapped", observe((await signIn(app, "github")).done));
        app.jar.clear();
        see("getUserInfo", observe((await signIn(app, "gitlab")).done));
        see("users", await userRows(app));
        see("accounts", await accountRows(app));
        see("google disabled", observe(await app.req("POST", "/sign-in/social", { body: { provider: "google", idToken: { token: idTokenFor("oauth2.googleapis.com") } } })));
        see("apple verify false", observe(await app.req("POST", "/sign-in/social", { body: { provider: "apple", idToken: { token: idTokenFor("appleid.apple.com") } } })));
        see("apple verify true", observe(await app.req("POST", "/sign-in/social", { body: { provider: "apple", idToken: { token: idTokenFor("appleid.apple.com"), nonce: "yes" } } })));
      });
    });

    test("account.encryptOAuthTokens: access and refresh tokens stored as Better Auth encrypts them, id token plain; get-access-token answers plaintext (§3.6, §7.4 #18)", async () => {
      const { symmetricDecrypt, symmetricEncrypt } = await import("better-auth/crypto");
      const runs = await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("google"), account: { encryptOAuthTokens: true } });
        see("sign-in", observe((await signIn(app, "google")).done));
        const [row] = await app.rows("account");
        const sel = { accountId: row.id };
        see("stored", { accessToken: /^[0-9a-f]+$/.test(row.accessToken) && row.accessToken.length % 2 === 0, refreshToken: /^[0-9a-f]+$/.test(row.refreshToken), idToken: row.idToken.split(".").length });
        // either package reads what the other wrote
        see("decrypts with better-auth/crypto", await symmetricDecrypt({ key: SECRET, data: row.accessToken }));
        const written = await symmetricEncrypt({ key: SECRET, data: "at-written-by-better-auth" });
        await app.db.query(`update ${app.db.ident("account")} set ${app.db.ident("accessToken")} = ${app.db.param(1)}`, [written]);
        see("get-access-token", observe(await app.req("POST", "/get-access-token", { body: sel })));
        const plain = await app.req("POST", "/get-access-token", { body: sel });
        see("plaintext", plain.json.accessToken);
        // a token stored before encryption was turned on is read as it is
        await app.db.query(`update ${app.db.ident("account")} set ${app.db.ident("accessToken")} = ${app.db.param(1)}`, ["legacy-plain.token"]);
        see("legacy", (await app.req("POST", "/get-access-token", { body: sel })).json.accessToken);
        // refreshed tokens are stored encrypted too
        const from = sim.log.length;
        const refreshed = await app.req("POST", "/refresh-token", { body: sel });
        see("refresh", observe(refreshed));
        see("refresh request", providerRequests(from));
        const [after] = await app.rows("account");
        see("refreshed stored", [await symmetricDecrypt({ key: SECRET, data: after.accessToken }), await symmetricDecrypt({ key: SECRET, data: after.refreshToken })]);
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine.plaintext, "at-written-by-better-auth");
      assert.equal(mine.legacy, "legacy-plain.token");
      assert.deepEqual(mine["refreshed stored"], ["at-oauth2.googleapis.com", "rt-oauth2.googleapis.com"]);
    });

    test('account.storeStateStrategy "cookie": the encrypted oauth_state cookie, no row; one flow per browser; tampering (§3.4, §7.4 #16–#17)', async () => {
      const runs = await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("github"), account: { storeStateStrategy: "cookie" } });
        const first = await app.req("POST", "/sign-in/social", { body: { provider: "github", callbackURL: "/d", errorCallbackURL: "/first-error" } });
        see("start", observe(first));
        const sealed = app.jar.get("better-auth.oauth_state");
        see("cookie is hex", /^[0-9a-f]+$/.test(sealed ?? "") && sealed.length % 2 === 0);
        see("verification rows", (await app.rows("verification")).length);
        const stateOf = (r) => new URL(r.json.url).searchParams.get("state");
        // a second sign-in in the same browser replaces the cookie: the first flow's callback fails
        const second = await app.req("POST", "/sign-in/social", { body: { provider: "github", callbackURL: "/d2", errorCallbackURL: "/second-error" } });
        see("first flow's callback", observe(await app.req("GET", `/callback/github?code=c&state=${stateOf(first)}`, { keepJar: false })));
        // tampered and missing cookies
        const jar = app.cookie();
        see("tampered", observe(await app.req("GET", `/callback/github?code=c&state=${stateOf(second)}`, { cookie: jar.replace(/oauth_state=[0-9a-f]{10}/, "oauth_state=0000000000"), keepJar: false })));
        see("missing", observe(await app.req("GET", `/callback/github?code=c&state=${stateOf(second)}`, { cookie: "x=1", keepJar: false })));
        const done = await app.req("GET", `/callback/github?code=c&state=${stateOf(second)}`);
        see("second flow", observe(done));
        see("users", await userRows(app));
        see("replay", observe(await app.req("GET", `/callback/github?code=c&state=${stateOf(second)}`)));
        see("sign-out", observe(await app.req("POST", "/sign-out", { body: {} })));
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine["verification rows"], 0);
      assert.equal(mine["cookie is hex"], true);
      assert.equal(mine["second flow"].location, "/d2");
      assert.ok(mine["sign-out"].cookies.some(([name, , attrs]) => name === "better-auth.oauth_state" && attrs.startsWith("Max-Age=0")));
    });

    test("account.storeAccountCookie: the account_data cookie after sign-in, re-sent with the cache, read by useAccountCookie, expired by sign-out (§4.8, §2.7)", async () => {
      const { symmetricDecodeJWT } = await import("better-auth/crypto");
      const decoded = async (setCookies) => {
        const c = setCookies.find((x) => x.startsWith("better-auth.account_data="));
        if (!c) return null;
        const v = decodeURIComponent(c.slice(c.indexOf("=") + 1, c.indexOf(";")));
        const claims = await symmetricDecodeJWT(v, SECRET, "better-auth-account");
        if (!claims) return "<undecodable>";
        const { iat, exp, jti, ...account } = claims;
        return { ...Object.fromEntries(Object.entries(account).map(([k, x]) => [k, /Token$/.test(k) && x ? "<token>" : /At$/.test(k) && x ? "<date>" : k === "id" || k === "userId" ? "<id>" : x])), lifetime: exp - iat, jti: typeof jti };
      };
      const runs = await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: social("github"), account: { storeAccountCookie: true }, session: { cookieCache: { enabled: true, maxAge: 120 } } });
        const first = await signIn(app, "github");
        see("callback", observe(first.done));
        see("cookie order", first.done.setCookies.map((c) => c.slice(0, c.indexOf("="))));
        see("account cookie", await decoded(first.done.setCookies));
        see("by cookie", observe(await app.req("POST", "/get-access-token", { body: { useAccountCookie: true } })));
        const session = await app.req("GET", "/get-session?disableCookieCache=true");
        see("get-session re-sends it", await decoded(session.setCookies));
        see("refresh by cookie", observe(await app.req("POST", "/refresh-token", { body: { useAccountCookie: true } })));
        const out = await app.req("POST", "/sign-out", { body: {} });
        see("sign-out", observe(out));
        see("by cookie after sign-out", observe(await app.req("POST", "/get-access-token", { body: { useAccountCookie: true } })));
      });
      const mine = Object.fromEntries(Object.values(runs)[0]);
      assert.equal(mine["by cookie"].status, 200);
      assert.equal(mine["account cookie"].providerId, "github");
      assert.ok(mine["sign-out"].cookies.some(([name, , attrs]) => name === "better-auth.account_data" && attrs.startsWith("Max-Age=0")));
    });

    test("missing client secret: Google and Apple refuse to start a flow; unknown provider id is 404", async () => {
      await story(dialect, async (app, see) => {
        reset();
        await app.configure({ socialProviders: { google: { clientId: "gid" }, apple: { clientId: "aid" }, microsoft: { clientId: "mid" } } });
        see("google", (await app.req("POST", "/sign-in/social", { body: { provider: "google", callbackURL: "/d" } })).status);
        see("apple", (await app.req("POST", "/sign-in/social", { body: { provider: "apple", callbackURL: "/d" } })).status);
        see("microsoft", observe(await app.req("POST", "/sign-in/social", { body: { provider: "microsoft", callbackURL: "/d" } })));
        see("unknown", observe(await app.req("POST", "/sign-in/social", { body: { provider: "facebook", callbackURL: "/d" } })));
      });
    });
  });
}

describe("socialProviders options that are not served stop the start", () => {
  const base = { secret: "x".repeat(40), baseURL: BASE_URL, database: ":memory:", logger: { disabled: true } };
  test("an unserved built-in, an unknown name, an unknown option, a function option", async () => {
    const { betterAuth } = await loadImpl("ours");
    assert.throws(() => betterAuth({ ...base, socialProviders: { facebook: CLIENTS.google } }), /does not serve the social provider "facebook"/);
    assert.throws(() => betterAuth({ ...base, socialProviders: { myidp: CLIENTS.google } }), /Unknown social provider "myidp"/);
    assert.throws(() => betterAuth({ ...base, socialProviders: { google: { ...CLIENTS.google, tokenEndpointAuth: { method: "private_key_jwt" } } } }), /socialProviders\.google\.tokenEndpointAuth/);
    assert.throws(() => betterAuth({ ...base, socialProviders: { microsoft: { clientId: "mid", clientAssertion: async () => "jwt" } } }), /socialProviders\.microsoft\.clientAssertion/);
    assert.throws(() => betterAuth({ ...base, socialProviders: { google: async () => CLIENTS.google } }), /returns a promise/);
  });

  test("a provider given as a function, and `enabled: false`, as Better Auth reads them", async () => {
    const { betterAuth } = await loadImpl("ours");
    const auth = betterAuth({ ...base, socialProviders: { google: () => CLIENTS.google, github: { ...CLIENTS.github, enabled: false } } });
    const call = (provider) => auth.handler(new Request(`${BASE_URL}${API}/sign-in/social`, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL }, body: JSON.stringify({ provider, callbackURL: "/d" }) }));
    const g = await call("google");
    assert.equal(g.status, 200);
    assert.match((await g.json()).url, /^https:\/\/accounts\.google\.com\/o\/oauth2\/v2\/auth\?response_type=code&client_id=gid&/);
    const gh = await call("github");
    assert.equal(gh.status, 404);
    assert.equal((await gh.json()).code, "PROVIDER_NOT_FOUND");
  });
});

