/** Better Auth's `kyselyAdapter` (`@better-auth/kysely-adapter`), re-exported unchanged. */
export * from "@better-auth/kysely-adapter";
