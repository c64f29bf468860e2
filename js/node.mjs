import m from "./node.js";
export const { toNodeHandler, fromNodeHeaders } = m;
