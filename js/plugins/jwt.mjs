import m from "./jwt.js";
export const { jwt } = m;
