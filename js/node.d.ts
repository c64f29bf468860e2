import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** Anything with a Web-standard `handler`, or the handler itself. */
export type AuthLike = { handler: (request: Request) => Promise<Response> } | ((request: Request) => Promise<Response>);

/** Wraps `auth` as a `node:http` request listener or an Express handler (mount it before `express.json()` or after; both work). */
export declare function toNodeHandler(auth: AuthLike): (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Converts Node's `req.headers` into a `Headers` object, e.g. for `auth.api.getSession({ headers })`. */
export declare function fromNodeHeaders(nodeHeaders: IncomingHttpHeaders): Headers;
