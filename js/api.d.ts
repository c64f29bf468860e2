export { APIError, isAPIError } from "../index";

/** The context a hook receives. */
export interface AuthMiddlewareContext {
  path: string;
  method: string;
  body: any;
  query: Record<string, any>;
  params?: Record<string, string>;
  headers: Headers;
  request?: Request;
  context: { returned?: unknown; newSession?: { session: any; user: any } | null; responseHeaders?: Headers; [k: string]: unknown };
  json<T>(value: T): T;
  error(status: string | number, body?: { message?: string; code?: string }): Error;
  redirect(url: string): Error;
  setHeader(name: string, value: string): void;
  getHeader(name: string): string | null;
  setCookie(name: string, value: string, options?: Record<string, unknown>): string;
  getCookie(name: string): string | null;
}

/** Creates a `hooks.before` / `hooks.after` middleware, as Better Auth's. */
export declare function createAuthMiddleware(handler: (ctx: AuthMiddlewareContext) => unknown | Promise<unknown>): (ctx: any) => Promise<unknown>;
