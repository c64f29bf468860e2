import m from "./admin-access.js";
export const { defaultStatements, defaultAc, adminAc, userAc, defaultRoles } = m;
