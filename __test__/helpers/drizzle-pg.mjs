// Drizzle schemas for PostgreSQL as Better Auth's CLI (`npx @better-auth/cli generate`) writes
// them for drizzle (snake_case columns, `timestamp` dates, `boolean` booleans), with the DDL
// drizzle-kit emits for them: the core tables, and the tables `jwt()`, `twoFactor()` and
// `rateLimit.storage: "database"` add. Shared by adapters.test.mjs and hostile-input.test.mjs.
import { pgTable, text as pgText, timestamp, boolean, integer as pgInteger, bigint as pgBigint, index as pgIndex } from "drizzle-orm/pg-core";

export const pgSchema = {
  user: pgTable("user", {
    id: pgText("id").primaryKey(),
    name: pgText("name").notNull(),
    email: pgText("email").notNull().unique(),
    emailVerified: boolean("email_verified").default(false).notNull(),
    image: pgText("image"),
    createdAt: timestamp("created_at").defaultNow().notNull(),
    updatedAt: timestamp("updated_at").defaultNow().$onUpdate(() => new Date()).notNull(),
  }),
  session: pgTable("session", {
    id: pgText("id").primaryKey(),
    expiresAt: timestamp("expires_at").notNull(),
    token: pgText("token").notNull().unique(),
    createdAt: timestamp("created_at").defaultNow().notNull(),
    updatedAt: timestamp("updated_at").$onUpdate(() => new Date()).notNull(),
    ipAddress: pgText("ip_address"),
    userAgent: pgText("user_agent"),
    userId: pgText("user_id").notNull(),
  }, (t) => [pgIndex("session_userId_idx").on(t.userId)]),
  account: pgTable("account", {
    id: pgText("id").primaryKey(),
    accountId: pgText("account_id").notNull(),
    providerId: pgText("provider_id").notNull(),
    userId: pgText("user_id").notNull(),
    accessToken: pgText("access_token"),
    refreshToken: pgText("refresh_token"),
    idToken: pgText("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at"),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at"),
    scope: pgText("scope"),
    password: pgText("password"),
    createdAt: timestamp("created_at").defaultNow().notNull(),
    updatedAt: timestamp("updated_at").$onUpdate(() => new Date()).notNull(),
  }, (t) => [pgIndex("account_userId_idx").on(t.userId)]),
  verification: pgTable("verification", {
    id: pgText("id").primaryKey(),
    identifier: pgText("identifier").notNull(),
    value: pgText("value").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    createdAt: timestamp("created_at").defaultNow().notNull(),
    updatedAt: timestamp("updated_at").defaultNow().$onUpdate(() => new Date()).notNull(),
  }, (t) => [pgIndex("verification_identifier_idx").on(t.identifier)]),
};

// the jwt plugin's table, as the CLI generates it with `jwt()` in the plugins
export const pgJwks = pgTable("jwks", {
  id: pgText("id").primaryKey(),
  publicKey: pgText("public_key").notNull(),
  privateKey: pgText("private_key").notNull(),
  createdAt: timestamp("created_at").notNull(),
  expiresAt: timestamp("expires_at"),
  alg: pgText("alg"),
  crv: pgText("crv"),
});
export const PG_JWKS_DDL = `CREATE TABLE "jwks" ("id" text PRIMARY KEY NOT NULL, "public_key" text NOT NULL, "private_key" text NOT NULL, "created_at" timestamp NOT NULL, "expires_at" timestamp, "alg" text, "crv" text)`;

// with `twoFactor()`: the user's `twoFactorEnabled` column and the `twoFactor` table
export const pgUser2fa = pgTable("user", {
  id: pgText("id").primaryKey(),
  name: pgText("name").notNull(),
  email: pgText("email").notNull().unique(),
  emailVerified: boolean("email_verified").default(false).notNull(),
  image: pgText("image"),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  updatedAt: timestamp("updated_at").defaultNow().$onUpdate(() => new Date()).notNull(),
  twoFactorEnabled: boolean("two_factor_enabled").default(false),
});
export const pgTwoFactor = pgTable("two_factor", {
  id: pgText("id").primaryKey(),
  secret: pgText("secret").notNull(),
  backupCodes: pgText("backup_codes").notNull(),
  userId: pgText("user_id").notNull(),
  verified: boolean("verified").default(true),
  failedVerificationCount: pgInteger("failed_verification_count").default(0),
  lockedUntil: timestamp("locked_until"),
});
export const PG_2FA_DDL = [
  `ALTER TABLE "user" ADD COLUMN "two_factor_enabled" boolean DEFAULT false`,
  `CREATE TABLE "two_factor" ("id" text PRIMARY KEY NOT NULL, "secret" text NOT NULL, "backup_codes" text NOT NULL, "user_id" text NOT NULL REFERENCES "user"("id") ON DELETE cascade, "verified" boolean DEFAULT true, "failed_verification_count" integer DEFAULT 0, "locked_until" timestamp)`,
];

// `rateLimit.storage: "database"` (and better-auth-rs's account lockout): the `rateLimit` table
export const pgRateLimit = pgTable("rate_limit", {
  id: pgText("id").primaryKey(),
  key: pgText("key").notNull().unique(),
  count: pgInteger("count").notNull(),
  lastRequest: pgBigint("last_request", { mode: "number" }).notNull(),
});
export const PG_RATE_LIMIT_DDL = `CREATE TABLE "rate_limit" ("id" text PRIMARY KEY NOT NULL, "key" text NOT NULL, "count" integer NOT NULL, "last_request" bigint NOT NULL, CONSTRAINT "rate_limit_key_unique" UNIQUE("key"))`;

export const PG_DDL = [
  `CREATE TABLE "user" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "email" text NOT NULL, "email_verified" boolean DEFAULT false NOT NULL, "image" text, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp DEFAULT now() NOT NULL, CONSTRAINT "user_email_unique" UNIQUE("email"))`,
  `CREATE TABLE "session" ("id" text PRIMARY KEY NOT NULL, "expires_at" timestamp NOT NULL, "token" text NOT NULL, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp NOT NULL, "ip_address" text, "user_agent" text, "user_id" text NOT NULL, CONSTRAINT "session_token_unique" UNIQUE("token"))`,
  `CREATE TABLE "account" ("id" text PRIMARY KEY NOT NULL, "account_id" text NOT NULL, "provider_id" text NOT NULL, "user_id" text NOT NULL, "access_token" text, "refresh_token" text, "id_token" text, "access_token_expires_at" timestamp, "refresh_token_expires_at" timestamp, "scope" text, "password" text, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp NOT NULL)`,
  `CREATE TABLE "verification" ("id" text PRIMARY KEY NOT NULL, "identifier" text NOT NULL, "value" text NOT NULL, "expires_at" timestamp NOT NULL, "created_at" timestamp DEFAULT now() NOT NULL, "updated_at" timestamp DEFAULT now() NOT NULL)`,
  `ALTER TABLE "session" ADD CONSTRAINT "session_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE cascade ON UPDATE no action`,
  `ALTER TABLE "account" ADD CONSTRAINT "account_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE cascade ON UPDATE no action`,
  `CREATE INDEX "session_userId_idx" ON "session" USING btree ("user_id")`,
  `CREATE INDEX "account_userId_idx" ON "account" USING btree ("user_id")`,
  `CREATE INDEX "verification_identifier_idx" ON "verification" USING btree ("identifier")`,
];

// the relations the CLI writes beside the tables (drizzle's relational queries, which the
// adapter uses for `join` when `advanced.database.joins` is on)
import { relations } from "drizzle-orm";
export const pgRelations = {
  userRelations: relations(pgSchema.user, ({ many }) => ({ sessions: many(pgSchema.session), accounts: many(pgSchema.account) })),
  sessionRelations: relations(pgSchema.session, ({ one }) => ({ user: one(pgSchema.user, { fields: [pgSchema.session.userId], references: [pgSchema.user.id] }) })),
  accountRelations: relations(pgSchema.account, ({ one }) => ({ user: one(pgSchema.user, { fields: [pgSchema.account.userId], references: [pgSchema.user.id] }) })),
};
