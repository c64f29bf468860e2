/** Better Auth's `prismaAdapter` (`@better-auth/prisma-adapter`), re-exported unchanged. */
export * from "@better-auth/prisma-adapter";
