"use strict";
/**
 * `better-auth-rs/plugins/admin/access`: the admin plugin's default statements and roles, as
 * Better Auth's `better-auth/plugins/admin/access`. Browser-safe like ./access.js.
 */
const { createAccessControl } = require("./access.js");

/** What the admin endpoints check: every user and session action. */
const defaultStatements = {
  user: [
    "create",
    "list",
    "set-role",
    "ban",
    "impersonate",
    "impersonate-admins",
    "delete",
    "set-password",
    "set-email",
    "set-phone",
    "get",
    "update",
  ],
  session: ["list", "revoke", "delete"],
};

const defaultAc = createAccessControl(defaultStatements);

/** The "admin" role: everything except impersonating other admins. */
const adminAc = defaultAc.newRole({
  user: defaultStatements.user.filter((action) => action !== "impersonate-admins"),
  session: [...defaultStatements.session],
});

/** The "user" role: no admin action. */
const userAc = defaultAc.newRole({ user: [], session: [] });

/** The roles admin() uses when `roles` is not set. */
const defaultRoles = { admin: adminAc, user: userAc };

module.exports = { defaultStatements, defaultAc, adminAc, userAc, defaultRoles };
