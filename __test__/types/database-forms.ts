// Every `database` form the engine accepts type-checks, with the real drivers' own types.
import { betterAuth } from "better-auth-rs";
import Database from "better-sqlite3";
import { DatabaseSync } from "node:sqlite";
import { Pool } from "pg";
import mysql from "mysql2";
import mysqlPromise from "mysql2/promise";
import { drizzle } from "drizzle-orm/node-postgres";
import { drizzleAdapter } from "better-auth-rs/adapters/drizzle";
import { memoryAdapter } from "better-auth-rs/adapters/memory";

const forms = [
  betterAuth({ database: "auth.db" }),
  betterAuth({ database: "file:./auth.db" }),
  betterAuth({ database: "postgres://postgres@127.0.0.1:5432/test" }),
  betterAuth({ database: new URL("mysql://root@127.0.0.1:3306/test") }),
  betterAuth({ database: { provider: "sqlite", url: "auth.db" } }),
  betterAuth({ database: { provider: "postgresql", url: "postgres://postgres@127.0.0.1/test", maxConnections: 8 } }),
  betterAuth({ database: { type: "mysql", url: "mysql://root@127.0.0.1/test" } }),
  betterAuth({ database: new Pool({ connectionString: "postgres://postgres@127.0.0.1/test" }) }),
  betterAuth({ database: { provider: "postgres", pool: new Pool() } }),
  betterAuth({ database: mysql.createPool({ uri: "mysql://root@127.0.0.1/test" }) }),
  betterAuth({ database: mysqlPromise.createPool({ host: "127.0.0.1", user: "root", database: "test" }) }),
  betterAuth({ database: { provider: "mysql", pool: mysqlPromise.createPool("mysql://root@127.0.0.1/test") } }),
  betterAuth({ database: new Database("auth.db") }),
  betterAuth({ database: new DatabaseSync("auth.db") }),
  // Better Auth's adapter functions, from better-auth-rs/adapters/*
  betterAuth({ database: drizzleAdapter(drizzle(new Pool()), { provider: "pg" }) }),
  betterAuth({ database: memoryAdapter({ user: [], session: [], account: [], verification: [] }) }),
];
void forms;

// @ts-expect-error a number is no database
betterAuth({ database: 5432 });

// better-auth-rs/redis: a Redis secondaryStorage served in Rust
import { redisStorage } from "better-auth-rs/redis";
export const withRedis = betterAuth({ secondaryStorage: redisStorage({ url: "redis://127.0.0.1:6379", keyPrefix: "app:" }), rateLimit: { storage: "secondary-storage" } });
