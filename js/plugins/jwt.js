"use strict";
/**
 * `better-auth-rs/plugins/jwt`: the `jwt()` plugin descriptor (behaviour in src/plugins/jwt/).
 */

/**
 * `jwt()`: `/token`, `/jwks` and the `set-auth-jwt` header, as Better Auth's JWT plugin.
 * @param {object} [options]
 */
function jwt(options = {}) {
  return { id: "jwt", options, schema: jwksSchema(options.schema) };
}

/**
 * The `jwks` table as Better Auth's jwt plugin declares it, renamed as `options.schema` says
 * (`{ jwks: { modelName, fields } }`): what a Better Auth adapter (`drizzleAdapter`, ...) needs
 * to know the table (the engine has its own copy in src/plugins/jwt/schema.rs).
 */
function jwksSchema(mapping) {
  const m = mapping?.jwks ?? {};
  const fields = {
    publicKey: { type: "string", required: true },
    privateKey: { type: "string", required: true },
    createdAt: { type: "date", required: true },
    expiresAt: { type: "date", required: false },
    alg: { type: "string", required: false },
    crv: { type: "string", required: false },
  };
  for (const [k, f] of Object.entries(fields)) {
    const renamed = m.fields?.[k];
    if (typeof renamed === "string" && renamed) f.fieldName = renamed;
  }
  return { jwks: { ...(typeof m.modelName === "string" && m.modelName ? { modelName: m.modelName } : {}), fields } };
}

module.exports = { jwt };
