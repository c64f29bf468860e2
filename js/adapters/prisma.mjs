// `better-auth-rs/adapters/prisma`: Better Auth's `prismaAdapter`, re-exported unchanged (see prisma.js).
export * from "@better-auth/prisma-adapter";
