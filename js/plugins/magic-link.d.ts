import type { APICallInput, Session, User, WithFlags } from "../../index";
import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** What `sendMagicLink` receives. */
export interface MagicLinkData {
  /** The email as sent to `/sign-in/magic-link` (not lower-cased). */
  email: string;
  /** `<baseURL>/magic-link/verify?token=...&callbackURL=...` */
  url: string;
  /** The token (never the stored/hashed form). */
  token: string;
  /** `metadata` from the request body. */
  metadata?: Record<string, any>;
}

/** Options of `magicLink()`, as Better Auth's `MagicLinkOptions`. */
export interface MagicLinkOptions {
  /** Seconds a link stays valid. @default 300 */
  expiresIn?: number | undefined;
  /** Mails the link; awaited, a throw is the endpoint's answer. */
  sendMagicLink: (data: MagicLinkData, ctx?: any) => Promise<void> | void;
  /** Refuse unknown emails instead of creating the user. @default false */
  disableSignUp?: boolean | undefined;
  /** Rate-limit rule of `/sign-in/magic-link` and `/magic-link/verify`. @default { window: 60, max: 5 } */
  rateLimit?: { window: number; max: number } | undefined;
  /** The token for an email. @default 32 random letters */
  generateToken?: ((email: string) => Promise<string> | string) | undefined;
  /**
   * How the token is kept in the verification row. Any other value is refused at start.
   * @default "plain"
   */
  storeToken?: "plain" | "hashed" | { type: "custom-hasher"; hash: (token: string) => Promise<string> } | undefined;
  /** @deprecated No effect (tokens are single-use); any value but 1 warns. */
  allowedAttempts?: number | undefined;
}

/** What `magicLink()` returns. */
export interface MagicLinkPlugin<O extends MagicLinkOptions = MagicLinkOptions> extends PluginDescriptor<"magic-link", O> {}

/** `magicLink()`: passwordless sign-in by mailed link, as Better Auth's magic-link plugin. */
export declare function magicLink<O extends MagicLinkOptions>(options: O): MagicLinkPlugin<O>;

/** Body of `/sign-in/magic-link`. */
export interface SignInMagicLinkBody {
  email: string;
  name?: string;
  callbackURL?: string;
  newUserCallbackURL?: string;
  errorCallbackURL?: string;
  metadata?: Record<string, any>;
}

/** Query of `/magic-link/verify`. */
export interface MagicLinkVerifyQuery {
  token: string;
  callbackURL?: string;
  errorCallbackURL?: string;
  newUserCallbackURL?: string;
}

/** `auth.api` methods of the `magicLink()` plugin (ours or Better Auth's object). */
export interface MagicLinkAPI {
  /** POST /sign-in/magic-link: stores a token and calls `sendMagicLink`; `{ status: true }` for any email. */
  signInMagicLink<I extends APICallInput<SignInMagicLinkBody>>(
    input: I & { body: SignInMagicLinkBody; headers: HeadersInit },
  ): Promise<WithFlags<I, { status: boolean }>>;
  /**
   * GET /magic-link/verify: consumes the token and signs in (creating the user when allowed).
   * Without `callbackURL` the answer is `{ token, user, session }`; with it, a redirect (thrown
   * as an `APIError` with status `FOUND`, or a 302 with `asResponse`), errors included.
   */
  magicLinkVerify<I extends APICallInput<never, MagicLinkVerifyQuery>>(
    input: I & { query: MagicLinkVerifyQuery; headers: HeadersInit },
  ): Promise<WithFlags<I, { token: string; user: User & Record<string, any>; session: Session & Record<string, any> }>>;
}
