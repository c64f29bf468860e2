// `better-auth-rs/adapters/drizzle`: Better Auth's `drizzleAdapter`, re-exported unchanged (see drizzle.js).
export * from "@better-auth/drizzle-adapter";
