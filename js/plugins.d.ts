import type { JwtAPI } from "./plugins/jwt";

export type { PluginDescriptor } from "./plugins/descriptor";
export { bearer } from "./plugins/bearer";
export { jwt, type JwtPluginOptions, type JwtAPI } from "./plugins/jwt";

/**
 * The `auth.api` methods each served plugin adds, by plugin id: `auth.api` has an entry's
 * methods when `plugins` holds that id (ours or Better Auth's object). One line per plugin that
 * has endpoints.
 */
export interface PluginAPIs {
  jwt: JwtAPI;
}
