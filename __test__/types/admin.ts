// Type-level checks of the admin plugin and access control as an app writes them (compiled by
// tsc --strict; nothing runs): a permissions file shared by the server and Better Auth's client,
// admin() options, the typed auth.api methods and the plugin's user/session fields.
import { betterAuth } from "better-auth-rs";
import { createAccessControl, role, type AuthorizeResponse, type Role } from "better-auth-rs/plugins/access";
import { adminAc, defaultRoles, defaultStatements, userAc } from "better-auth-rs/plugins/admin/access";
import { admin, ADMIN_ERROR_CODES, type AdminOptions, type UserWithRole } from "better-auth-rs/plugins/admin";
import * as plugins from "better-auth-rs/plugins";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import { admin as baAdmin } from "better-auth/plugins";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type HasKey<T, K extends PropertyKey> = K extends keyof T ? true : false;

// --- permissions.ts -------------------------------------------------------------------------
const statement = { ...defaultStatements, project: ["create", "share", "update", "delete"] } as const;
export const ac = createAccessControl(statement);
export const member = ac.newRole({ project: ["create"] });
export const owner = ac.newRole({ project: ["create", "update", "delete", "share"], ...adminAc.statements });
export const adminRole = ac.newRole({ ...adminAc.statements, project: ["share"] });
// @ts-expect-error an action the statements do not have
ac.newRole({ project: ["fly"] });
// @ts-expect-error a resource the statements do not have
ac.newRole({ planet: ["create"] });

const allowed: AuthorizeResponse = member.authorize({ project: ["create"] });
if (!allowed.success) {
  const why: string = allowed.error;
  void why;
}
member.authorize({ project: { actions: ["create", "share"], connector: "OR" }, user: ["list"] }, "OR");
// @ts-expect-error an action the statements do not have
member.authorize({ project: ["fly"] });
type _r1 = Expect<Equal<(typeof member.statements)["project"], readonly ["create"]>>;
const loose: Role = role({ anything: ["goes"] });
const defaults: Role[] = [adminAc, userAc, defaultRoles.admin, defaultRoles.user];
void loose, defaults;
// the same objects from better-auth-rs/plugins
const samePlugins: [typeof plugins.createAccessControl, typeof plugins.role, typeof plugins.admin] = [createAccessControl, role, admin];
void samePlugins;

// --- auth.ts --------------------------------------------------------------------------------
const adminOptions = {
  ac,
  roles: { admin: adminRole, member, owner },
  defaultRole: "member",
  adminRoles: ["admin", "owner"],
  adminUserIds: ["root"],
  defaultBanReason: "spam",
  defaultBanExpiresIn: 60 * 60 * 24,
  impersonationSessionDuration: 60 * 60,
  bannedUserMessage: async (user: UserWithRole) => `${user.email} is banned until ${user.banExpires?.toISOString() ?? "forever"}`,
  schema: { user: { fields: { banReason: "ban_reason" } }, session: { modelName: "sessions" } },
} satisfies AdminOptions;
const auth = betterAuth({ database: "auth.db", emailAndPassword: { enabled: true }, plugins: [admin(adminOptions)] });
admin({ adminRoles: "admin", bannedUserMessage: "Banned." });
// Better Auth's own admin() takes these roles as well
baAdmin({ ac, roles: { admin: adminRole, member } });

type U = typeof auth.$Infer.Session.user;
type S = typeof auth.$Infer.Session.session;
type _u1 = Expect<Equal<U["role"], string | null | undefined>>;
type _u2 = Expect<Equal<U["banned"], boolean | null | undefined>>;
type _u3 = Expect<Equal<U["banExpires"], Date | null | undefined>>;
type _s1 = Expect<Equal<S["impersonatedBy"], string | null | undefined>>;
type _e1 = Expect<Equal<(typeof ADMIN_ERROR_CODES)["BANNED_USER"]["code"], "BANNED_USER">>;

async function adminCalls(headers: Headers) {
  const { users, total } = await auth.api.listUsers({ query: { searchValue: "a", limit: 10, sortBy: "createdAt", filterField: "role", filterValue: "member" }, headers });
  const banned: boolean | null = users[0].banned;
  const one: UserWithRole = await auth.api.getUser({ query: { id: "u1" }, headers });
  await auth.api.setRole({ body: { userId: "u1", role: ["member", "owner"] }, headers });
  // @ts-expect-error set-role needs the admin's headers
  await auth.api.setRole({ body: { userId: "u1", role: "member" } });
  const created = await auth.api.createUser({ body: { email: "a@x.io", password: "password123", name: "A", role: "member", data: { plan: "pro" } } });
  const updated: UserWithRole = await auth.api.adminUpdateUser({ body: { userId: "u1", data: { name: "B" } }, headers });
  const { sessions } = await auth.api.listUserSessions({ body: { userId: "u1" }, headers });
  const by: string | undefined = sessions[0].impersonatedBy;
  await auth.api.banUser({ body: { userId: "u1", banReason: "spam", banExpiresIn: 3600 }, headers });
  await auth.api.unbanUser({ body: { userId: "u1" }, headers });
  const imp = await auth.api.impersonateUser({ body: { userId: "u1" }, headers, returnHeaders: true });
  const cookies: string | null = imp.headers.get("set-cookie");
  const impUser: UserWithRole = imp.response.user;
  const back = await auth.api.stopImpersonating({ headers });
  const r1: boolean = (await auth.api.revokeUserSession({ body: { sessionToken: "t" }, headers })).success;
  const r2: boolean = (await auth.api.revokeUserSessions({ body: { userId: "u1" }, headers })).success;
  const r3: boolean = (await auth.api.removeUser({ body: { userId: "u1" }, headers })).success;
  const r4: boolean = (await auth.api.setUserPassword({ body: { userId: "u1", newPassword: "password123" }, headers })).status;
  const perm = await auth.api.userHasPermission({ body: { role: "member", permissions: { project: ["create"] } } });
  const ok: boolean = perm.success;
  const err: null = perm.error;
  const res: Response = await auth.api.banUser({ body: { userId: "u1" }, headers, asResponse: true });
  void total, banned, one, created, updated, by, cookies, impUser, back, r1, r2, r3, r4, ok, err, res;
}
void adminCalls;

// no admin() → no admin methods
const plain = betterAuth({ emailAndPassword: { enabled: true } });
type _p1 = Expect<Equal<HasKey<typeof plain.api, "listUsers">, false>>;
type _p2 = Expect<Equal<HasKey<typeof plain.$Infer.Session.user, "role">, false>>;

// --- auth-client.ts: Better Auth's client with our ac/roles ---------------------------------
const client = createAuthClient({ baseURL: "http://localhost:3000", plugins: [adminClient({ ac, roles: { admin: adminRole, member, owner } })] });
const can: boolean = client.admin.checkRolePermission({ role: "member", permissions: { project: ["create"] } });
// @ts-expect-error not one of the roles
client.admin.checkRolePermission({ role: "ghost", permissions: { project: ["create"] } });
// @ts-expect-error an action the statements do not have
client.admin.checkRolePermission({ role: "member", permissions: { project: ["fly"] } });
void can;
