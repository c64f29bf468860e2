"use strict";
/** Web Request ⇄ the plain data the Rust engine takes, and back. */

/** Flattens any HeadersInit into ["name", "value", ...]. */
function flattenHeaders(init) {
  const out = [];
  if (init == null) return out;
  const h = init instanceof Headers ? init : new Headers(init);
  for (const [k, v] of h) out.push(k, v);
  return out;
}

/** Headers from the engine's flat list (several set-cookie kept apart). */
function toHeaders(flat) {
  const h = new Headers();
  for (let i = 0; i + 1 < flat.length; i += 2) h.append(flat[i], flat[i + 1]);
  return h;
}

/** Reads a Request into the engine's arguments. */
async function fromRequest(request) {
  const method = request.method.toUpperCase();
  let body = null;
  if (method !== "GET" && method !== "HEAD" && request.body) {
    body = Buffer.from(await request.arrayBuffer());
  }
  return { method, url: request.url, headers: flattenHeaders(request.headers), body };
}

/** Builds a Response from the engine's answer. */
function toResponse(native) {
  const status = native.status;
  const hasBody = native.body && native.body.length > 0 && status !== 204 && status !== 304;
  return new Response(hasBody ? native.body : null, {
    status,
    statusText: native.statusText || "",
    headers: toHeaders(native.headers),
  });
}

module.exports = { flattenHeaders, toHeaders, fromRequest, toResponse };
