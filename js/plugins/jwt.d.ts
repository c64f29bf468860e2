import type { APICallInput, Jwk } from "../../index";
import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** Options of `jwt()`, as Better Auth's JWT plugin. */
export interface JwtPluginOptions {
  jwks?: {
    keyPairConfig?: { alg?: "EdDSA" | "ES256" | "ES512" | "RS256" | "PS256"; crv?: string; modulusLength?: number };
    disablePrivateKeyEncryption?: boolean;
    rotationInterval?: number;
    gracePeriod?: number;
    jwksPath?: string;
  };
  jwt?: {
    issuer?: string;
    audience?: string | string[];
    expirationTime?: string | number;
    definePayload?: (session: { session: unknown; user: unknown }) => Record<string, unknown> | Promise<Record<string, unknown>>;
    getSubject?: (session: { session: unknown; user: unknown }) => string | Promise<string>;
  };
  disableSettingJwtHeader?: boolean;
}

/** `jwt()`: `/token`, `/jwks` and the `set-auth-jwt` header. */
export declare function jwt(options?: JwtPluginOptions): PluginDescriptor<"jwt", JwtPluginOptions>;

/** `auth.api` methods of the `jwt()` plugin (present when `plugins` holds `jwt()`, ours or Better Auth's). */
export interface JwtAPI {
  /** GET /token: a JWT for the request's session. */
  getToken(input: APICallInput & { headers: HeadersInit }): Promise<{ token: string }>;
  /** GET /jwks: the public keys. */
  getJwks(input?: APICallInput): Promise<{ keys: Jwk[] }>;
  /** Server only: signs `payload` with the current key (`exp`, `iat`, `iss`, `aud` added unless given). */
  signJWT(input: APICallInput<{ payload: Record<string, unknown>; overrideOptions?: Record<string, unknown> }> & { body: { payload: Record<string, unknown> } }): Promise<{ token: string }>;
  /** Server only: verifies a token this instance issued; `payload` is null when it is invalid. */
  verifyJWT(
    input: APICallInput<{ token: string; issuer?: string }> & { body: { token: string; issuer?: string } },
  ): Promise<{ payload: ({ sub: string; aud: string } & Record<string, any>) | null }>;
}
