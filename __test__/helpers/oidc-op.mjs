// A real OpenID provider for the social sign-in suites: `oidc-provider` (certified) on
// 127.0.0.1, with auto-approved interactions (shared/spec/oauth.md §7.2). The account that signs
// in is chosen per flow (`op.login = "alice"`); `op.log` records every token-endpoint request
// (path, form body as sent, `authorization` header) so suites can compare what each
// implementation sent.
import http from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The test accounts (OP side). */
export const ACCOUNTS = {
  alice: { sub: "alice", email: "Alice@Example.com", email_verified: true, name: "Alice", picture: "https://img.example/alice.png" },
  bob: { sub: "bob", email: "bob@example.com", email_verified: false, name: "Bob" },
  carol: { sub: "carol", email: "carol@example.com", email_verified: true, name: "Carol" },
};

/**
 * Starts the OP. `redirectUris`: every callback URL the suites use. Clients: `ba-client`
 * (client_secret_post), `ba-basic` (client_secret_basic), both with secret `ba-secret`.
 */
export async function startOP({ redirectUris, postLogoutRedirectUris = [], conformIdTokenClaims = true } = {}) {
  // oidc-provider warns that it wants Node 22+; it works on 20 (spec §0)
  const origWarn = process.emitWarning;
  const { default: Provider } = await import("oidc-provider");
  process.emitWarning = origWarn;
  const server = http.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const issuer = `http://localhost:${port}`;
  const state = { login: "alice", log: [] };
  const provider = new Provider(issuer, {
    clients: [
      { client_id: "ba-client", client_secret: "ba-secret", redirect_uris: redirectUris, post_logout_redirect_uris: postLogoutRedirectUris, grant_types: ["authorization_code", "refresh_token"], token_endpoint_auth_method: "client_secret_post" },
      { client_id: "ba-basic", client_secret: "ba-secret", redirect_uris: redirectUris, grant_types: ["authorization_code", "refresh_token"], token_endpoint_auth_method: "client_secret_basic" },
    ],
    async findAccount(ctx, id) {
      const a = ACCOUNTS[id];
      if (!a) return undefined;
      return { accountId: id, async claims() { return { ...a } } };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "picture"] },
    scopes: ["openid", "email", "profile", "offline_access", "extra"],
    features: {
      devInteractions: { enabled: false },
      // RP-initiated logout: the confirmation page without the default's external web font
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = `<!DOCTYPE html><html><head><title>Logout Request</title></head><body><h1>Sign out of the provider?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></body></html>`;
        },
      },
    },
    pkce: { required: () => false },
    conformIdTokenClaims,
    interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
    cookies: { keys: ["k1"] },
    issueRefreshToken: async () => true,
    ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 600, AuthorizationCode: 600 },
  });
  provider.on("server_error", (ctx, err) => console.error("[op] server_error", err));
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === "/token") {
      state.log.push({ path: ctx.path, body: ctx.oidc?.body ? new URLSearchParams(ctx.oidc.body).toString() : undefined, authorization: ctx.headers.authorization, status: ctx.status });
    }
  });
  const callback = provider.callback();
  server.on("request", async (req, res) => {
    try {
      if (req.url.startsWith("/interaction/")) {
        const d = await provider.interactionDetails(req, res);
        const accountId = state.login;
        const g = new provider.Grant({ accountId, clientId: d.params.client_id });
        g.addOIDCScope(d.params.scope);
        const grantId = await g.save();
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
        return;
      }
      callback(req, res);
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  return {
    issuer,
    port,
    provider,
    get login() {
      return state.login;
    },
    set login(v) {
      state.login = v;
    },
    log: state.log,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Applies Set-Cookie headers to a jar (Map name → value). */
function store(jar, res) {
  for (const c of res.headers.getSetCookie?.() ?? []) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    const name = pair.slice(0, i);
    if (/;\s*max-age=0\b/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
    else jar.set(name, pair.slice(i + 1));
  }
}

/**
 * Follows the OP's redirects from `url` (a fresh OP cookie jar: no earlier OP session) until a
 * Location starts with `appOrigin`; returns that URL.
 */
export async function throughOP(url, appOrigin) {
  const jar = new Map();
  let next = url;
  for (let i = 0; i < 10; i++) {
    if (next.startsWith(appOrigin)) return next;
    const headers = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(next, { redirect: "manual", headers });
    store(jar, res);
    const loc = res.headers.get("location");
    if (!loc) throw new Error(`OP stopped at ${next}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    next = new URL(loc, next).toString();
  }
  throw new Error("too many OP redirects");
}
