import type { PluginDescriptor } from "./descriptor";

export interface TwoFactorOptions {
  /** TOTP issuer of `/two-factor/enable`'s URI. Default `appName`. */
  issuer?: string;
  /** Table name. Default `"twoFactor"`. */
  twoFactorTable?: string;
  /**
   * Table and column names, as Better Auth's plugin takes them: the `twoFactor` table's
   * `modelName` and column names, and the column of `user.twoFactorEnabled`
   * (`twoFactorTable`, when set, names the table).
   */
  schema?: {
    user?: { fields?: { twoFactorEnabled?: string } };
    twoFactor?: {
      modelName?: string;
      fields?: Partial<Record<"secret" | "backupCodes" | "userId" | "verified" | "failedVerificationCount" | "lockedUntil", string>>;
    };
  };
  /** Enable 2FA at `/two-factor/enable` without a first TOTP verification. */
  skipVerificationOnEnable?: boolean;
  /** Password optional for users without a credential password. */
  allowPasswordless?: boolean;
  /** Seconds the `two_factor` challenge lives. Default 600. */
  twoFactorCookieMaxAge?: number;
  /** Seconds a trusted device stays trusted. Default 30 days. */
  trustDeviceMaxAge?: number;
  accountLockout?: { enabled?: boolean; maxFailedAttempts?: number; durationSeconds?: number };
  totpOptions?: { digits?: 6 | 8; period?: number; disable?: boolean; allowPasswordless?: boolean };
  /** The OTP method: `sendOTP` delivers the code (email, SMS); `period` in minutes (3). Custom `storeOTP` functions are not served. */
  otpOptions?: {
    sendOTP?: (data: { user: Record<string, any> & { id: string; email: string }; otp: string }, ctx?: unknown) => void | Promise<void>;
    period?: number;
    digits?: number;
    allowedAttempts?: number;
    storeOTP?: "plain" | "encrypted" | "hashed";
  };
  backupCodeOptions?: {
    amount?: number;
    length?: number;
    storeBackupCodes?: "plain" | "encrypted";
    allowPasswordless?: boolean;
  };
}

export type ErrorCodes<K extends string> = { readonly [P in K]: { readonly code: P; readonly message: string } };

export declare const TWO_FACTOR_ERROR_CODES: ErrorCodes<
  | "OTP_NOT_ENABLED"
  | "OTP_HAS_EXPIRED"
  | "TOTP_NOT_ENABLED"
  | "TWO_FACTOR_NOT_ENABLED"
  | "BACKUP_CODES_NOT_ENABLED"
  | "INVALID_BACKUP_CODE"
  | "INVALID_CODE"
  | "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"
  | "INVALID_TWO_FACTOR_COOKIE"
  | "OTP_NOT_CONFIGURED"
  | "TOTP_NOT_CONFIGURED"
  | "TOTP_ALREADY_ENABLED"
  | "ACCOUNT_TEMPORARILY_LOCKED"
>;

/** The columns the plugin adds, as on Better Auth's plugin object (so `session.user.twoFactorEnabled` is typed). */
export type TwoFactorSchema = {
  user: { fields: { twoFactorEnabled: { type: "boolean"; required: false; defaultValue: false; input: false } } };
  twoFactor: {
    fields: {
      secret: { type: "string"; required: true; returned: false; index: true };
      backupCodes: { type: "string"; required: true; returned: false };
      userId: { type: "string"; required: true; returned: false; references: { model: "user"; field: "id" }; index: true };
      verified: { type: "boolean"; required: false; defaultValue: true; input: false };
      failedVerificationCount: { type: "number"; required: false; defaultValue: 0; input: false; returned: false };
      lockedUntil: { type: "date"; required: false; input: false; returned: false };
    };
  };
};

export declare function twoFactor(options?: TwoFactorOptions): PluginDescriptor<"two-factor", TwoFactorOptions> & {
  $ERROR_CODES: typeof TWO_FACTOR_ERROR_CODES;
  schema: TwoFactorSchema;
};

type Call<B> = (ctx: { body: B; headers?: HeadersInit; asResponse?: boolean; returnHeaders?: boolean }) => Promise<any>;

/** `auth.api` methods added by `twoFactor()`. */
export interface TwoFactorAPI {
  enableTwoFactor: Call<{ password?: string; method?: "otp" | "totp"; issuer?: string }>;
  disableTwoFactor: Call<{ password?: string }>;
  getTOTPURI: Call<{ password?: string }>;
  verifyTOTP: Call<{ code: string; trustDevice?: boolean }>;
  generateBackupCodes: Call<{ password?: string }>;
  verifyBackupCode: Call<{ code: string; disableSession?: boolean; trustDevice?: boolean }>;
  sendTwoFactorOTP: Call<{ trustDevice?: boolean } | undefined>;
  verifyTwoFactorOTP: Call<{ code: string; trustDevice?: boolean }>;
  generateTOTP: Call<{ secret: string }>;
  viewBackupCodes: Call<{ userId: string }>;
}
