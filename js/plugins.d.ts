/** A plugin descriptor understood by the Rust engine. */
export interface PluginDescriptor<Id extends string = string, O = unknown> {
  id: Id;
  options: O;
}

/** `bearer()`: `Authorization: Bearer <token>` works wherever the session cookie does; `set-auth-token` on responses that set a session. */
export declare function bearer(options?: { requireSignature?: boolean }): PluginDescriptor<"bearer", { requireSignature?: boolean }>;

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
