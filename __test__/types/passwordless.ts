// Type-level checks of the magic-link and email-otp plugins as an app writes them (compiled by
// tsc --strict; nothing runs): the descriptors from better-auth-rs/plugins/* (and Better Auth's
// own objects), the typed auth.api methods, and Better Auth's clients against the same server.
import { betterAuth } from "better-auth-rs";
import { magicLink, type MagicLinkOptions } from "better-auth-rs/plugins/magic-link";
import { emailOTP, EMAIL_OTP_ERROR_CODES, type EmailOTPOptions, type OTPType } from "better-auth-rs/plugins/email-otp";
import * as plugins from "better-auth-rs/plugins";
import { createAuthClient } from "better-auth/client";
import { emailOTPClient, magicLinkClient } from "better-auth/client/plugins";
import { emailOTP as baEmailOTP, magicLink as baMagicLink } from "better-auth/plugins";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

const mlOptions = {
  sendMagicLink: async ({ email, url, token, metadata }) => {
    const to: string = email;
    void to, url, token, metadata;
  },
  expiresIn: 600,
  storeToken: "hashed",
  generateToken: (email: string) => `${email.length}-token`,
} satisfies MagicLinkOptions;
const otpOptions = {
  sendVerificationOTP: async ({ email, otp, type }) => {
    const t: OTPType = type;
    void email, otp, t;
  },
  otpLength: 8,
  storeOTP: "encrypted",
  resendStrategy: "reuse",
  changeEmail: { enabled: true, verifyCurrentEmail: true },
  overrideDefaultEmailVerification: true,
} satisfies EmailOTPOptions;
// @ts-expect-error storeToken takes no "encrypted"
magicLink({ sendMagicLink() {}, storeToken: "encrypted" });
// @ts-expect-error sendVerificationOTP is required
emailOTP({ otpLength: 6 });

const auth = betterAuth({ database: "auth.db", emailAndPassword: { enabled: true }, plugins: [magicLink(mlOptions), emailOTP(otpOptions)] });
const samePlugins: [typeof plugins.magicLink, typeof plugins.emailOTP] = [magicLink, emailOTP];
void samePlugins;
const code: "INVALID_OTP" = EMAIL_OTP_ERROR_CODES.INVALID_OTP.code;
void code;

async function server(headers: Headers) {
  const sent = await auth.api.signInMagicLink({ body: { email: "a@example.com", callbackURL: "/dash" }, headers });
  type _s = Expect<Equal<typeof sent, { status: boolean }>>;
  const verified = await auth.api.magicLinkVerify({ query: { token: "t" }, headers });
  const sessionToken: string = verified.token;
  const email: string = verified.user.email;
  void sessionToken, email;
  const otp: string = await auth.api.createVerificationOTP({ body: { email: "a@example.com", type: "sign-in" } });
  const stored = await auth.api.getVerificationOTP({ query: { email: "a@example.com", type: "sign-in" } });
  const maybe: string | null = stored.otp;
  const signedIn = await auth.api.signInEmailOTP({ body: { email: "a@example.com", otp, name: "A" } });
  const token: string = signedIn.token;
  const ok = await auth.api.resetPasswordEmailOTP({ body: { email: "a@example.com", otp, password: "a-new-password" } });
  const success: boolean = ok.success;
  // @ts-expect-error not a type of code
  await auth.api.sendVerificationOTP({ body: { email: "a@example.com", type: "login" } });
  void maybe, token, success;
}
void server;

// Better Auth's own objects are served too, and its clients talk to the same endpoints
betterAuth({ database: "auth.db", plugins: [baMagicLink({ sendMagicLink() {} }), baEmailOTP({ async sendVerificationOTP() {} })] });
const client = createAuthClient({ baseURL: "http://localhost:3000", plugins: [magicLinkClient(), emailOTPClient()] });
void client.signIn.magicLink({ email: "a@example.com" });
void client.emailOtp.sendVerificationOtp({ email: "a@example.com", type: "sign-in" });

// twoFactor(): the user gets `twoFactorEnabled`, as with Better Auth's own plugin object
import { twoFactor } from "better-auth-rs/plugins/two-factor";
const tfAuth = betterAuth({ plugins: [twoFactor({ issuer: "App" })] });
export async function twoFactorUser(headers: Headers) {
  const s = await tfAuth.api.getSession({ headers });
  const enabled: boolean | null | undefined = s?.user.twoFactorEnabled;
  return enabled;
}
