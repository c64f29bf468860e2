"use strict";
/**
 * `better-auth-rs/redis`: `redisStorage(...)`, a `secondaryStorage` that runs in Rust
 * (src/store/redis.rs) with the keys and values of `@better-auth/redis-storage`, so better-auth
 * instances using that package and ours can share one Redis.
 *
 *   redisStorage({ url: "redis://127.0.0.1:6379", keyPrefix: "better-auth:" })
 *   redisStorage({ client: new Redis({ host, port }) })   // an ioredis (or node-redis) client:
 *                                                          // its connection settings are used
 */

function urlFromClient(client) {
  const o = client && typeof client === "object" ? client.options : undefined;
  if (!o || typeof o !== "object") throw new TypeError("better-auth-rs/redis: `client` must be an ioredis or node-redis client (it has no `options`)");
  if (typeof o.url === "string") return o.url; // node-redis createClient({ url })
  if (o.tls) throw new TypeError("better-auth-rs/redis: TLS connections are not supported yet; use a `redis://` url");
  if (o.path) throw new TypeError("better-auth-rs/redis: unix-socket connections are not supported yet; use a `redis://` url");
  const host = o.host ?? o.socket?.host ?? "127.0.0.1";
  const port = o.port ?? o.socket?.port ?? 6379;
  const user = o.username ? encodeURIComponent(o.username) : "";
  const pass = o.password ? encodeURIComponent(o.password) : "";
  const auth = user || pass ? `${user}:${pass}@` : "";
  const db = Number.isInteger(o.db) && o.db > 0 ? `/${o.db}` : o.database ? `/${o.database}` : "";
  return `redis://${auth}${host.includes(":") ? `[${host}]` : host}:${port}${db}`;
}

/**
 * A Redis secondary storage served by the engine. `url` or `client` (whose settings are read;
 * the engine opens its own multiplexed connection), `keyPrefix` (default "better-auth:").
 */
function redisStorage(config = {}) {
  const { url, client, keyPrefix = "better-auth:" } = config ?? {};
  if (typeof keyPrefix !== "string") throw new TypeError("better-auth-rs/redis: `keyPrefix` must be a string");
  let target = url;
  if (target instanceof URL) target = target.toString();
  if (target === undefined && client !== undefined) target = urlFromClient(client);
  if (typeof target !== "string" || !/^redis:\/\//i.test(target)) {
    throw new TypeError("better-auth-rs/redis: redisStorage() needs `url` (redis://host:port[/db]) or an ioredis `client`");
  }
  return { __betterAuthRsRedis: { url: target, keyPrefix } };
}

module.exports = { redisStorage };
