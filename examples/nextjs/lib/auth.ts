import path from "node:path";
import { betterAuth } from "better-auth-rs";

export const auth = betterAuth({
  // SQLite file; the schema is created on first use.
  database: process.env.AUTH_DB ?? path.join(process.cwd(), "auth.db"),
  // Set BETTER_AUTH_SECRET (32+ random chars) anywhere real users sign in.
  secret: process.env.BETTER_AUTH_SECRET,
  baseURL: process.env.BETTER_AUTH_URL ?? "http://localhost:3000",
  emailAndPassword: { enabled: true },
  session: {
    expiresIn: 60 * 60 * 24 * 7, // 7 days
    updateAge: 60 * 60 * 24, // refreshed at most once a day
  },
});
