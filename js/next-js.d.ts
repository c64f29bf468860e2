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
