import m from "./plugins.js";
export const { bearer, jwt, admin, createAccessControl, role } = m;
