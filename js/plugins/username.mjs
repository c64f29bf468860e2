import m from "./username.js";
export const { username, USERNAME_ERROR_CODES } = m;
