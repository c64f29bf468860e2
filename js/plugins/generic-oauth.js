"use strict";
/**
 * `better-auth-rs/plugins/generic-oauth`: the `genericOAuth()` plugin descriptor (behaviour in
 * src/plugins/generic_oauth/ and src/oauth/). Its providers are used through the core social
 * endpoints, as in Better Auth 1.7: `POST /sign-in/social { provider: "<providerId>" }` and
 * `/callback/<providerId>`. The engine calls back each config's `getUserInfo` and
 * `mapProfileToUser`.
 */

/**
 * `genericOAuth({ config: [...] })`: any OAuth 2.0 / OpenID Connect provider, from a
 * `discoveryUrl` or explicit `authorizationUrl` / `tokenUrl` / `userInfoUrl`.
 * @param {object} options Better Auth's `GenericOAuthOptions`
 */
function genericOAuth(options) {
  const o = options ?? {};
  const config = Array.isArray(o.config) ? o.config : [];
  const seen = new Set();
  const dup = new Set();
  for (const c of config) {
    if (seen.has(c?.providerId)) dup.add(c?.providerId);
    seen.add(c?.providerId);
  }
  if (dup.size > 0) console.warn(`Duplicate provider IDs found: ${Array.from(dup).join(", ")}`);
  return { id: "generic-oauth", options: o };
}

module.exports = { genericOAuth };
