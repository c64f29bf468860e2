// `better-auth-rs/adapters/mongodb`: Better Auth's `mongodbAdapter`, re-exported unchanged (see mongodb.js).
export * from "@better-auth/mongo-adapter";
