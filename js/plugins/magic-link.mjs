import m from "./magic-link.js";
export const { magicLink } = m;
