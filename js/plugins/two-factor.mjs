import m from "./two-factor.js";
export const { twoFactor, TWO_FACTOR_ERROR_CODES } = m;
