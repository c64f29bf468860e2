"use strict";
/**
 * Outbound HTTP for social sign-in (token, userinfo, discovery and JWKS requests), made with the
 * app's `globalThis.fetch` looked up at call time, as Better Auth makes them: what an app's
 * tests intercept (msw, undici's MockAgent) is intercepted here too. The engine awaits the
 * answer off the JS thread; redirects are never followed, every call has a time limit and the
 * body a size limit.
 */

const DEFAULT_TIMEOUT_MS = 10000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

async function readLimited(res, maxBytes, encoding = "utf8") {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      try {
        await reader.cancel();
      } catch {}
      throw new Error(`response body over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))).toString(encoding);
}

/**
 * `({ url, method, headers, body, timeoutMs, maxBytes, base64 }) => { status, location, contentType, body }`
 * (`base64`: the body's bytes base64-encoded, for images).
 * Throws on network errors and time-outs (the engine turns that into the flow's error).
 */
async function outboundFetch(req) {
  const f = globalThis.fetch;
  if (typeof f !== "function") throw new Error("globalThis.fetch is not available");
  const res = await f(req.url, {
    method: req.method || "GET",
    headers: req.headers || {},
    body: req.body ?? undefined,
    redirect: "manual",
    signal: AbortSignal.timeout(req.timeoutMs || DEFAULT_TIMEOUT_MS),
  });
  const body = await readLimited(res, req.maxBytes || DEFAULT_MAX_BYTES, req.base64 ? "base64" : "utf8");
  return { status: res.status, location: res.headers.get("location"), contentType: res.headers.get("content-type"), body };
}

/** True when the options use social sign-in (providers of `socialProviders` or `genericOAuth`). */
function usesOAuth(options) {
  const sp = options?.socialProviders;
  if (sp && typeof sp === "object" && Object.keys(sp).length > 0) return true;
  return Array.isArray(options?.plugins) && options.plugins.some((p) => p && p.id === "generic-oauth");
}

module.exports = { outboundFetch, usesOAuth };
