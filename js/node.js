"use strict";
/**
 * `better-auth-rs/node`: `toNodeHandler` and `fromNodeHeaders`, as `better-auth/node`.
 * Works for `node:http` and Express 5, whether or not a body parser ran first.
 */

const SOURCE = Symbol("better-auth-rs.nodeHeaders");

/**
 * The `Headers` `fromNodeHeaders` returns: a real `Headers` (instanceof, brand checks, every
 * method) filled from the node object on first use, so a request whose session check reads
 * only its cookie (straight from the node object, {@link nodeSessionHeaders}) never copies the
 * other headers.
 */
class NodeHeaders extends Headers {
  constructor(nodeHeaders) {
    super();
    Object.defineProperty(this, SOURCE, { value: { headers: nodeHeaders ?? {}, filled: false } });
  }
}

/** Copies the node object into the Headers once (array values appended one by one, undefined skipped). */
function fill(h) {
  const src = h[SOURCE];
  if (src !== undefined && !src.filled) {
    src.filled = true;
    for (const [key, value] of Object.entries(src.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) Headers.prototype.append.call(h, key, v);
      else Headers.prototype.set.call(h, key, String(value));
    }
  }
  return h;
}

for (const name of ["append", "delete", "get", "getSetCookie", "has", "set", "forEach", "keys", "values", "entries", Symbol.iterator]) {
  const base = Headers.prototype[name];
  if (typeof base !== "function") continue;
  Object.defineProperty(NodeHeaders.prototype, name, {
    value: function (...args) {
      return base.apply(fill(this), args);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * `[cookie, authorization]` of a `Headers` from {@link fromNodeHeaders} read straight from the
 * node object while nothing has filled it yet, when that object gives the same answer the
 * `Headers` would (lower-case names, string values); `undefined` otherwise (use the `Headers`).
 */
function nodeSessionHeaders(h) {
  const src = h[SOURCE];
  if (src === undefined || src.filled) return undefined;
  const o = src.headers;
  for (const k in o) if (k !== k.toLowerCase()) return undefined;
  const { cookie, authorization } = o;
  if ((cookie !== undefined && typeof cookie !== "string") || (authorization !== undefined && typeof authorization !== "string")) return undefined;
  return [cookie, authorization];
}

/** IncomingHttpHeaders → Headers (array values appended one by one, undefined skipped), as better-auth/node. */
function fromNodeHeaders(nodeHeaders) {
  return new NodeHeaders(nodeHeaders);
}

function readStream(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(typeof c === "string" ? Buffer.from(c) : c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function bodyFromParsed(req) {
  const b = req.body;
  if (b === undefined || b === null) return null;
  if (Buffer.isBuffer(b)) return b;
  if (typeof b === "string") return Buffer.from(b);
  if (b instanceof URLSearchParams) return Buffer.from(b.toString());
  const ct = String(req.headers["content-type"] || "").toLowerCase();
  if (ct.includes("application/x-www-form-urlencoded") && typeof b === "object") {
    return Buffer.from(new URLSearchParams(b).toString());
  }
  return Buffer.from(JSON.stringify(b));
}

async function readBody(req) {
  const method = (req.method || "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return null;
  // Already consumed by a body parser (express.json(), express.urlencoded(), ...)
  if (req.readableEnded || req._body === true || (req.complete && req.body !== undefined)) {
    return bodyFromParsed(req);
  }
  const len = req.headers["content-length"];
  const chunked = /chunked/i.test(String(req.headers["transfer-encoding"] || ""));
  if (len === "0" || (len === undefined && !chunked && req.httpVersionMajor === 1)) return null;
  return readStream(req);
}

function requestUrl(req) {
  const proto = String(req.headers["x-forwarded-proto"] || "").split(",")[0].trim() || (req.socket && req.socket.encrypted ? "https" : "http");
  const host = req.headers[":authority"] || req.headers.host || "localhost";
  const path = req.originalUrl || (req.baseUrl || "") + (req.url || "/");
  return `${proto}://${host}${path}`;
}

/**
 * Wraps `auth` (or `auth.handler`) as a Node request listener / Express handler.
 * @param {{ handler: (r: Request) => Promise<Response> } | ((r: Request) => Promise<Response>)} auth
 */
function toNodeHandler(auth) {
  const handler = typeof auth === "function" ? auth : auth.handler;
  return async (req, res) => {
    try {
      const body = await readBody(req);
      const request = new Request(requestUrl(req), {
        method: req.method,
        headers: fromNodeHeaders(req.headers),
        body: body && body.length >= 0 && req.method !== "GET" && req.method !== "HEAD" ? body : undefined,
        duplex: "half",
      });
      const response = await handler(request);
      const setCookies = response.headers.getSetCookie();
      for (const [k, v] of response.headers) {
        if (k === "set-cookie") continue;
        res.setHeader(k, v);
      }
      if (setCookies.length) res.setHeader("set-cookie", setCookies);
      res.statusCode = response.status;
      const buf = response.body ? Buffer.from(await response.arrayBuffer()) : null;
      res.end(buf && buf.length ? buf : undefined);
    } catch (e) {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy(e);
      }
      console.error("[better-auth-rs] toNodeHandler:", e);
    }
  };
}

module.exports = { toNodeHandler, fromNodeHeaders, nodeSessionHeaders };
