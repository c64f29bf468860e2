import m from "./plugins.js";
export const { bearer, jwt, admin, username, twoFactor, magicLink, emailOTP, createAccessControl, role } = m;
