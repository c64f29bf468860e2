// `better-auth-rs/adapters/memory`: Better Auth's `memoryAdapter`, re-exported unchanged (see memory.js).
export * from "@better-auth/memory-adapter";
