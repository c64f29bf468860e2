import type { APICallInput, User, WithFlags } from "../../index";
import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** The kinds of code. */
export type OTPType = "email-verification" | "sign-in" | "forget-password" | "change-email";

/** Options of `emailOTP()`, as Better Auth's `EmailOTPOptions`. */
export interface EmailOTPOptions {
  /** Mails a code; errors are logged, never returned to the client. */
  sendVerificationOTP: (data: { email: string; otp: string; type: OTPType }, ctx?: any) => Promise<void> | void;
  /** Digits in a generated code. @default 6 */
  otpLength?: number | undefined;
  /** Seconds a code stays valid. @default 300 */
  expiresIn?: number | undefined;
  /** The code to send (a falsy answer falls back to random digits). */
  generateOTP?: ((data: { email: string; type: OTPType }, ctx?: any) => string | undefined | Promise<string | undefined>) | undefined;
  /** Send an email-verification code after every `/sign-up/*`. @default false */
  sendVerificationOnSignUp?: boolean | undefined;
  /** Refuse codes for unknown emails on `/sign-in/email-otp` instead of creating the user. @default false */
  disableSignUp?: boolean | undefined;
  /** Wrong codes allowed per code; the next try answers 403 TOO_MANY_ATTEMPTS. @default 3 */
  allowedAttempts?: number | undefined;
  /**
   * How codes are kept in the verification rows ("encrypted": XChaCha20-Poly1305 with the
   * secret, as Better Auth's symmetricEncrypt). Any other value is refused at start.
   * @default "plain"
   */
  storeOTP?:
    | "plain"
    | "hashed"
    | "encrypted"
    | { hash: (otp: string) => Promise<string> }
    | { encrypt: (otp: string) => Promise<string>; decrypt: (otp: string) => Promise<string> }
    | undefined;
  /** "reuse" resends the live code (when it can be read back) and extends its expiry. @default "rotate" */
  resendStrategy?: "rotate" | "reuse" | undefined;
  /** `/email-otp/request-email-change` and `/email-otp/change-email`. */
  changeEmail?: { enabled?: boolean | undefined; verifyCurrentEmail?: boolean | undefined } | undefined;
  /** The core's verification emails become codes (unless the app sets `emailVerification.sendVerificationEmail`). @default false */
  overrideDefaultEmailVerification?: boolean | undefined;
  /** Rate-limit rule of the plugin's nine paths. @default { window: 60, max: 3 } */
  rateLimit?: { window: number; max: number } | undefined;
}

export type ErrorCodes<K extends string> = { readonly [P in K]: { readonly code: P; readonly message: string } };

/** The plugin's error codes, as Better Auth's `EMAIL_OTP_ERROR_CODES`. */
export declare const EMAIL_OTP_ERROR_CODES: ErrorCodes<"OTP_EXPIRED" | "INVALID_OTP" | "TOO_MANY_ATTEMPTS">;

/** What `emailOTP()` returns. */
export interface EmailOTPPlugin<O extends EmailOTPOptions = EmailOTPOptions> extends PluginDescriptor<"email-otp", O> {
  $ERROR_CODES: typeof EMAIL_OTP_ERROR_CODES;
}

/** `emailOTP()`: one-time codes by email, as Better Auth's email-otp plugin. */
export declare function emailOTP<O extends EmailOTPOptions>(options: O): EmailOTPPlugin<O>;

type Success = { success: boolean };

/** `auth.api` methods of the `emailOTP()` plugin (ours or Better Auth's object). */
export interface EmailOTPAPI {
  /** POST /email-otp/send-verification-otp ("change-email" is refused: use requestEmailChangeEmailOTP). */
  sendVerificationOTP<I extends APICallInput<{ email: string; type: OTPType }>>(input: I & { body: { email: string; type: OTPType } }): Promise<WithFlags<I, Success>>;
  /** Server only: stores a new code and returns it. */
  createVerificationOTP<I extends APICallInput<{ email: string; type: OTPType }>>(input: I & { body: { email: string; type: OTPType } }): Promise<WithFlags<I, string>>;
  /** Server only: the live code (`null` when missing or expired); hashed storage throws 400. */
  getVerificationOTP<I extends APICallInput<never, { email: string; type: OTPType }>>(
    input: I & { query: { email: string; type: OTPType } },
  ): Promise<WithFlags<I, { otp: string | null }>>;
  /** POST /email-otp/check-verification-otp: checks a code without using it up. */
  checkVerificationOTP<I extends APICallInput<{ email: string; type: OTPType; otp: string }>>(
    input: I & { body: { email: string; type: OTPType; otp: string } },
  ): Promise<WithFlags<I, Success>>;
  /** POST /email-otp/verify-email: marks the email verified (a session with `autoSignInAfterVerification`). */
  verifyEmailOTP<I extends APICallInput<{ email: string; otp: string }>>(
    input: I & { body: { email: string; otp: string } },
  ): Promise<WithFlags<I, { status: boolean; token: string | null; user: User & Record<string, any> }>>;
  /** POST /sign-in/email-otp: signs in, creating the user unless `disableSignUp`. */
  signInEmailOTP<I extends APICallInput<{ email: string; otp: string; name?: string; image?: string } & Record<string, any>>>(
    input: I & { body: { email: string; otp: string; name?: string; image?: string } & Record<string, any> },
  ): Promise<WithFlags<I, { token: string; user: User & Record<string, any> }>>;
  /** POST /email-otp/request-password-reset. */
  requestPasswordResetEmailOTP<I extends APICallInput<{ email: string }>>(input: I & { body: { email: string } }): Promise<WithFlags<I, Success>>;
  /** @deprecated POST /forget-password/email-otp: use requestPasswordResetEmailOTP. */
  forgetPasswordEmailOTP<I extends APICallInput<{ email: string }>>(input: I & { body: { email: string } }): Promise<WithFlags<I, Success>>;
  /** POST /email-otp/reset-password. */
  resetPasswordEmailOTP<I extends APICallInput<{ email: string; otp: string; password: string }>>(
    input: I & { body: { email: string; otp: string; password: string } },
  ): Promise<WithFlags<I, Success>>;
  /** POST /email-otp/request-email-change (session required; `changeEmail.enabled`). */
  requestEmailChangeEmailOTP<I extends APICallInput<{ newEmail: string; otp?: string }>>(
    input: I & { body: { newEmail: string; otp?: string }; headers: HeadersInit },
  ): Promise<WithFlags<I, Success>>;
  /** POST /email-otp/change-email (session required; `changeEmail.enabled`). */
  changeEmailEmailOTP<I extends APICallInput<{ newEmail: string; otp: string }>>(
    input: I & { body: { newEmail: string; otp: string }; headers: HeadersInit },
  ): Promise<WithFlags<I, Success>>;
}
