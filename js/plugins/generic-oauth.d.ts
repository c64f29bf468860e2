import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** The tokens a provider returned, as `getUserInfo` receives them. */
export interface OAuth2Tokens {
  tokenType?: string;
  accessToken?: string;
  refreshToken?: string;
  accessTokenExpiresAt?: Date;
  refreshTokenExpiresAt?: Date;
  scopes?: string[];
  idToken?: string;
  raw?: Record<string, unknown>;
}

/** What `getUserInfo` returns: the provider's user (`id` is the account id). */
export interface OAuth2UserInfo {
  id: string | number;
  name?: string;
  email?: string | null;
  image?: string;
  emailVerified: boolean;
  [key: string]: unknown;
}

/** One provider of `genericOAuth({ config })`, as Better Auth's `GenericOAuthConfig`. */
export interface GenericOAuthConfig {
  /** The id used in `/sign-in/social { provider }` and `/callback/<providerId>`. */
  providerId: string;
  /** OpenID discovery document (`.../.well-known/openid-configuration`). */
  discoveryUrl?: string;
  /** Headers for the discovery request (same-origin redirects only). */
  discoveryHeaders?: Record<string, string>;
  authorizationUrl?: string;
  tokenUrl?: string;
  userInfoUrl?: string;
  /** A string, or several accepted ID-token audiences (the first is sent). */
  clientId: string | string[];
  clientSecret?: string;
  scopes?: string[];
  /** Replaces `<baseURL>/callback/<providerId>`. */
  redirectURI?: string;
  responseType?: string;
  responseMode?: "query" | "form_post";
  prompt?: "none" | "login" | "create" | "consent" | "select_account" | "select_account consent";
  /** PKCE S256. @default true */
  pkce?: boolean;
  accessType?: string;
  authorizationUrlParams?: Record<string, string>;
  tokenUrlParams?: Record<string, string>;
  authorizationHeaders?: Record<string, string>;
  /** Token-endpoint client authentication. @default "post" */
  authentication?: "basic" | "post";
  /** Seconds, for token answers without `expires_in`. */
  accessTokenExpiresIn?: number;
  /** Replaces the userinfo request. */
  getUserInfo?: (tokens: OAuth2Tokens) => Promise<OAuth2UserInfo | null>;
  /** Maps the provider profile onto user fields (spread last). */
  mapProfileToUser?: (profile: Record<string, any>) => Record<string, any> | Promise<Record<string, any>>;
  disableImplicitSignUp?: boolean;
  disableSignUp?: boolean;
  overrideUserInfo?: boolean;
  requireEmailVerification?: boolean;
  /** No `nonce` bound to the ID token. */
  disableIdTokenNonceBinding?: boolean;
  /** Skip the provider unless discovery gives a key set. */
  requireIdTokenVerification?: boolean;
  /** RP-initiated logout: the provider's end-session endpoint (else discovery's `end_session_endpoint`). */
  endSessionEndpoint?: string;
  /** Where the provider sends the browser after its logout (resolved against `baseURL`). */
  postLogoutRedirectURI?: string;
  /** `POST /sign-out` ends only the local session. */
  disableProviderLogout?: boolean;
}

/** Options of `genericOAuth()`. */
export interface GenericOAuthOptions {
  config: GenericOAuthConfig[];
}

/** The descriptor `genericOAuth()` returns. */
export type GenericOAuthPlugin = PluginDescriptor<"generic-oauth", GenericOAuthOptions>;

/**
 * Any OAuth 2.0 / OpenID Connect provider as a social provider (Better Auth's `genericOAuth`):
 * sign in with `POST /sign-in/social { provider: "<providerId>" }`.
 */
export declare function genericOAuth(options: GenericOAuthOptions): GenericOAuthPlugin;
