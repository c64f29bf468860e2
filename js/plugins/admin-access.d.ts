/**
 * `better-auth-rs/plugins/admin/access`: the admin plugin's default statements and roles, typed
 * as Better Auth's `better-auth/plugins/admin/access`.
 */
import type { AccessControl, ExactRoleStatements, Role } from "./access";

type DefaultStatements = {
  readonly user: readonly [
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
  ];
  readonly session: readonly ["list", "revoke", "delete"];
};

/** Every action the admin endpoints check, by resource (`user`, `session`). */
export declare const defaultStatements: DefaultStatements;
/** `createAccessControl(defaultStatements)`. */
export declare const defaultAc: AccessControl<DefaultStatements>;
/** The "admin" role: every action except `user: ["impersonate-admins"]`. */
export declare const adminAc: Role<
  ExactRoleStatements<{
    readonly user: ["create", "list", "set-role", "ban", "impersonate", "delete", "set-password", "set-email", "set-phone", "get", "update"];
    readonly session: ["list", "revoke", "delete"];
  }>,
  DefaultStatements
>;
/** The "user" role: no admin action. */
export declare const userAc: Role<ExactRoleStatements<{ readonly user: []; readonly session: [] }>, DefaultStatements>;
/** `{ admin: adminAc, user: userAc }`: the roles when `admin({ roles })` is not set. */
export declare const defaultRoles: {
  admin: typeof adminAc;
  user: typeof userAc;
};
