/**
 * better-auth-rs — Better Auth's core (email + password sessions) re-built in Rust.
 * A drop-in for `better-auth`: same options, endpoints, JSON, cookies and database rows.
 */
import type { PluginAPIs } from "./js/plugins";

/** A Better Auth user (the core fields; `auth.$Infer.User` adds `user.additionalFields`). */
export interface User {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A Better Auth session, the raw token included (`auth.$Infer.Session["session"]` adds `session.additionalFields`). */
export interface Session {
  id: string;
  token: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** A credential or social account row, as `listUserAccounts` returns it. */
export interface Account {
  id: string;
  providerId: string;
  accountId: string;
  userId: string;
  scopes: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A string literal type that still accepts any string (Better Auth's `LiteralString`). */
export type LiteralString = "" | (string & Record<never, never>);

/** Better Auth's field types: `"string" | "number" | "boolean" | "date" | "json" | "string[]" | "number[]"`, or an enum as an array of strings. */
export type DBFieldType = "string" | "number" | "boolean" | "date" | "json" | `${"string" | "number"}[]` | Array<LiteralString>;

/** A value a field can hold. */
export type DBPrimitive = string | number | boolean | Date | null | undefined | string[] | number[] | (Record<string, unknown> | unknown[]);

/** The attributes of a field, as Better Auth's `DBFieldAttributeConfig`. */
export interface DBFieldAttributeConfig {
  /** The value must be given on create. Default true in Better Auth's types; the engine treats an unset `required` as false. */
  required?: boolean | undefined;
  /** Returned in response bodies. Default true. */
  returned?: boolean | undefined;
  /** Accepted from the client on create/update. Default true. */
  input?: boolean | undefined;
  /** Default value on create (not a database default). */
  defaultValue?: DBPrimitive | (() => DBPrimitive) | undefined;
  /** Value on update. */
  onUpdate?: (() => DBPrimitive) | undefined;
  /** Transforms before storing / after reading. */
  transform?: { input?: (value: DBPrimitive) => DBPrimitive | Promise<DBPrimitive>; output?: (value: DBPrimitive) => DBPrimitive | Promise<DBPrimitive> } | undefined;
  /** A reference to another model. */
  references?: { model: string; field: string; onDelete?: "no action" | "restrict" | "cascade" | "set null" | "set default" } | undefined;
  unique?: boolean | undefined;
  /** A bigint column instead of integer. */
  bigint?: boolean | undefined;
  /** Standard Schema validators (refused by `betterAuth()` unless listed in `advanced.unservedOptions`). */
  validator?: { input?: unknown; output?: unknown } | undefined;
  /** The column name in the database. */
  fieldName?: string | undefined;
  /** A varchar column instead of text. */
  sortable?: boolean | undefined;
  /** Index the column. */
  index?: boolean | undefined;
}

/** A field of `additionalFields`, as Better Auth's `DBFieldAttribute` (`FieldAttribute` in older versions). */
export type DBFieldAttribute<T extends DBFieldType = DBFieldType> = { type: T } & DBFieldAttributeConfig;
/** Alias of {@link DBFieldAttribute}, Better Auth's older name. */
export type FieldAttribute<T extends DBFieldType = DBFieldType> = DBFieldAttribute<T>;

/** The TypeScript type of a field type. */
export type InferDBValueType<T extends DBFieldType> = T extends "string"
  ? string
  : T extends "number"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "date"
        ? Date
        : T extends "json"
          ? Record<string, any>
          : T extends `${infer U}[]`
            ? U extends "string"
              ? string[]
              : number[]
            : T extends Array<any>
              ? T[number]
              : never;

/** The output type of one field (`returned: false` → never; `required: false` → optional and nullable). */
export type InferDBFieldOutput<T extends DBFieldAttribute> = T["returned"] extends false
  ? never
  : T["required"] extends false
    ? InferDBValueType<T["type"]> | undefined | null
    : InferDBValueType<T["type"]>;

/** Output fields of an `additionalFields` record, as Better Auth's `InferDBFieldsOutput`. */
export type InferDBFieldsOutput<Fields extends Record<string, DBFieldAttribute>> = Fields extends Record<infer Key, DBFieldAttribute>
  ? {
      [key in Key as Fields[key]["returned"] extends false
        ? never
        : Fields[key]["required"] extends false
          ? Fields[key]["defaultValue"] extends boolean | string | number | Date
            ? key
            : never
          : key]: InferDBFieldOutput<Fields[key]>;
    } & {
      [key in Key as Fields[key]["returned"] extends false
        ? never
        : Fields[key]["required"] extends false
          ? Fields[key]["defaultValue"] extends boolean | string | number | Date
            ? never
            : key
          : never]?: InferDBFieldOutput<Fields[key]> | null;
    }
  : never;

/** Input fields of an `additionalFields` record (sign-up / update-user bodies), as Better Auth's `InferDBFieldsInput`. */
export type InferDBFieldsInput<Fields> = Fields extends Record<infer Key, DBFieldAttribute>
  ? {
      [key in Key as Fields[key]["required"] extends false
        ? never
        : Fields[key]["defaultValue"] extends string | number | boolean | Date
          ? never
          : Fields[key]["input"] extends false
            ? never
            : key]: InferDBValueType<Fields[key]["type"]>;
    } & {
      [key in Key as Fields[key]["input"] extends false ? never : key]?: InferDBValueType<Fields[key]["type"]> | undefined | null;
    }
  : {};

type UnionToIntersection<U> = (U extends any ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type Prettify<T> = Omit<T, never>;
type ModelOf<O, K extends string> = O extends { [P in K]: infer M } ? M : {};
type PluginList<O> = O extends { plugins: infer P } ? (P extends ReadonlyArray<infer E> ? E : never) : never;

/** Output fields a model gets from `<model>.additionalFields`. */
export type InferFieldsFromOptions<M> = [M] extends [{ additionalFields: infer F extends Record<string, DBFieldAttribute> }] ? InferDBFieldsOutput<F> : {};
/** Input fields a model gets from `<model>.additionalFields`. */
export type InferFieldsInputFromOptions<M> = [M] extends [{ additionalFields: infer F extends Record<string, DBFieldAttribute> }] ? InferDBFieldsInput<F> : {};
/** Output fields a model gets from plugins declaring `schema: { <model>: { fields } }` (Better Auth's plugin objects). */
export type InferFieldsFromPlugins<Model extends string, O> = UnionToIntersection<
  PluginList<O> extends infer P ? (P extends { schema: { [K in Model]: { fields: infer F extends Record<string, DBFieldAttribute> } } } ? InferDBFieldsOutput<F> : {}) : {}
> extends infer R ? ([R] extends [never] ? {} : R) : {};
/** Input fields a model gets from plugins. */
export type InferFieldsInputFromPlugins<Model extends string, O> = UnionToIntersection<
  PluginList<O> extends infer P ? (P extends { schema: { [K in Model]: { fields: infer F extends Record<string, DBFieldAttribute> } } } ? InferDBFieldsInput<F> : {}) : {}
> extends infer R ? ([R] extends [never] ? {} : R) : {};

/** The user type for options `O`: core fields, `user.additionalFields` and plugin user fields. */
export type InferUser<O = BetterAuthOptions> = Prettify<User & InferFieldsFromOptions<ModelOf<O, "user">> & InferFieldsFromPlugins<"user", O>>;
/** The session type for options `O`: core fields, `session.additionalFields` and plugin session fields. */
export type InferSession<O = BetterAuthOptions> = Prettify<Session & InferFieldsFromOptions<ModelOf<O, "session">> & InferFieldsFromPlugins<"session", O>>;
/** Extra sign-up / update-user body fields for options `O`. */
export type InferUserInput<O = BetterAuthOptions> = InferFieldsInputFromOptions<ModelOf<O, "user">> & InferFieldsInputFromPlugins<"user", O>;
/** What plugins add to `$Infer` (Better Auth's plugin objects may carry `$Infer`). */
export type InferPluginTypes<O> = UnionToIntersection<PluginList<O> extends infer P ? (P extends { $Infer: infer I extends Record<string, any> } ? I : {}) : {}> extends infer R
  ? [R] extends [never]
    ? {}
    : R
  : {};

/**
 * A better-sqlite3 `Database`. Every statement the engine runs goes through this object
 * (synchronously, on the JS thread), so the app may keep using it and other handles on the file.
 */
export interface BetterSqlite3Like {
  name: string;
  memory?: boolean;
  prepare: (...args: any[]) => any;
  transaction: (...args: any[]) => any;
  pragma: (...args: any[]) => any;
}

/** A `node:sqlite` `DatabaseSync` (Node ≥ 22.5), used like a better-sqlite3 `Database`. */
export interface NodeSqliteLike {
  prepare: (...args: any[]) => any;
  exec: (sql: string) => void;
}

/** A `pg` `Pool` (its `options` are turned into a connection URL; the engine keeps its own pool). */
export interface PgPoolLike {
  query: (...args: any[]) => any;
  connect: (...args: any[]) => any;
  options?: object;
}

/** A mysql2 pool, callback (`mysql.createPool`) or promise (`mysql2/promise`) API. */
export type MySqlPoolLike = { config: object; getConnection: (...args: any[]) => any } | { pool: { config: object }; getConnection: (...args: any[]) => any };

/** Database kinds accepted as `provider`. */
export type DatabaseProvider = "sqlite" | "pg" | "postgres" | "postgresql" | "mysql" | "mariadb";

/**
 * Every form `database` takes: an SQLite path or `file:`/`sqlite:` URL, a `postgres://` or
 * `mysql://` URL (string or `URL`), `{ provider, url }`, a `pg` Pool, a mysql2 pool (callback or
 * promise API), `{ provider, pool }` (Better Auth's Kysely-dialect style), the app's own
 * better-sqlite3 `Database` / `node:sqlite` `DatabaseSync`, or one of Better Auth's adapter
 * functions (`drizzleAdapter(db, …)`, `prismaAdapter(…)`, `kyselyAdapter(…)`, `memoryAdapter(…)`,
 * `mongodbAdapter(…)`, `createAdapterFactory(…)`; also from `better-auth-rs/adapters/*`).
 */
export type DatabaseOption =
  | string
  | URL
  | { provider?: DatabaseProvider; type?: DatabaseProvider; url: string; maxConnections?: number }
  | { provider?: DatabaseProvider; pool: PgPoolLike | MySqlPoolLike }
  | PgPoolLike
  | MySqlPoolLike
  | BetterSqlite3Like
  | NodeSqliteLike
  | DatabaseAdapterFunction;

/**
 * What Better Auth's adapter functions return: called once with the options, it gives the
 * `DBAdapter` every storage operation goes through.
 */
export type DatabaseAdapterFunction = (options: any) => { id: string; create: (...args: any[]) => Promise<any>; findOne: (...args: any[]) => Promise<any>; [key: string]: any };

/** `modelName` / `fields` of a table: the table name and logical → column names. */
export interface ModelOptions<Field extends string> {
  /** Table name. */
  modelName?: string;
  /** Column name for each logical field, e.g. `{ emailVerified: "email_verified" }`. */
  fields?: Partial<Record<Field, string>>;
}

type Awaitable<T> = T | Promise<T>;
/** The second argument of callbacks: Better Auth's endpoint context (`ctx.path`, `ctx.context`, `ctx.request`...). */
export type EndpointContext = any;
type DbHook<T> = {
  create?: {
    before?: (data: T, ctx?: EndpointContext) => Awaitable<boolean | void | { data: Partial<T> & Record<string, any> }>;
    after?: (data: T, ctx?: EndpointContext) => Awaitable<void>;
  };
  update?: {
    before?: (data: Partial<T>, ctx?: EndpointContext) => Awaitable<boolean | void | { data: Partial<T> & Record<string, any> }>;
    after?: (data: T, ctx?: EndpointContext) => Awaitable<void>;
  };
  delete?: {
    before?: (data: T, ctx?: EndpointContext) => Awaitable<boolean | void>;
    after?: (data: T, ctx?: EndpointContext) => Awaitable<void>;
  };
};

/** Options accepted by `betterAuth`, as Better Auth's (the supported subset is typed). */
export interface BetterAuthOptions {
  /** Application name. Default "Better Auth". */
  appName?: string;
  /** Cookie-signing secret. Default: BETTER_AUTH_SECRET, then AUTH_SECRET, then a development default (an error in production). */
  secret?: string;
  /** Public URL of the app (origin, optionally with the auth path). Default: BETTER_AUTH_URL, else inferred per request. */
  baseURL?: string;
  /** Path the routes live under. Default "/api/auth". */
  basePath?: string;
  /**
   * Where users and sessions are stored. Default: an embedded SQLite file `better-auth.db`.
   * Accepts an SQLite path, a `file:`/`sqlite:` URL, a `postgres://` / `mysql://` URL,
   * `{ provider, url }`, a `pg` Pool, a mysql2 pool, `{ provider, pool }`, or the app's own
   * better-sqlite3 `Database` / `node:sqlite` `DatabaseSync` (share the file with your code this way:
   * every statement then runs through that object). Adapter functions (`drizzleAdapter`, ...) are
   * not supported.
   */
  database?: DatabaseOption;
  /** Create missing tables on first use. Default: true for SQLite. */
  autoMigrate?: boolean;
  emailAndPassword?: {
    /** Default false. */
    enabled?: boolean;
    /** Default false. */
    disableSignUp?: boolean;
    /** Default 8. */
    minPasswordLength?: number;
    /** Default 128. */
    maxPasswordLength?: number;
    /** Sign the user in after sign-up. Default true. */
    autoSignIn?: boolean;
    /** Refuse sign-in (403 EMAIL_NOT_VERIFIED) until the email is verified. Default false. */
    requireEmailVerification?: boolean;
    /** Seconds a reset token is valid. Default 3600. */
    resetPasswordTokenExpiresIn?: number;
    /** Revoke the user's sessions after a password reset. Default false. */
    revokeSessionsOnPasswordReset?: boolean;
    /** Sends the reset link (`request-password-reset`). */
    sendResetPassword?: (data: { user: User & Record<string, any>; url: string; token: string }, request?: Request) => Awaitable<void>;
    /** Called after a successful reset. */
    onPasswordReset?: (data: { user: User & Record<string, any> }, request?: Request) => Awaitable<void>;
    /** Hashing for new passwords. Better Auth scrypt hashes always verify. */
    password?: {
      /** Your own hash function (replaces the built-in hashing). */
      hash?: (password: string) => Awaitable<string>;
      /** Your own verify function. */
      verify?: (data: { hash: string; password: string }) => Awaitable<boolean>;
      /**
       * better-auth-rs: "argon2id" (default) or "scrypt" (Better Auth's format). Set "scrypt" while
       * a switch back to Better Auth must stay possible (README "Switching from (and back to) Better Auth").
       */
      algorithm?: "argon2id" | "scrypt";
      /**
       * better-auth-rs: re-hash a Better Auth scrypt hash to argon2id after a successful sign-in
       * (argon2id mode only). Default true; false keeps existing scrypt hashes as they are.
       */
      rehashLegacyHashes?: boolean;
      /** argon2id cost. Default the OWASP baseline: 19456 KiB, 2 iterations, 1 lane. */
      argon2?: { memoryCost?: number; timeCost?: number; parallelism?: number };
      /**
       * better-auth-rs: refuse common passwords (a bundled list of 42,692, the zxcvbn
       * dictionary, compared case-insensitively, plus `extra`) at sign-up, change-password,
       * set-password and reset-password with 400 PASSWORD_COMPROMISED (Better Auth's
       * haveIBeenPwned answer), offline. Default false.
       */
      rejectCommon?: boolean | { extra?: string[] };
    };
    /**
     * better-auth-rs: account lockout (off unless set). After `maxFailedAttempts` failed
     * sign-ins for one email, from any IP, sign-in for that email answers the usual 401
     * INVALID_EMAIL_OR_PASSWORD (even with the right password) until `duration` seconds after
     * the last failure. A success clears the count. Counters live in the `rateLimit` table, so
     * every process sharing the database sees them. `true` = defaults (10 failures, 900 s).
     */
    accountLockout?: boolean | { enabled?: boolean; maxFailedAttempts?: number; duration?: number };
    [key: string]: unknown;
  };
  /** Email verification, as Better Auth's. */
  emailVerification?: {
    /** Sends the verification link. */
    sendVerificationEmail?: (data: { user: User & Record<string, any>; url: string; token: string }, request?: Request) => Awaitable<void>;
    /** Send on sign-up. Default: true when `requireEmailVerification` is on. */
    sendOnSignUp?: boolean;
    /** Send again when an unverified user signs in (with `requireEmailVerification`). Default false. */
    sendOnSignIn?: boolean;
    /** Sign the user in once verified. Default false. */
    autoSignInAfterVerification?: boolean;
    /** Seconds the link is valid. Default 3600. */
    expiresIn?: number;
    beforeEmailVerification?: (user: User & Record<string, any>, request?: Request) => Awaitable<void>;
    afterEmailVerification?: (user: User & Record<string, any>, request?: Request) => Awaitable<void>;
    [key: string]: unknown;
  };
  /** The `user` table and user features. */
  user?: ModelOptions<"name" | "email" | "emailVerified" | "image" | "createdAt" | "updatedAt"> & {
    /** Extra columns, returned on the user (`auth.$Infer.Session["user"]`) and accepted on sign-up / update-user per `input`. */
    additionalFields?: Record<string, DBFieldAttribute>;
    changeEmail?: {
      enabled?: boolean;
      updateEmailWithoutVerification?: boolean;
      sendChangeEmailConfirmation?: (data: { user: User & Record<string, any>; newEmail: string; url: string; token: string }, request?: Request) => Awaitable<void>;
      [key: string]: unknown;
    };
    deleteUser?: {
      enabled?: boolean;
      /** Seconds the deletion link is valid. Default 86400. */
      deleteTokenExpiresIn?: number;
      sendDeleteAccountVerification?: (data: { user: User & Record<string, any>; url: string; token: string }, request?: Request) => Awaitable<void>;
      beforeDelete?: (user: User & Record<string, any>, request?: Request) => Awaitable<void>;
      afterDelete?: (user: User & Record<string, any>, request?: Request) => Awaitable<void>;
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  /** The `account` table. */
  account?: ModelOptions<"accountId" | "providerId" | "userId" | "accessToken" | "refreshToken" | "idToken" | "accessTokenExpiresAt" | "refreshTokenExpiresAt" | "scope" | "password" | "createdAt" | "updatedAt"> & {
    additionalFields?: Record<string, DBFieldAttribute>;
    [key: string]: unknown;
  };
  /** The `verification` table. */
  verification?: ModelOptions<"identifier" | "value" | "expiresAt" | "createdAt" | "updatedAt"> & {
    [key: string]: unknown;
  };
  /** Runs around every row the engine creates, updates or deletes, as Better Auth's. */
  databaseHooks?: {
    user?: DbHook<User & Record<string, any>>;
    session?: DbHook<Session & Record<string, any>>;
    account?: DbHook<Record<string, any>>;
    verification?: DbHook<Record<string, any>>;
  };
  /** `hooks.before` / `hooks.after`, written with `createAuthMiddleware` (better-auth-rs/api or Better Auth's). */
  hooks?: {
    before?: (ctx: any) => Awaitable<unknown>;
    after?: (ctx: any) => Awaitable<unknown>;
  };
  /** Sessions (and rate-limit counters) in a key-value store, as Better Auth's; or `redisStorage(...)` from better-auth-rs/redis (served in Rust). */
  secondaryStorage?:
    | {
        get: (key: string) => Awaitable<unknown>;
        set: (key: string, value: string, ttl?: number) => Awaitable<unknown>;
        delete: (key: string) => Awaitable<unknown>;
        increment?: (key: string, ttl: number) => Awaitable<number>;
        [key: string]: unknown;
      }
    | import("./js/redis").RedisSecondaryStorage;
  session?: ModelOptions<"expiresAt" | "token" | "createdAt" | "updatedAt" | "ipAddress" | "userAgent" | "userId"> & {
    /** Extra columns, returned on the session (`auth.$Infer.Session["session"]`). */
    additionalFields?: Record<string, DBFieldAttribute>;
    /** Seconds. Default 604800 (7 days). */
    expiresIn?: number;
    /** Seconds between refreshes. Default 86400 (0 = every request). */
    updateAge?: number;
    /** Seconds a session counts as fresh. Default 86400. */
    freshAge?: number;
    /** Default false. */
    disableSessionRefresh?: boolean;
    /** The session cached in a signed cookie. */
    cookieCache?: { enabled?: boolean; maxAge?: number; strategy?: "compact" | "jwt" | "jwe"; version?: string | ((...args: any[]) => Awaitable<string>) };
    /** With `secondaryStorage`: also keep sessions in the database. Default false. */
    storeSessionInDatabase?: boolean;
    [key: string]: unknown;
  };
  /**
   * Extra trusted origins (the base URL's origin is always trusted). Also BETTER_AUTH_TRUSTED_ORIGINS.
   * Patterns may use `*` / `?` (`https://*.example.com`). A function is called with the
   * `Request` whenever an origin or redirect target is checked (state-changing requests, GET
   * links with a `callbackURL`, `auth.api` calls made with a `request`).
   */
  trustedOrigins?: string[] | ((request?: Request) => string[] | Promise<string[]>);
  /** Rate limiting of HTTP requests (never of `auth.api` calls), as Better Auth. */
  rateLimit?: {
    /** Default: true when NODE_ENV=production. */
    enabled?: boolean;
    /** Seconds. Default 10. */
    window?: number;
    /** Requests per window and client IP per path. Default 100. */
    max?: number;
    /**
     * Per-path rules (exact path after basePath, or a `*` wildcard): a rule, `false` (no limit),
     * or a function `(request, currentRule) => rule | false`. Built in: sign-in/sign-up/
     * change-password/change-email 3 per 10 s; request-password-reset and
     * send-verification-email 3 per 60 s.
     */
    customRules?: Record<string, { window: number; max: number } | false | ((request: Request, current: { window: number; max: number }) => { window: number; max: number } | false | Promise<{ window: number; max: number } | false>)>;
    /** "memory" (default), "database" (the `rateLimit` table) or "secondary-storage" (default with `secondaryStorage`; needs `increment`). */
    storage?: "memory" | "database" | "secondary-storage";
    /** Table name for database storage. Default "rateLimit". */
    modelName?: string;
    /** Your own atomic counter. */
    customStorage?: { consume(key: string, rule: { window: number; max: number }): Promise<{ allowed: boolean; retryAfter: number | null }> };
  };
  advanced?: {
    /** Default "better-auth". */
    cookiePrefix?: string;
    /** Default: true when baseURL is https (or NODE_ENV=production without baseURL). */
    useSecureCookies?: boolean;
    disableCSRFCheck?: boolean;
    disableOriginCheck?: boolean;
    skipTrailingSlashes?: boolean;
    /** Id generation: `"uuid"`, `"serial"`, `false` (the database's), or a function. */
    database?: { generateId?: "uuid" | "serial" | false | ((options: { model: string; size?: number }) => string | false); [key: string]: unknown };
    /** better-auth-rs: request body limit in bytes. Default 2 MiB (413 above). */
    maxBodySize?: number;
    /** better-auth-rs: password hashes computed at once. Default: number of cores. */
    hashConcurrency?: number;
    /**
     * better-auth-rs: milliseconds a JS callback (hooks, mail senders, databaseHooks, password
     * overrides...) may take before the request fails with 500 CALLBACK_TIMEOUT. Default 30000;
     * 0 waits forever (Better Auth's behaviour).
     */
    callbackTimeout?: number;
    /**
     * better-auth-rs: with the cookie cache on, share revocations and user changes with the other
     * instances so they stop trusting affected `session_data` caches. With `redisStorage`: on
     * unless `false`. On PostgreSQL without Redis (LISTEN/NOTIFY): only with `true` (a starting
     * instance then distrusts existing caches once). `false` behaves as Better Auth (a revoked
     * session stays valid elsewhere until its cache expires).
     */
    revocationChannel?: boolean;
    /** Client IP resolution (session.ipAddress and rate-limit keys). */
    ipAddress?: {
      /** Headers to read, in order. Default ["x-forwarded-for"]. List only headers your proxy sets. */
      ipAddressHeaders?: string[];
      /** No IP tracking: sessions store no IP and requests are not rate limited. */
      disableIpTracking?: boolean;
      /** IPv6 prefix used for keys. Default 64. */
      ipv6Subnet?: number;
      /** Proxy IPs or CIDR ranges: the forwarded chain is walked from the right, skipping them. */
      trustedProxies?: string[];
      /**
       * better-auth-rs: the number of proxies in front of the app, each appending the address
       * it saw; the client is that many hops from the right of X-Forwarded-For.
       */
      trustedProxyCount?: number;
    };
    /**
     * better-auth-rs: ids of plugins this version does not serve that the app accepts to run
     * WITHOUT. `betterAuth()` refuses to start when `plugins` holds a plugin it does not serve
     * (only `jwt`, `bearer` and `next-cookies` are served), because ignoring it drops the checks it adds: with
     * `twoFactor()` a user signs in with the password alone, with `admin()` a banned user signs
     * in. Listing an id here starts anyway, knowing its endpoints, hooks and checks will not run;
     * each start prints one warning per ignored plugin. A plugin that becomes served is served
     * whether or not it is listed.
     * @example advanced: { unservedPlugins: ["two-factor"] }
     */
    unservedPlugins?: string[];
    /**
     * better-auth-rs: options this version does not serve that the app accepts to run WITHOUT.
     * `betterAuth()` refuses to start when an option whose absence would weaken a check is set
     * (`socialProviders`, `account.accountLinking`, `secrets` / BETTER_AUTH_SECRETS,
     * `verification.storeIdentifier`,
     * `session.cookieCache.version` as a function, `advanced.defaultCookieAttributes`,
     * `advanced.cookies`, `additionalFields.validator`, `jwt.jwks.remoteUrl` — see
     * docs/COMPATIBILITY.md). Listing its key here starts anyway, knowing it will not apply;
     * each start prints one warning per ignored option.
     * @example advanced: { unservedOptions: ["socialProviders"] }
     */
    unservedOptions?: string[];
    [key: string]: unknown;
  };
  /**
   * Plugins, by `id`: `jwt()` and `bearer()` are served, from `better-auth-rs/plugins` or Better
   * Auth's own objects (`better-auth/plugins`), options read from the object. Any other plugin
   * makes `betterAuth()` throw unless its id is listed in `advanced.unservedPlugins`.
   */
  plugins?: ReadonlyArray<{ id: string; options?: unknown }>;
  [key: string]: unknown;
}

/** Input of an `auth.api` call. */
export interface APICallInput<B = unknown, Q = Record<string, string>> {
  body?: B;
  query?: Q;
  headers?: HeadersInit;
  request?: Request;
  method?: string;
  asResponse?: boolean;
  returnHeaders?: boolean;
  returnStatus?: boolean;
}

/** What an `auth.api` call resolves to: `R`, or a `Response` with `asResponse`, or `{ headers, response }` with `returnHeaders`. */
export type WithFlags<I, R> = I extends { asResponse: true }
  ? Response
  : I extends { returnHeaders: true }
    ? { headers: Headers; response: R }
    : R;

export interface SignUpEmailBody {
  name: string;
  email: string;
  password: string;
  image?: string;
  callbackURL?: string;
  rememberMe?: boolean;
  [key: string]: unknown;
}
export interface SignInEmailBody {
  email: string;
  password: string;
  callbackURL?: string;
  rememberMe?: boolean;
}
export type SignUpEmailResult<U = User> = { token: string | null; user: U };
export type SignInEmailResult<U = User> = { redirect: boolean; token: string; url?: string; user: U };

/** The server API: the same Rust endpoint code the HTTP handler runs. `U` / `S`: the inferred user and session types. */
export interface AuthAPI<U = User, S = Session, UIn = {}> {
  /** The session for the request's cookie, or null. */
  getSession<I extends APICallInput<never, { disableCookieCache?: boolean | string; disableRefresh?: boolean | string }>>(
    input: I & { headers: HeadersInit },
  ): Promise<WithFlags<I, { session: S; user: U; needsRefresh?: boolean } | null>>;
  /** POST /sign-up/email (`user.additionalFields` with `input` are accepted; required ones must be given). */
  signUpEmail<I extends APICallInput<SignUpEmailBody & UIn>>(input: I & { body: SignUpEmailBody & UIn }): Promise<WithFlags<I, SignUpEmailResult<U>>>;
  /** POST /sign-in/email */
  signInEmail<I extends APICallInput<SignInEmailBody>>(input: I & { body: SignInEmailBody }): Promise<WithFlags<I, SignInEmailResult<U>>>;
  /** POST /sign-out */
  signOut<I extends APICallInput<{ callbackURL?: string }>>(input: I & { headers: HeadersInit }): Promise<WithFlags<I, { success: boolean }>>;
  /** GET /ok */
  ok(input?: APICallInput): Promise<{ ok: true }>;
  /** GET /error */
  error(input?: APICallInput): Promise<string>;
  /** GET /list-sessions (fresh session required). */
  listSessions(input: APICallInput & { headers: HeadersInit }): Promise<S[]>;
  /** POST /revoke-session `{ token }`. */
  revokeSession(input: APICallInput<{ token: string }> & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /revoke-sessions. */
  revokeSessions(input: APICallInput & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /revoke-other-sessions. */
  revokeOtherSessions(input: APICallInput & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /update-user `{ name?, image?, ...additionalFields }`. */
  updateUser(input: APICallInput<Partial<UIn> & { name?: string; image?: string | null; [key: string]: unknown }>): Promise<{ status: boolean }>;
  /** POST /update-session `{ ...session additionalFields }` (those with `input` not false). */
  updateSession(input: APICallInput<{ [key: string]: unknown }> & { headers: HeadersInit }): Promise<{ session: S }>;
  /** POST /change-password. */
  changePassword(input: APICallInput<{ newPassword: string; currentPassword: string; revokeOtherSessions?: boolean }>): Promise<{ token: string | null; user: U }>;
  /** POST /verify-password. */
  verifyPassword(input: APICallInput<{ password: string }>): Promise<{ status: boolean }>;
  /** Server-only: sets a password for a user who has none. */
  setPassword(input: APICallInput<{ newPassword: string }>): Promise<{ status: boolean }>;
  /** POST /change-email. */
  changeEmail(input: APICallInput<{ newEmail: string; callbackURL?: string }>): Promise<{ status: boolean }>;
  /** POST /delete-user. */
  deleteUser(input: APICallInput<{ password?: string; token?: string; callbackURL?: string }>): Promise<{ success: boolean; message: string }>;
  /** GET /delete-user/callback. */
  deleteUserCallback(input: APICallInput<never, { token: string; callbackURL?: string }>): Promise<{ success: boolean; message: string }>;
  /** POST /request-password-reset. */
  requestPasswordReset(input: APICallInput<{ email: string; redirectTo?: string }>): Promise<{ status: boolean; message: string }>;
  /** GET /reset-password/:token (throws a FOUND APIError with the redirect, as Better Auth). */
  requestPasswordResetCallback(input: APICallInput<never, { callbackURL: string }> & { params: { token: string } }): Promise<never>;
  /** POST /reset-password. */
  resetPassword(input: APICallInput<{ newPassword: string; token?: string }>): Promise<{ status: boolean }>;
  /** POST /send-verification-email. */
  sendVerificationEmail(input: APICallInput<{ email: string; callbackURL?: string }>): Promise<{ status: boolean }>;
  /** GET /verify-email. */
  verifyEmail(input: APICallInput<never, { token: string; callbackURL?: string }>): Promise<{ status: boolean; user: U | null }>;
  /** GET /list-accounts. */
  listUserAccounts(input: APICallInput & { headers: HeadersInit }): Promise<Account[]>;
  /** Alias of `signUpEmail`, in the client's shape. */
  signUp: { email: AuthAPI<U, S, UIn>["signUpEmail"] };
  /** Alias of `signInEmail`, in the client's shape. */
  signIn: { email: AuthAPI<U, S, UIn>["signInEmail"] };
}

/** A JSON Web Key as `/jwks` serves it. */
export interface Jwk {
  kid: string;
  kty: string;
  alg?: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  [key: string]: unknown;
}

export type { JwtAPI } from "./js/plugins";

type PluginIds<O> = PluginList<O> extends infer P ? (P extends { id: infer Id } ? Id : never) : never;
/** True when options `O` hold the plugin `Id` (or when `O` is too wide to tell). */
export type HasPlugin<O, Id extends string> = BetterAuthOptions extends O ? true : string extends PluginIds<O> ? true : Id extends PluginIds<O> ? true : false;

/** The `auth.api` methods the plugins in options `O` add (`PluginAPIs` in js/plugins.d.ts lists them by id). */
export type InferPluginAPI<O> = UnionToIntersection<
  keyof PluginAPIs extends infer Id ? (Id extends keyof PluginAPIs ? (HasPlugin<O, Id> extends true ? PluginAPIs[Id] : {}) : never) : never
>;

/** `auth.api` for options `O`: the core endpoints, with the inferred user/session types, plus each served plugin's methods. */
export type InferAPI<O = BetterAuthOptions> = AuthAPI<InferUser<O>, InferSession<O>, InferUserInput<O>> & InferPluginAPI<O>;

/** An error code entry: `{ code, message }`. */
export interface ErrorCode {
  code: string;
  message: string;
}

/** The object `betterAuth` returns. `O`: the options, as given (drives `$Infer` and `api`). */
export interface Auth<O extends BetterAuthOptions = BetterAuthOptions> {
  /** Web-standard handler for every route under the base path. */
  handler: (request: Request) => Promise<Response>;
  /** Alias of `handler`. */
  fetch: (request: Request) => Promise<Response>;
  /** Server-side endpoint calls. */
  api: InferAPI<O>;
  /** The options as passed. */
  options: O;
  /** Resolves once the database is open and its schema is in place. */
  $context: Promise<{ appName: string; baseURL: string | undefined; options: O; runMigrations(): Promise<void>; generateMigrations(): Promise<string[]> }>;
  /** Better Auth's error codes. */
  $ERROR_CODES: Record<string, ErrorCode>;
  /**
   * Type helpers, as Better Auth's: `typeof auth.$Infer.Session` is `{ session, user }` with
   * `session.additionalFields` / `user.additionalFields` and plugin fields; `$Infer.User` is the user alone.
   */
  $Infer: { Session: { session: InferSession<O>; user: InferUser<O> }; User: InferUser<O> } & InferPluginTypes<O>;
}

/**
 * Creates an auth instance. Throws an error naming the option when an option is invalid, and a
 * `BetterAuthError` when `plugins` or an option holds something this version does not serve and
 * ignoring it would weaken a check (see `advanced.unservedPlugins` / `advanced.unservedOptions`).
 */
export declare function betterAuth<O extends BetterAuthOptions>(options?: O & {}): Auth<O>;

/** Better Auth's APIError: `status` name (or number), `statusCode`, `body: { message, code }`. */
export declare class APIError extends Error {
  constructor(status?: string | number, body?: { message?: string; code?: string; [k: string]: unknown }, headers?: HeadersInit, statusCode?: number);
  name: "APIError";
  status: string | number;
  statusCode: number;
  body: { message?: string; code?: string; [k: string]: unknown } | undefined;
  headers: HeadersInit;
  static from(status: string | number, error: { code: string; message: string }): APIError;
  static fromStatus(status: string | number, body?: { message?: string; code?: string }): APIError;
}

/** True for an `APIError` (by class or by name). */
export declare function isAPIError(e: unknown): e is APIError;

/** Better Auth's BASE_ERROR_CODES. */
export declare const BASE_ERROR_CODES: Record<string, ErrorCode>;

/** Migrations for an instance, as Better Auth's `getMigrations`. */
export declare function getMigrations(auth: Auth<any>): {
  /** The SQL that would run (`;`-terminated statements), empty when up to date. */
  compileMigrations(): Promise<string>;
  /** The statements that would run. */
  statements(): Promise<string[]>;
  /** Creates the missing tables, columns and indexes (never drops); the statements run. */
  runMigrations(): Promise<string[]>;
  /** `sqlite`, `postgresql` or `mysql`. */
  dialect: string;
};
