import type { APICallInput, Session, User, WithFlags } from "../../index";
import type { AccessControl, Role } from "./access";
import type { PluginDescriptor } from "./descriptor";

export type { PluginDescriptor } from "./descriptor";

/** A user as the admin plugin returns it: the core fields plus the plugin's columns. */
export interface UserWithRole extends User {
  role?: string | undefined;
  banned: boolean | null;
  banReason?: (string | null) | undefined;
  banExpires?: (Date | null) | undefined;
}

/** A session with the admin plugin's column (set on impersonation sessions: the admin's user id). */
export interface SessionWithImpersonatedBy extends Session {
  impersonatedBy?: string | undefined;
}

/** Options of `admin()`, as Better Auth's `AdminOptions`. */
export interface AdminOptions {
  /** Role given to new users, and assumed for users without one. @default "user" */
  defaultRole?: string | undefined;
  /**
   * Roles whose users count as admins when impersonating (a string is split on ","). Each must
   * be a role of `roles` (or "admin"/"user" without `roles`), else `admin()` throws. @default ["admin"]
   */
  adminRoles?: (string | string[]) | undefined;
  /** Ban reason when `/admin/ban-user` gives none. @default "No reason" */
  defaultBanReason?: string | undefined;
  /** Seconds until a ban expires when `/admin/ban-user` gives no `banExpiresIn`. @default never */
  defaultBanExpiresIn?: number | undefined;
  /** Seconds an impersonation session lasts. @default 3600 */
  impersonationSessionDuration?: number | undefined;
  /** Rename the plugin's tables/columns. */
  schema?:
    | {
        user?: { modelName?: string | undefined; fields?: { role?: string; banned?: string; banReason?: string; banExpires?: string } | undefined };
        session?: { modelName?: string | undefined; fields?: { impersonatedBy?: string } | undefined };
      }
    | undefined;
  /** The access control the roles were made from (used by the client's `checkRolePermission`). */
  ac?: AccessControl | undefined;
  /** Role name → role. @default { admin: adminAc, user: userAc } */
  roles?: { [key in string]?: Role } | undefined;
  /** User ids that pass every permission check and count as admins. */
  adminUserIds?: string[] | undefined;
  /** Message of the 403 `BANNED_USER` error when a banned user signs in; a function gets the user. */
  bannedUserMessage?: string | ((user: UserWithRole & Record<string, unknown>) => string | Promise<string>) | undefined;
  /** @deprecated Use the `impersonate-admins` permission instead. Lets `impersonate` cover admins too. @default false */
  allowImpersonatingAdmins?: boolean | undefined;
}

/** The role names of admin options `O`: the keys of `roles`, else "user" | "admin". */
export type InferAdminRolesFromOption<O extends AdminOptions | undefined> = O extends { roles: Record<string, unknown> }
  ? keyof O["roles"]
  : "user" | "admin";

/** An error code entry, `{ code, message }`. */
export type AdminErrorCode<K extends string = string> = { readonly code: K; message: string };

/** The admin plugin's error codes, as Better Auth's `ADMIN_ERROR_CODES`. */
export declare const ADMIN_ERROR_CODES: {
  [K in
    | "FAILED_TO_CREATE_USER"
    | "USER_ALREADY_EXISTS"
    | "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"
    | "YOU_CANNOT_BAN_YOURSELF"
    | "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE"
    | "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS"
    | "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS"
    | "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS"
    | "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"
    | "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS"
    | "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS"
    | "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS"
    | "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD"
    | "BANNED_USER"
    | "YOU_ARE_NOT_ALLOWED_TO_GET_USER"
    | "NO_DATA_TO_UPDATE"
    | "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS"
    | "YOU_CANNOT_REMOVE_YOURSELF"
    | "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE"
    | "YOU_CANNOT_IMPERSONATE_ADMINS"
    | "INVALID_ROLE_TYPE"
    | "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL"
    | "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER"
    | "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER"
    | "USER_ID_CANNOT_BE_UPDATED"]: AdminErrorCode<K>;
};

/** The columns the plugin adds (typed so `auth.$Infer` and `auth.api` see `user.role`, `banned`, ...). */
export type AdminSchema = {
  user: {
    fields: {
      role: { type: "string"; required: false; input: false };
      banned: { type: "boolean"; defaultValue: false; required: false; input: false };
      banReason: { type: "string"; required: false; input: false };
      banExpires: { type: "date"; required: false; input: false };
    };
  };
  session: {
    fields: {
      impersonatedBy: { type: "string"; required: false; input: false };
    };
  };
};

/** What `admin()` returns. */
export interface AdminPlugin<O extends AdminOptions = AdminOptions> extends PluginDescriptor<"admin", O> {
  $ERROR_CODES: typeof ADMIN_ERROR_CODES;
  schema: AdminSchema;
}

/**
 * `admin()`: user management under /admin/* (roles and permissions, bans, impersonation), as
 * Better Auth's admin plugin. Throws a `BetterAuthError` when an `adminRoles` entry is not a role.
 */
export declare function admin<O extends AdminOptions>(options?: O): AdminPlugin<O>;

/** Resource → actions, as `/admin/has-permission` and the permission checks take them. */
export type AdminPermissions = { [resource: string]: readonly string[] };

/** Query of `/admin/list-users`. */
export interface ListUsersQuery {
  searchValue?: string;
  searchField?: "email" | "name";
  searchOperator?: "contains" | "starts_with" | "ends_with";
  limit?: string | number;
  offset?: string | number;
  sortBy?: string;
  sortDirection?: "asc" | "desc";
  filterField?: string;
  filterValue?: string | number | boolean | string[] | number[];
  filterOperator?: "eq" | "ne" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "contains" | "starts_with" | "ends_with";
}

/** Body of `/admin/create-user`. */
export interface CreateUserBody {
  email: string;
  password?: string;
  name: string;
  role?: string | string[];
  data?: Record<string, any>;
}

/**
 * `auth.api` methods of the `admin()` plugin (present when `plugins` holds `admin()`, ours or
 * Better Auth's). Every one but `createUser` (without headers: no checks) and
 * `userHasPermission` acts as the session user of `headers` and needs its permission.
 */
export interface AdminAPI {
  /** POST /admin/set-role: `user: ["set-role"]`. An array is stored comma-joined. */
  setRole<I extends APICallInput<{ userId: string; role: string | string[] }>>(
    input: I & { body: { userId: string; role: string | string[] }; headers: HeadersInit },
  ): Promise<WithFlags<I, { user: UserWithRole }>>;
  /** GET /admin/get-user?id=: `user: ["get"]`; the bare user. */
  getUser<I extends APICallInput<never, { id: string }>>(input: I & { query: { id: string } }): Promise<WithFlags<I, UserWithRole>>;
  /** POST /admin/create-user: `user: ["create"]` with a session; without headers, a server call with no checks. */
  createUser<I extends APICallInput<CreateUserBody>>(input: I & { body: CreateUserBody }): Promise<WithFlags<I, { user: UserWithRole }>>;
  /** POST /admin/update-user: `user: ["update"]` (and more for role, ban, email, phone fields); the bare user. */
  adminUpdateUser<I extends APICallInput<{ userId: string; data: Record<string, any> }>>(
    input: I & { body: { userId: string; data: Record<string, any> } },
  ): Promise<WithFlags<I, UserWithRole>>;
  /** GET /admin/list-users: `user: ["list"]`. `limit`/`offset` are in the answer when given. */
  listUsers<I extends APICallInput<never, ListUsersQuery>>(
    input: I,
  ): Promise<WithFlags<I, { users: UserWithRole[]; total: number; limit?: number; offset?: number }>>;
  /** POST /admin/list-user-sessions: `session: ["list"]`. */
  listUserSessions<I extends APICallInput<{ userId: string }>>(
    input: I & { body: { userId: string } },
  ): Promise<WithFlags<I, { sessions: SessionWithImpersonatedBy[] }>>;
  /** POST /admin/unban-user: `user: ["ban"]`. */
  unbanUser<I extends APICallInput<{ userId: string }>>(input: I & { body: { userId: string } }): Promise<WithFlags<I, { user: UserWithRole }>>;
  /** POST /admin/ban-user: `user: ["ban"]`; `banExpiresIn` in seconds. Deletes the user's sessions. */
  banUser<I extends APICallInput<{ userId: string; banReason?: string; banExpiresIn?: number }>>(
    input: I & { body: { userId: string; banReason?: string; banExpiresIn?: number } },
  ): Promise<WithFlags<I, { user: UserWithRole }>>;
  /** POST /admin/impersonate-user: `user: ["impersonate"]` (`["impersonate-admins"]` for an admin). Sets the session cookies. */
  impersonateUser<I extends APICallInput<{ userId: string }>>(
    input: I & { body: { userId: string } },
  ): Promise<WithFlags<I, { session: SessionWithImpersonatedBy; user: UserWithRole }>>;
  /** POST /admin/stop-impersonating: back to the admin's session (cookies). */
  stopImpersonating<I extends APICallInput>(
    input: I & { headers: HeadersInit },
  ): Promise<WithFlags<I, { session: Session & Record<string, any>; user: User & Record<string, any> }>>;
  /** POST /admin/revoke-user-session: `session: ["revoke"]`. */
  revokeUserSession<I extends APICallInput<{ sessionToken: string }>>(
    input: I & { body: { sessionToken: string } },
  ): Promise<WithFlags<I, { success: boolean }>>;
  /** POST /admin/revoke-user-sessions: `session: ["revoke"]`. */
  revokeUserSessions<I extends APICallInput<{ userId: string }>>(input: I & { body: { userId: string } }): Promise<WithFlags<I, { success: boolean }>>;
  /** POST /admin/remove-user: `user: ["delete"]`. */
  removeUser<I extends APICallInput<{ userId: string }>>(input: I & { body: { userId: string } }): Promise<WithFlags<I, { success: boolean }>>;
  /** POST /admin/set-user-password: `user: ["set-password"]`. */
  setUserPassword<I extends APICallInput<{ userId: string; newPassword: string }>>(
    input: I & { body: { userId: string; newPassword: string } },
  ): Promise<WithFlags<I, { status: boolean }>>;
  /**
   * POST /admin/has-permission: whether the session user (else `userId`'s stored role, or
   * `role`) has `permissions` (every resource, every action). `error` is always null.
   */
  userHasPermission<I extends APICallInput<{ userId?: string; role?: string; permissions: AdminPermissions }>>(
    input: I & { body: { userId?: string; role?: string; permissions: AdminPermissions } },
  ): Promise<WithFlags<I, { error: null; success: boolean }>>;
}
