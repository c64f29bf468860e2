/** Better Auth's `memoryAdapter` (`@better-auth/memory-adapter`), re-exported unchanged. */
export * from "@better-auth/memory-adapter";
