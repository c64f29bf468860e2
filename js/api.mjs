import m from "./api.js";
export const { createAuthMiddleware, APIError, isAPIError } = m;
