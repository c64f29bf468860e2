import m from "./plugins.js";
export const { bearer, jwt } = m;
