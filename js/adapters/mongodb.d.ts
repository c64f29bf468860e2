/** Better Auth's `mongodbAdapter` (`@better-auth/mongo-adapter`), re-exported unchanged. */
export * from "@better-auth/mongo-adapter";
