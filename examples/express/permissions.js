"use strict";
/**
 * Roles and permissions of the example, with the admin plugin's access control (as Better Auth's
 * docs show it): the plugin's own statements (`user`, `session`: what the /admin/* endpoints
 * check) plus the app's `project` resource. Shared by auth.js (`admin({ ac, roles })`) and could
 * be by a browser bundle (`adminClient({ ac, roles })`): nothing here needs Node.
 *
 *   role    project                          user / session (admin endpoints)
 *   user    read                             nothing
 *   editor  create, read, update             nothing
 *   admin   create, read, update, delete     all but impersonating admins (adminAc)
 *
 * A user may hold several roles: the plugin stores them comma-joined ("editor,admin") and a
 * permission is granted when one of them grants it.
 */
const { createAccessControl } = require("better-auth-rs/plugins/access"); // was: better-auth/plugins/access
const { defaultStatements, adminAc, userAc } = require("better-auth-rs/plugins/admin/access"); // was: better-auth/plugins/admin/access

const statements = {
  ...defaultStatements,
  project: ["create", "read", "update", "delete"],
};

const ac = createAccessControl(statements);

const roles = {
  user: ac.newRole({ ...userAc.statements, project: ["read"] }),
  editor: ac.newRole({ ...userAc.statements, project: ["create", "read", "update"] }),
  admin: ac.newRole({ ...adminAc.statements, project: ["create", "read", "update", "delete"] }),
};

module.exports = { statements, ac, roles };
