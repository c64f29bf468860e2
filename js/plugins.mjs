import m from "./plugins.js";
export const { bearer, jwt, admin, username, magicLink, emailOTP, createAccessControl, role } = m;
