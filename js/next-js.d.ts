/** Anything with a Web-standard `handler`, or the handler itself. */
export type AuthLike = { handler: (request: Request) => Promise<Response> } | ((request: Request) => Promise<Response>);

type RouteHandler = (request: Request) => Promise<Response>;

/** Route handlers for `app/api/auth/[...all]/route.ts`: `export const { GET, POST } = toNextJsHandler(auth)`. */
export declare function toNextJsHandler(auth: AuthLike): {
  GET: RouteHandler;
  POST: RouteHandler;
  PATCH: RouteHandler;
  PUT: RouteHandler;
  DELETE: RouteHandler;
};

/**
 * `nextCookies()`, as Better Auth's: list it (last) in `plugins` so that `auth.api.*` calls made
 * in server actions and route handlers set their cookies through `cookies()` from
 * `next/headers` (`auth.api.signInEmail(...)` in a server action signs the browser in). In a
 * Server Component render, `auth.api.getSession` skips the session refresh (cookies cannot be
 * written there). Outside Next.js it does nothing.
 *
 * @example
 * export const auth = betterAuth({ ..., plugins: [nextCookies()] }); // make sure this is the last plugin in the array
 */
export declare function nextCookies(): { id: "next-cookies"; options: {} };
