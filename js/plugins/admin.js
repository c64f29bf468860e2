"use strict";
/**
 * `better-auth-rs/plugins/admin`: the `admin()` plugin descriptor (behaviour in
 * src/plugins/admin/: endpoints, the ban check on session creation, permission checks).
 *
 * The engine gets `options` as JSON: a role in `roles` arrives as `{ statements }` (its
 * `authorize` function drops out) and `ac` as `{ statements }`. A `bannedUserMessage` function
 * stays in JS and is called by the engine (a callback the plugin declares).
 */
const { defineErrorCodes } = require("../errors.js");
const { defaultRoles } = require("./admin-access.js");

/** The admin plugin's error codes, `{ CODE: { code, message } }` as Better Auth's `ADMIN_ERROR_CODES`. */
const ADMIN_ERROR_CODES = defineErrorCodes({
  FAILED_TO_CREATE_USER: "Failed to create user",
  USER_ALREADY_EXISTS: "User already exists.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "User already exists. Use another email.",
  YOU_CANNOT_BAN_YOURSELF: "You cannot ban yourself",
  YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE: "You are not allowed to change users role",
  YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS: "You are not allowed to create users",
  YOU_ARE_NOT_ALLOWED_TO_LIST_USERS: "You are not allowed to list users",
  YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS: "You are not allowed to list users sessions",
  YOU_ARE_NOT_ALLOWED_TO_BAN_USERS: "You are not allowed to ban users",
  YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS: "You are not allowed to impersonate users",
  YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS: "You are not allowed to revoke users sessions",
  YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS: "You are not allowed to delete users",
  YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD: "You are not allowed to set users password",
  BANNED_USER: "You have been banned from this application",
  YOU_ARE_NOT_ALLOWED_TO_GET_USER: "You are not allowed to get user",
  NO_DATA_TO_UPDATE: "No data to update",
  YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS: "You are not allowed to update users",
  YOU_CANNOT_REMOVE_YOURSELF: "You cannot remove yourself",
  YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE: "You are not allowed to set a non-existent role value",
  YOU_CANNOT_IMPERSONATE_ADMINS: "You cannot impersonate admins",
  INVALID_ROLE_TYPE: "Invalid role type",
  YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL: "You are not allowed to update users email",
  YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER: "You are not allowed to update users phone number",
  PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER:
    "Password cannot be updated through update-user. Use the set-user-password endpoint instead",
  USER_ID_CANNOT_BE_UPDATED: "User id cannot be updated",
});

/**
 * The columns the plugin adds (logical names; `options.schema` renames them). Carried on the
 * descriptor as on Better Auth's plugin object, so `auth.$Infer` types `user.role`, `banned`, ...
 */
const schema = {
  user: {
    fields: {
      role: { type: "string", required: false, input: false },
      banned: { type: "boolean", defaultValue: false, required: false, input: false },
      banReason: { type: "string", required: false, input: false },
      banExpires: { type: "date", required: false, input: false },
    },
  },
  session: {
    fields: {
      impersonatedBy: { type: "string", required: false, input: false },
    },
  },
};

/**
 * `adminRoles` names must be roles (`roles`, or the default admin/user), compared without case;
 * a string is split on "," (entries not trimmed). Checked when admin() is called, as Better Auth.
 */
function checkAdminRoles(options) {
  if (!options.adminRoles) return;
  const names = Array.isArray(options.adminRoles) ? options.adminRoles : options.adminRoles.split(",");
  const known = Object.keys(options.roles || defaultRoles).map((r) => r.toLowerCase());
  const unknown = names.filter((name) => !known.includes(name.toLowerCase()));
  if (unknown.length > 0) {
    const err = new Error(
      `Invalid admin roles: ${unknown.join(", ")}. Admin roles must be defined in the 'roles' configuration.`,
    );
    err.name = "BetterAuthError";
    throw err;
  }
}

/**
 * `admin()`: user management endpoints under /admin/*, roles and permissions, bans and
 * impersonation, as Better Auth's admin plugin.
 * @param {object} [options] Better Auth's `AdminOptions`
 */
function admin(options = {}) {
  checkAdminRoles(options ?? {});
  return { id: "admin", options, $ERROR_CODES: ADMIN_ERROR_CODES, schema };
}

module.exports = { admin, ADMIN_ERROR_CODES };
