import m from "./plugins.js";
export const { bearer, jwt, admin, username, createAccessControl, role } = m;
