/**
 * better-auth-rs — Better Auth's core (email + password sessions) re-built in Rust.
 * A drop-in for `better-auth`: same options, endpoints, JSON, cookies and database rows.
 */

/** A Better Auth user. */
export interface User {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A Better Auth session (the raw token included, as Better Auth returns it). */
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
   * Accepts an SQLite path, a `file:`/`sqlite:` URL, `{ provider: "sqlite", url }`, or the app's own
   * better-sqlite3 `Database` / `node:sqlite` `DatabaseSync` (share the file with your code this way:
   * every statement then runs through that object).
   */
  database?: string | { provider: "sqlite"; url: string } | BetterSqlite3Like | NodeSqliteLike;
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
    /** better-auth-rs: hashing for new passwords. Better Auth scrypt hashes always verify. */
    password?: {
      /** "argon2id" (default) or "scrypt" (Better Auth's format, for fleets that still run Better Auth). */
      algorithm?: "argon2id" | "scrypt";
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
  };
  session?: {
    /** Seconds. Default 604800 (7 days). */
    expiresIn?: number;
    /** Seconds between refreshes. Default 86400 (0 = every request). */
    updateAge?: number;
    /** Seconds a session counts as fresh. Default 86400. */
    freshAge?: number;
    /** Default false. */
    disableSessionRefresh?: boolean;
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
     * (only `jwt` and `bearer` are served), because ignoring it drops the checks it adds: with
     * `twoFactor()` a user signs in with the password alone, with `admin()` a banned user signs
     * in. Listing an id here starts anyway, knowing its endpoints, hooks and checks will not run;
     * each start prints one warning per ignored plugin. A plugin that becomes served is served
     * whether or not it is listed.
     * @example advanced: { unservedPlugins: ["next-cookies"] }
     */
    unservedPlugins?: string[];
    /**
     * better-auth-rs: options this version does not serve that the app accepts to run WITHOUT.
     * `betterAuth()` refuses to start when an option whose absence would weaken a check is set
     * (`socialProviders`, `account.accountLinking`, `secrets` / BETTER_AUTH_SECRETS,
     * `disabledPaths`, `user.validateUserInfo`, `verification.storeIdentifier`,
     * `session.cookieCache.version` as a function, `advanced.defaultCookieAttributes`,
     * `advanced.cookies`, `additionalFields.validator`, `jwt.jwks.remoteUrl` — see
     * docs/COMPATIBILITY.md). Listing its key here starts anyway, knowing it will not apply;
     * each start prints one warning per ignored option.
     * @example advanced: { unservedOptions: ["socialProviders"] }
     */
    unservedOptions?: string[];
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

type WithFlags<I, R> = I extends { asResponse: true }
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
export type SignUpEmailResult = { token: string | null; user: User };
export type SignInEmailResult = { redirect: boolean; token: string; url?: string; user: User };

/** The server API: the same Rust endpoint code the HTTP handler runs. */
export interface AuthAPI {
  /** The session for the request's cookie, or null. */
  getSession<I extends APICallInput<never, { disableCookieCache?: boolean | string; disableRefresh?: boolean | string }>>(
    input: I & { headers: HeadersInit },
  ): Promise<WithFlags<I, { session: Session; user: User } | null>>;
  /** POST /sign-up/email */
  signUpEmail<I extends APICallInput<SignUpEmailBody>>(input: I & { body: SignUpEmailBody }): Promise<WithFlags<I, SignUpEmailResult>>;
  /** POST /sign-in/email */
  signInEmail<I extends APICallInput<SignInEmailBody>>(input: I & { body: SignInEmailBody }): Promise<WithFlags<I, SignInEmailResult>>;
  /** POST /sign-out */
  signOut<I extends APICallInput<{ callbackURL?: string }>>(input: I & { headers: HeadersInit }): Promise<WithFlags<I, { success: boolean }>>;
  /** GET /ok */
  ok(input?: APICallInput): Promise<{ ok: true }>;
  /** GET /error */
  error(input?: APICallInput): Promise<string>;
  /** GET /list-sessions (fresh session required). */
  listSessions(input: APICallInput & { headers: HeadersInit }): Promise<Session[]>;
  /** POST /revoke-session `{ token }`. */
  revokeSession(input: APICallInput<{ token: string }> & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /revoke-sessions. */
  revokeSessions(input: APICallInput & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /revoke-other-sessions. */
  revokeOtherSessions(input: APICallInput & { headers: HeadersInit }): Promise<{ status: boolean }>;
  /** POST /update-user `{ name?, image?, ...additionalFields }`. */
  updateUser(input: APICallInput<Record<string, unknown>>): Promise<{ status: boolean }>;
  /** POST /change-password. */
  changePassword(input: APICallInput<{ newPassword: string; currentPassword: string; revokeOtherSessions?: boolean }>): Promise<{ token: string | null; user: User }>;
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
  verifyEmail(input: APICallInput<never, { token: string; callbackURL?: string }>): Promise<{ status: boolean; user: User | null }>;
  /** GET /list-accounts. */
  listUserAccounts(input: APICallInput & { headers: HeadersInit }): Promise<Array<{ id: string; providerId: string; accountId: string; userId: string; scopes: string[]; createdAt: Date; updatedAt: Date }>>;
  /** jwt(): GET /token. */
  getToken(input: APICallInput & { headers: HeadersInit }): Promise<{ token: string }>;
  /** jwt(): GET /jwks. */
  getJwks(input?: APICallInput): Promise<{ keys: Array<Record<string, string>> }>;
  /** jwt(): signs a payload with the current key (server only). */
  signJWT(input: APICallInput<{ payload: Record<string, unknown> }>): Promise<{ token: string }>;
  /** jwt(): verifies a token this instance issued (server only); `payload` is null when invalid. */
  verifyJWT(input: APICallInput<{ token: string; issuer?: string }>): Promise<{ payload: Record<string, unknown> | null }>;
  /** Alias of `signUpEmail`, in the client's shape. */
  signUp: { email: AuthAPI["signUpEmail"] };
  /** Alias of `signInEmail`, in the client's shape. */
  signIn: { email: AuthAPI["signInEmail"] };
}

/** An error code entry: `{ code, message }`. */
export interface ErrorCode {
  code: string;
  message: string;
}

/** The object `betterAuth` returns. */
export interface Auth {
  /** Web-standard handler for every route under the base path. */
  handler: (request: Request) => Promise<Response>;
  /** Alias of `handler`. */
  fetch: (request: Request) => Promise<Response>;
  /** Server-side endpoint calls. */
  api: AuthAPI;
  /** The options as passed. */
  options: BetterAuthOptions;
  /** Resolves once the database is open and its schema is in place. */
  $context: Promise<{ appName: string; baseURL: string | undefined; options: BetterAuthOptions; runMigrations(): Promise<void> }>;
  /** Better Auth's error codes. */
  $ERROR_CODES: Record<string, ErrorCode>;
  /** Type helpers, as Better Auth's. */
  $Infer: { Session: { session: Session; user: User } };
}

/**
 * Creates an auth instance. Throws an error naming the option when an option is invalid, and a
 * `BetterAuthError` when `plugins` or an option holds something this version does not serve and
 * ignoring it would weaken a check (see `advanced.unservedPlugins` / `advanced.unservedOptions`).
 */
export declare function betterAuth(options?: BetterAuthOptions): Auth;

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
export declare function getMigrations(auth: Auth): {
  /** The SQL that would run (`;`-terminated statements), empty when up to date. */
  compileMigrations(): Promise<string>;
  /** The statements that would run. */
  statements(): Promise<string[]>;
  /** Creates the missing tables, columns and indexes (never drops); the statements run. */
  runMigrations(): Promise<string[]>;
  /** `sqlite`, `postgresql` or `mysql`. */
  dialect: string;
};
