// `better-auth-rs/adapters/kysely`: Better Auth's `kyselyAdapter`, re-exported unchanged (see kysely.js).
export * from "@better-auth/kysely-adapter";
