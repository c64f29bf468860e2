// Module hooks (registered with node:module `register`) that answer `import("next/headers.js")`
// with fake-next-headers.mjs, for better-auth's nextCookies and ours alike.
const FAKE = new URL("./fake-next-headers.mjs", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "next/headers.js" || specifier === "next/headers") return { url: FAKE, shortCircuit: true };
  return nextResolve(specifier, context);
}
