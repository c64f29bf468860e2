/** Better Auth's `drizzleAdapter` (`@better-auth/drizzle-adapter`), re-exported unchanged. */
export * from "@better-auth/drizzle-adapter";
