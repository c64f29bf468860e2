import m from "./index.js";
export const { betterAuth, getMigrations, APIError, isAPIError, BASE_ERROR_CODES } = m;
export default m;
