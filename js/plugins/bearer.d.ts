import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** `bearer()`: `Authorization: Bearer <token>` works wherever the session cookie does; `set-auth-token` on responses that set a session. */
export declare function bearer(options?: { requireSignature?: boolean }): PluginDescriptor<"bearer", { requireSignature?: boolean }>;
