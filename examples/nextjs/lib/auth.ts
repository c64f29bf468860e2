import path from "node:path";
import { betterAuth } from "better-auth-rs";
import { nextCookies } from "better-auth-rs/next-js";
import { admin, genericOAuth } from "better-auth-rs/plugins"; // was: from "better-auth/plugins"
import { twoFactor } from "better-auth-rs/plugins/two-factor"; // was: from "better-auth/plugins"
import { magicLink } from "better-auth-rs/plugins/magic-link"; // was: from "better-auth/plugins"
import { sendMail } from "./dev-mailer";

// ADMIN_EMAILS=a@x.com,b@y.com: those users get the "admin" role when they sign up (the first
// admin; after that, admins change roles on /admin).
const adminEmails = new Set(
  (process.env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean),
);

// Social sign-in: a provider is on when its client id is set (GOOGLE_CLIENT_ID, GITHUB_CLIENT_ID,
// OIDC_CLIENT_ID with OIDC_DISCOVERY_URL); register <BETTER_AUTH_URL>/api/auth/callback/<id> as
// the redirect URI at the provider (id: google, github, oidc).
const env = process.env;

/** The "Sign in with …" buttons on /sign-in: the configured providers' ids and names, no secrets. */
export const signInProviders: { id: string; name: string }[] = [
  env.GOOGLE_CLIENT_ID ? { id: "google", name: "Google" } : null,
  env.GITHUB_CLIENT_ID ? { id: "github", name: "GitHub" } : null,
  env.OIDC_CLIENT_ID && env.OIDC_DISCOVERY_URL ? { id: "oidc", name: env.OIDC_NAME || "OpenID Connect" } : null,
].filter((p): p is { id: string; name: string } => p !== null);

// BETTER_AUTH_SECRET (32+ random characters) must be set for `next build` and `next start`,
// as with better-auth: the production default secret is refused.
export const auth = betterAuth({
  appName: "better-auth-rs example", // the TOTP issuer shown by authenticator apps
  // An SQLite file; the schema is created on first use.
  database: process.env.AUTH_DB ?? path.join(process.cwd(), "auth.db"),
  baseURL: process.env.BETTER_AUTH_URL ?? "http://localhost:3000",
  emailAndPassword: { enabled: true },
  // as in Better Auth's docs; each only when its client id is set
  socialProviders: {
    ...(env.GOOGLE_CLIENT_ID
      ? {
          google: {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET as string,
          },
        }
      : {}),
    ...(env.GITHUB_CLIENT_ID
      ? {
          github: {
            clientId: env.GITHUB_CLIENT_ID,
            clientSecret: env.GITHUB_CLIENT_SECRET as string,
          },
        }
      : {}),
  },
  session: {
    expiresIn: 60 * 60 * 24 * 7, // 7 days
    updateAge: 60 * 60 * 24, // refreshed at most once a day
  },
  databaseHooks: {
    user: {
      create: {
        // runs after the admin plugin's own hook (which writes the default role "user")
        before: async (user) => (adminEmails.has(user.email) ? { data: { ...user, role: "admin" } } : undefined),
      },
    },
  },
  plugins: [
    // /api/auth/admin/* (list users, set role, ban...; app/admin/page.tsx), user.role and
    // user.banned columns, banned users refused at sign-in (403 BANNED_USER)
    admin(),
    // /api/auth/two-factor/*: enable from the dashboard (TOTP URI + backup codes), then sign-in
    // answers { twoFactorRedirect: true } and the client goes to /two-factor for the code
    twoFactor(),
    // /api/auth/sign-in/magic-link and /api/auth/magic-link/verify: the link is mailed through
    // the dev mailer (lib/dev-mailer.ts; captured mails on /dev/mail)
    magicLink({
      sendMagicLink: async ({ email, url }) => {
        await sendMail({
          to: email,
          subject: "Your sign-in link",
          text: `Sign in to the better-auth-rs example: ${url}\nThe link works once, for 5 minutes.`,
          url,
        });
      },
    }),
    // any OpenID Connect provider (Keycloak, Auth0, Okta, ...) found by its discovery document;
    // it signs in through the same /sign-in/social and /callback/oidc as the built-in providers
    ...(env.OIDC_CLIENT_ID && env.OIDC_DISCOVERY_URL
      ? [
          genericOAuth({
            config: [
              {
                providerId: "oidc",
                discoveryUrl: env.OIDC_DISCOVERY_URL,
                clientId: env.OIDC_CLIENT_ID,
                clientSecret: env.OIDC_CLIENT_SECRET,
                scopes: ["openid", "email", "profile"],
                // sign-out also ends the provider's session (RP-initiated logout), which then
                // sends the browser back here: register <BETTER_AUTH_URL>/sign-in at the provider
                postLogoutRedirectURI: "/sign-in",
              },
            ],
          }),
        ]
      : []),
    // auth.api calls in server actions (app/actions.ts) set their cookies through next/headers
    nextCookies(), // make sure this is the last plugin in the array
  ],
});
