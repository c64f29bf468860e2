// A stand-in for Next's `next/headers`: `cookies()` and `headers()` read the request scope the
// test sets in `globalThis.__fakeNextRequest` ({ headers: Headers, cookies: { set(name, value,
// options) } }); without one they throw Next's "outside a request scope" errors.
function scope(name) {
  const s = globalThis.__fakeNextRequest;
  if (!s) throw new Error(`\`${name}\` was called outside a request scope. Read more: https://nextjs.org/docs/messages/next-dynamic-api-wrong-context`);
  return s;
}

export async function cookies() {
  return scope("cookies").cookies;
}

export async function headers() {
  return scope("headers").headers;
}
