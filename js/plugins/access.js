"use strict";
/**
 * `better-auth-rs/plugins/access`: access-control statements and roles, with Better Auth's API
 * (`better-auth/plugins/access`) and answers. Plain JavaScript with no Node built-in and no
 * native binding, so a permissions file can be shared by the server and a browser bundle (the
 * `ac`/`roles` handed to `adminClient()`), as with Better Auth.
 *
 * The server never calls `authorize` here: `admin()` options reach the engine as JSON, where a
 * role is its `statements` (the function is dropped), and src/plugins/admin/ checks permissions
 * with the same rules.
 */

class BetterAuthError extends Error {
  constructor(message) {
    super(message);
    this.name = "BetterAuthError";
  }
}

const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The actions asked of one resource and how they combine: a bare list needs all of them;
 * `{ actions, connector }` needs one of them when `connector` is "OR", all otherwise. An
 * `actions` that is not an array asks for nothing (and so is never granted).
 */
function readResourceRequest(requested) {
  if (Array.isArray(requested)) return { actions: requested, anyOf: false };
  if (requested === null || typeof requested !== "object") {
    throw new BetterAuthError("Invalid access control request");
  }
  return { actions: Array.isArray(requested.actions) ? requested.actions : [], anyOf: requested.connector === "OR" };
}

/** Whether `granted` (a role's actions on the resource) covers the request. Non-string actions never match. */
function grants(granted, { actions, anyOf }) {
  if (actions.length === 0) return false;
  const allowed = (action) => typeof action === "string" && granted.includes(action);
  return anyOf ? actions.some(allowed) : actions.every(allowed);
}

/**
 * A role: `statements` (resource → allowed actions) and `authorize(request, connector = "AND")`.
 * Resources are looked at in the request's key order. With "AND", the first resource the role
 * lacks or does not fully grant decides (refused); with "OR", the first granted one decides
 * (allowed) and resources the role lacks are skipped. When no resource decided, the answer is
 * allowed if some resource was granted, so an empty request is refused ("Not authorized").
 * Another connector value decides nothing early and skips unknown resources, as in Better Auth.
 */
function role(statements) {
  const authorize = (request, connector = "AND") => {
    let someGranted = false;
    for (const [resource, requested] of Object.entries(request)) {
      // own keys only: "constructor" or "__proto__" are not resources of a role
      const granted = hasOwn(statements, resource) ? statements[resource] : undefined;
      if (!granted) {
        if (connector === "AND") return { success: false, error: `You are not allowed to access resource: ${resource}` };
        continue;
      }
      const ok = grants(granted, readResourceRequest(requested));
      if (ok) {
        if (connector === "OR") return { success: true };
        someGranted = true;
      } else if (connector === "AND") {
        return { success: false, error: `unauthorized to access resource "${resource}"` };
      }
    }
    return someGranted ? { success: true } : { success: false, error: "Not authorized" };
  };
  // both own and enumerable: JSON.stringify(role) is { statements } (how admin() options reach the engine)
  return { authorize, statements };
}

/**
 * `createAccessControl(statements)`: every resource and its possible actions. `newRole(s)`
 * makes a role allowed the actions listed in `s` (the types check them against `statements`).
 */
function createAccessControl(statements) {
  return {
    newRole: (roleStatements) => role(roleStatements),
    statements,
  };
}

module.exports = { createAccessControl, role };
