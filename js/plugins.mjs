import m from "./plugins.js";
export const { bearer, jwt, admin, username, twoFactor, magicLink, emailOTP, genericOAuth, createAccessControl, role } = m;
