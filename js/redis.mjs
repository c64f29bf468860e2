import m from "./redis.js";
export const { redisStorage } = m;
