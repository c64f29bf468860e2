import m from "./access.js";
export const { createAccessControl, role } = m;
