import m from "./bearer.js";
export const { bearer } = m;
