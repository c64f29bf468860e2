/** What `redisStorage` returns: give it as `secondaryStorage` to `betterAuth` from better-auth-rs. */
export interface RedisSecondaryStorage {
  readonly __betterAuthRsRedis: { url: string; keyPrefix: string };
}

export interface RedisStorageConfig {
  /** `redis://[user:password@]host:port[/db]`. */
  url?: string | URL;
  /** An ioredis (or node-redis) client: its host, port, credentials and db are used. */
  client?: { options?: Record<string, any> };
  /** Default `"better-auth:"`, as `@better-auth/redis-storage`. */
  keyPrefix?: string;
}

/**
 * A Redis `secondaryStorage` served in Rust, with `@better-auth/redis-storage`'s keys and
 * values (sessions, the active-session index, rate-limit counters).
 */
export declare function redisStorage(config: RedisStorageConfig): RedisSecondaryStorage;
