import path from "node:path";
import { betterAuth } from "better-auth-rs";
import { nextCookies } from "better-auth-rs/next-js";

// BETTER_AUTH_SECRET (32+ random characters) must be set for `next build` and `next start`,
// as with better-auth: the production default secret is refused.
export const auth = betterAuth({
  // An SQLite file; the schema is created on first use.
  database: process.env.AUTH_DB ?? path.join(process.cwd(), "auth.db"),
  baseURL: process.env.BETTER_AUTH_URL ?? "http://localhost:3000",
  emailAndPassword: { enabled: true },
  session: {
    expiresIn: 60 * 60 * 24 * 7, // 7 days
    updateAge: 60 * 60 * 24, // refreshed at most once a day
  },
  // auth.api calls in server actions (app/actions.ts) set their cookies through next/headers
  plugins: [nextCookies()], // make sure this is the last plugin in the array
});
