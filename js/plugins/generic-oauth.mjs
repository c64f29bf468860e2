import m from "./generic-oauth.js";
export const { genericOAuth } = m;
