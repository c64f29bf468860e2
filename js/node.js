"use strict";
/**
 * `better-auth-rs/node`: `toNodeHandler` and `fromNodeHeaders`, as `better-auth/node`.
 * Works for `node:http` and Express 5, whether or not a body parser ran first.
 */

/** IncomingHttpHeaders → Headers (array values appended one by one, undefined skipped). */
function fromNodeHeaders(nodeHeaders) {
  const headers = new Headers();
  for (const [key, value] of Object.entries(nodeHeaders ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, String(value));
  }
  return headers;
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

module.exports = { toNodeHandler, fromNodeHeaders };
