import type { JwtAPI } from "./plugins/jwt";
import type { AdminAPI } from "./plugins/admin";
import type { MagicLinkAPI } from "./plugins/magic-link";
export {
  emailOTP,
  EMAIL_OTP_ERROR_CODES,
  type EmailOTPOptions,
  type EmailOTPPlugin,
  type EmailOTPAPI,
  type OTPType,
} from "./plugins/email-otp";
import type { EmailOTPAPI } from "./plugins/email-otp";
import type { UsernameAPI } from "./plugins/username";
import type { TwoFactorAPI } from "./plugins/two-factor";

export type { PluginDescriptor } from "./plugins/descriptor";
export { bearer } from "./plugins/bearer";
export { genericOAuth, type GenericOAuthConfig, type GenericOAuthOptions, type GenericOAuthPlugin } from "./plugins/generic-oauth";
export { jwt, type JwtPluginOptions, type JwtAPI } from "./plugins/jwt";
export {
  admin,
  type AdminOptions,
  type AdminPlugin,
  type AdminAPI,
  type InferAdminRolesFromOption,
  type SessionWithImpersonatedBy,
  type UserWithRole,
} from "./plugins/admin";
export { username, USERNAME_ERROR_CODES, type UsernameOptions, type UsernameAPI } from "./plugins/username";
export { twoFactor, TWO_FACTOR_ERROR_CODES, type TwoFactorOptions, type TwoFactorAPI } from "./plugins/two-factor";
export {
  magicLink,
  type MagicLinkOptions,
  type MagicLinkPlugin,
  type MagicLinkAPI,
  type MagicLinkData,
  type SignInMagicLinkBody,
  type MagicLinkVerifyQuery,
} from "./plugins/magic-link";
export {
  createAccessControl,
  role,
  type AccessControl,
  type ArrayElement,
  type AuthorizeResponse,
  type ExactRoleStatements,
  type Role,
  type RoleAuthorizeRequest,
  type RoleInput,
  type RoleStatements,
  type Statements,
  type SubArray,
  type Subset,
} from "./plugins/access";

/**
 * The `auth.api` methods each served plugin adds, by plugin id: `auth.api` has an entry's
 * methods when `plugins` holds that id (ours or Better Auth's object). One line per plugin that
 * has endpoints.
 */
export interface PluginAPIs {
  jwt: JwtAPI;
  admin: AdminAPI;
  "magic-link": MagicLinkAPI;
  "email-otp": EmailOTPAPI;
  username: UsernameAPI;
  "two-factor": TwoFactorAPI;
}
