import type { PluginDescriptor } from "./descriptor";

export interface UsernameOptions {
  /** Default 3. */
  minUsernameLength?: number;
  /** Default 30. */
  maxUsernameLength?: number;
  /** Default `/^[a-zA-Z0-9_.]+$/`. */
  usernameValidator?: (username: string) => boolean | Promise<boolean>;
  displayUsernameValidator?: (displayUsername: string) => boolean | Promise<boolean>;
  /** Default lower case; `false` keeps usernames as given. */
  usernameNormalization?: ((username: string) => string) | false;
  displayUsernameNormalization?: (displayUsername: string) => string;
  validationOrder?: { username?: "pre-normalization" | "post-normalization"; displayUsername?: "pre-normalization" | "post-normalization" };
  immutableUsername?: boolean;
  /** `false`: no `displayUsername` column. Default true. */
  displayUsername?: boolean;
  schema?: { user?: { fields?: { username?: string; displayUsername?: string } } };
}

export type ErrorCodes<K extends string> = { readonly [P in K]: { readonly code: P; readonly message: string } };

export declare const USERNAME_ERROR_CODES: ErrorCodes<
  | "INVALID_USERNAME_OR_PASSWORD"
  | "EMAIL_NOT_VERIFIED"
  | "UNEXPECTED_ERROR"
  | "USERNAME_IS_ALREADY_TAKEN"
  | "USERNAME_TOO_SHORT"
  | "USERNAME_TOO_LONG"
  | "INVALID_USERNAME"
  | "INVALID_DISPLAY_USERNAME"
  | "USERNAME_IS_IMMUTABLE"
>;

export declare function username(options?: UsernameOptions): PluginDescriptor<"username", UsernameOptions> & {
  $ERROR_CODES: typeof USERNAME_ERROR_CODES;
};

type Call<B> = (ctx: { body: B; headers?: HeadersInit; asResponse?: boolean; returnHeaders?: boolean }) => Promise<any>;

/** `auth.api` methods added by `username()`. */
export interface UsernameAPI {
  signInUsername: Call<{ username: string; password: string; rememberMe?: boolean; callbackURL?: string }>;
  isUsernameAvailable: Call<{ username: string }>;
}
