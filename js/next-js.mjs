import m from "./next-js.js";
export const { toNextJsHandler, nextCookies } = m;
