import m from "./admin.js";
export const { admin, ADMIN_ERROR_CODES } = m;
