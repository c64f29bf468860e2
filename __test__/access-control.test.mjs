// Access control (better-auth-rs/plugins/access, /plugins/admin/access) answers as Better Auth's:
// the same statements and roles built with both packages, every role asked every single action,
// multi-action and multi-resource requests under both connectors, unknown resources, empty and
// invalid requests; the admin defaults compared; admin() options carry each role's statements
// through JSON (how they reach the engine); and Better Auth's adminClient().checkRolePermission
// given our ac/roles answers as with its own. Pure JS: no engine, no server.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as baAccess from "better-auth/plugins/access";
import * as baAdminAccess from "better-auth/plugins/admin/access";
import { admin as baAdmin } from "better-auth/plugins/admin";
import { createAuthClient } from "better-auth/client";
import { adminClient, ADMIN_ERROR_CODES as BA_ADMIN_ERROR_CODES } from "better-auth/client/plugins";
import ourAccess from "../js/plugins/access.js";
import ourAdminAccess from "../js/plugins/admin-access.js";
import ourAdminPlugin from "../js/plugins/admin.js";
import ourPlugins from "../js/plugins.js";
import * as ourAccessEsm from "better-auth-rs/plugins/access";
import * as ourAdminAccessEsm from "better-auth-rs/plugins/admin/access";
import * as ourAdminEsm from "better-auth-rs/plugins/admin";

const impls = {
  ours: { ...ourAccess, ...ourAdminAccess },
  theirs: { ...baAccess, ...baAdminAccess },
};

const PROJECT = ["create", "read", "update", "delete", "share"];
const BILLING = ["read", "update"];

/** The same app permissions file, written against one implementation. */
function build({ createAccessControl, role, defaultStatements, adminAc, userAc }) {
  const statements = { ...defaultStatements, project: PROJECT, billing: BILLING };
  const ac = createAccessControl(statements);
  const roles = {
    admin: ac.newRole({ ...adminAc.statements, project: ["read", "share"] }),
    user: ac.newRole({ ...userAc.statements, project: ["read"] }),
    viewer: ac.newRole({ project: ["read"], billing: ["read"] }),
    editor: ac.newRole({ project: ["create", "read", "update"] }),
    owner: ac.newRole({ project: [...PROJECT], billing: [...BILLING], session: ["list"] }),
    support: ac.newRole({ user: ["list", "get", "ban"], session: ["list", "revoke"], project: ["read"] }),
    nothing: ac.newRole({}),
    emptyLists: ac.newRole({ project: [], billing: [] }),
    standalone: role({ project: ["read", "share"], reports: ["export"] }),
    // statements the types reject but plain JavaScript can pass: a string, whose includes() matches substrings
    stringActions: role({ project: "create,read", billing: null }),
  };
  return { statements, ac, roles };
}

const built = { ours: build(impls.ours), theirs: build(impls.theirs) };
const ROLE_NAMES = Object.keys(built.ours.roles);

/** What calling `fn` gives: its value, or the error's name and message. */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: { name: e?.name, message: e?.message } };
  }
}

/** Every request of the matrix: [label, request, connector (undefined = default)]. */
function requests() {
  const out = [];
  const { statements } = built.ours;
  const resources = [...Object.keys(statements), "reports", "unknownResource"];
  // every single action of every resource, plus an action no statement has
  for (const r of resources) {
    for (const a of [...(statements[r] ?? ["export", "x"]), "not-an-action"]) {
      out.push([`${r}:${a}`, { [r]: [a] }, undefined]);
      out.push([`${r}:${a} OR`, { [r]: [a] }, "OR"]);
    }
  }
  // several actions on one resource: AND (bare list / explicit), OR
  const multi = [
    ["project", ["read", "update"]],
    ["project", ["read", "delete"]],
    ["project", ["delete", "share"]],
    ["project", ["read", "not-an-action"]],
    ["user", ["list", "get"]],
    ["user", ["ban", "impersonate"]],
    ["user", ["impersonate", "impersonate-admins"]],
    ["session", ["list", "revoke", "delete"]],
    ["billing", ["read", "update"]],
  ];
  for (const [r, actions] of multi) {
    out.push([`${r}:[${actions}]`, { [r]: actions }, undefined]);
    out.push([`${r}:{AND ${actions}}`, { [r]: { actions, connector: "AND" } }, undefined]);
    out.push([`${r}:{OR ${actions}}`, { [r]: { actions, connector: "OR" } }, undefined]);
    out.push([`${r}:{or ${actions}}`, { [r]: { actions, connector: "or" } }, undefined]); // not "OR": means AND
    out.push([`${r}:{no connector ${actions}}`, { [r]: { actions } }, undefined]);
  }
  // several resources, under each outer connector (and values that are neither)
  const combos = [
    { project: ["read"], billing: ["read"] },
    { project: ["read"], billing: ["update"] },
    { billing: ["update"], project: ["read"] },
    { project: ["delete"], user: ["list"] },
    { user: ["list"], session: ["list"] },
    { unknownResource: ["x"], project: ["read"] },
    { project: ["read"], unknownResource: ["x"] },
    { project: { actions: ["delete", "read"], connector: "OR" }, billing: ["read"] },
    { project: ["share"], reports: ["export"] },
    { user: ["impersonate-admins"], session: ["revoke"] },
    { project: [], billing: ["read"] },
  ];
  for (const req of combos) {
    for (const c of [undefined, "AND", "OR", "or", null, "XOR"]) out.push([`${JSON.stringify(req)} ${c}`, req, c]);
  }
  // empty requests and odd action lists (never authorized)
  const odd = [
    {},
    { project: [] },
    { project: { actions: [] } },
    { project: { actions: [], connector: "OR" } },
    { project: { actions: "read" } }, // not an array: counts as no action
    { project: { actions: null, connector: "OR" } },
    { project: {} },
    { project: [1, null, true] }, // non-string actions never match
    { project: [["read"]] },
    { project: ["read", 1] },
    { project: { actions: [1, "read"], connector: "OR" } },
    { "": ["read"] },
  ];
  for (const req of odd) for (const c of [undefined, "OR"]) out.push([`odd ${JSON.stringify(req)} ${c}`, req, c]);
  // invalid requests: throw, unless the loop has decided before reaching them
  const invalid = [
    { project: "read" },
    { project: null },
    { project: undefined },
    { project: 5 },
    { project: true },
    { project: 0 },
    { project: "" },
    { project: () => ["read"] },
    { unknownResource: "x", project: ["read"] }, // AND: decided at the unknown resource
    { project: ["read"], billing: "read" },
    { project: ["delete"], billing: "read" }, // AND: decided at project for most roles
    { billing: "read", project: ["read"] },
  ];
  for (const req of invalid) for (const c of [undefined, "OR", "XOR"]) out.push([`invalid ${String(Object.entries(req))} ${c}`, req, c]);
  return out;
}

const REQUESTS = requests();

describe("Role.authorize: every role × every request, ours vs Better Auth's", () => {
  test("the matrix is not empty", () => {
    assert.ok(REQUESTS.length > 200, `only ${REQUESTS.length} requests`);
  });
  for (const name of ROLE_NAMES) {
    test(`role ${name}`, () => {
      let compared = 0;
      for (const [label, request, connector] of REQUESTS) {
        const run = (impl) => outcome(() => (connector === undefined ? built[impl].roles[name].authorize(request) : built[impl].roles[name].authorize(request, connector)));
        const ours = run("ours");
        const theirs = run("theirs");
        assert.deepEqual(ours, theirs, `${name} / ${label}`);
        compared++;
      }
      assert.equal(compared, REQUESTS.length);
    });
  }

  test("the answers' shapes: { success: true } has no error key; refusals carry Better Auth's messages", () => {
    const { editor, nothing } = built.ours.roles;
    assert.deepEqual(Object.keys(editor.authorize({ project: ["read"] })), ["success"]);
    assert.deepEqual(editor.authorize({ project: ["delete"] }), { success: false, error: 'unauthorized to access resource "project"' });
    assert.deepEqual(editor.authorize({ billing: ["read"] }), { success: false, error: "You are not allowed to access resource: billing" });
    assert.deepEqual(editor.authorize({ billing: ["read"] }, "OR"), { success: false, error: "Not authorized" });
    assert.deepEqual(editor.authorize({}), { success: false, error: "Not authorized" });
    assert.deepEqual(nothing.authorize({}, "OR"), { success: false, error: "Not authorized" });
    assert.deepEqual(editor.authorize({ project: ["delete"], billing: ["read"] }, "OR"), { success: false, error: "Not authorized" });
    assert.deepEqual(editor.authorize({ project: { actions: ["delete", "read"], connector: "OR" } }), { success: true });
  });

  test("an invalid request throws an Error named BetterAuthError", () => {
    const { editor } = built.ours.roles;
    assert.throws(
      () => editor.authorize({ project: "read" }),
      (e) => e instanceof Error && e.name === "BetterAuthError" && e.message === "Invalid access control request",
    );
  });

  test("resource names from Object.prototype are not resources (Better Auth throws a TypeError for these)", () => {
    const { owner } = built.ours.roles;
    for (const r of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const req = JSON.parse(`{"${r}": ["read"]}`); // an own key, even for __proto__
      assert.deepEqual(owner.authorize(req), { success: false, error: `You are not allowed to access resource: ${r}` }, r);
      assert.deepEqual(owner.authorize(req, "OR"), { success: false, error: "Not authorized" }, r);
      // Better Auth looks the name up through the prototype chain and calls .includes on what it finds
      assert.throws(() => built.theirs.roles.owner.authorize(req), TypeError, r);
    }
  });
});

describe("statements and default roles, ours vs Better Auth's", () => {
  test("createAccessControl keeps the statements object; newRole/role keep theirs", () => {
    const s = { a: ["x"] };
    const ac = ourAccess.createAccessControl(s);
    assert.equal(ac.statements, s);
    const rs = { a: ["x"] };
    assert.equal(ac.newRole(rs).statements, rs);
    assert.equal(ourAccess.role(rs).statements, rs);
  });

  test("every role's statements are the same", () => {
    for (const name of ROLE_NAMES) assert.deepEqual(built.ours.roles[name].statements, built.theirs.roles[name].statements, name);
    assert.deepEqual(built.ours.ac.statements, built.theirs.ac.statements);
  });

  test("defaultStatements, defaultAc, adminAc, userAc, defaultRoles", () => {
    const o = ourAdminAccess;
    const t = baAdminAccess;
    assert.deepEqual(o.defaultStatements, t.defaultStatements);
    assert.equal(JSON.stringify(o.defaultStatements), JSON.stringify(t.defaultStatements)); // same order too
    assert.deepEqual(o.defaultAc.statements, t.defaultAc.statements);
    assert.deepEqual(o.adminAc.statements, t.adminAc.statements);
    assert.equal(JSON.stringify(o.adminAc.statements), JSON.stringify(t.adminAc.statements));
    assert.deepEqual(o.userAc.statements, t.userAc.statements);
    assert.deepEqual(Object.keys(o.defaultRoles), Object.keys(t.defaultRoles));
    for (const k of Object.keys(t.defaultRoles)) assert.deepEqual(o.defaultRoles[k].statements, t.defaultRoles[k].statements, k);
    assert.equal(o.defaultRoles.admin, o.adminAc);
    assert.equal(o.defaultRoles.user, o.userAc);
    // admin can do everything but impersonate admins
    assert.deepEqual(o.adminAc.authorize({ user: ["impersonate-admins"] }), t.adminAc.authorize({ user: ["impersonate-admins"] }));
    assert.equal(o.adminAc.authorize({ user: ["impersonate-admins"] }).success, false);
    assert.equal(o.adminAc.authorize({ user: ["impersonate", "ban", "set-role"], session: ["revoke"] }).success, true);
    assert.equal(o.userAc.authorize({ user: ["get"] }).success, false);
  });

  test("the ESM entry points give the same objects as the CommonJS ones", () => {
    assert.equal(ourAccessEsm.createAccessControl, ourAccess.createAccessControl);
    assert.equal(ourAccessEsm.role, ourAccess.role);
    for (const k of ["defaultStatements", "defaultAc", "adminAc", "userAc", "defaultRoles"]) assert.equal(ourAdminAccessEsm[k], ourAdminAccess[k], k);
    assert.equal(ourAdminEsm.admin, ourAdminPlugin.admin);
    assert.equal(ourAdminEsm.ADMIN_ERROR_CODES, ourAdminPlugin.ADMIN_ERROR_CODES);
    assert.equal(ourPlugins.admin, ourAdminPlugin.admin);
    assert.equal(ourPlugins.createAccessControl, ourAccess.createAccessControl);
    assert.equal(ourPlugins.role, ourAccess.role);
  });
});

describe("admin() descriptor", () => {
  const { admin, ADMIN_ERROR_CODES } = ourAdminPlugin;

  test("{ id, options as given, $ERROR_CODES }", () => {
    const options = { defaultRole: "member", adminUserIds: ["u1"] };
    const p = admin(options);
    assert.equal(p.id, "admin");
    assert.equal(p.options, options);
    assert.equal(p.$ERROR_CODES, ADMIN_ERROR_CODES);
    assert.deepEqual(admin().options, {});
  });

  test("JSON.stringify(admin({ roles, ac })) carries each role's statements (what the engine reads)", () => {
    const { ac, roles } = built.ours;
    const bannedUserMessage = async (u) => `banned: ${u.email}`;
    const p = admin({ ac, roles, adminRoles: ["admin", "owner"], bannedUserMessage, defaultBanReason: "spam" });
    const json = JSON.parse(JSON.stringify({ id: p.id, options: p.options }));
    assert.deepEqual(Object.keys(json.options.roles), ROLE_NAMES);
    for (const name of ROLE_NAMES) {
      assert.deepEqual(json.options.roles[name], { statements: JSON.parse(JSON.stringify(roles[name].statements)) }, name);
    }
    assert.deepEqual(json.options.ac, { statements: JSON.parse(JSON.stringify(ac.statements)) });
    assert.equal("bannedUserMessage" in json.options, false); // a function: the engine calls it back
    assert.equal(p.options.bannedUserMessage, bannedUserMessage);
    assert.equal(json.options.defaultBanReason, "spam");
    // the same JSON as Better Auth's plugin options built from its own roles
    const theirs = baAdmin({ ac: built.theirs.ac, roles: built.theirs.roles, adminRoles: ["admin", "owner"], bannedUserMessage, defaultBanReason: "spam" });
    assert.equal(JSON.stringify(p.options), JSON.stringify(theirs.options));
    // the defaults too
    assert.equal(JSON.stringify(admin({ roles: ourAdminAccess.defaultRoles }).options), JSON.stringify(baAdmin({ roles: baAdminAccess.defaultRoles }).options));
  });

  test("adminRoles must name roles, as Better Auth checks them when admin() is called", () => {
    const cases = [
      {},
      { adminRoles: ["admin"] },
      { adminRoles: "admin" },
      { adminRoles: "ADMIN,User" },
      { adminRoles: ["superuser"] },
      { adminRoles: "admin, user" }, // entries are not trimmed: " user" is no role
      { adminRoles: ["admin", "owner"] }, // owner: not a default role
      { adminRoles: ["owner", "Support"], roles: built.ours.roles },
      { adminRoles: ["owner", "ghost", "x"], roles: built.ours.roles },
      { adminRoles: [] },
      { adminRoles: "" },
    ];
    for (const options of cases) {
      const theirsOptions = options.roles ? { ...options, roles: built.theirs.roles } : options;
      const ours = outcome(() => admin(options).id);
      const theirs = outcome(() => baAdmin(theirsOptions).id);
      assert.deepEqual(ours, theirs, JSON.stringify(options.adminRoles));
    }
    assert.throws(() => admin({ adminRoles: ["superuser"] }), {
      name: "BetterAuthError",
      message: "Invalid admin roles: superuser. Admin roles must be defined in the 'roles' configuration.",
    });
  });

  test("ADMIN_ERROR_CODES: Better Auth's codes and messages, same order and shape", () => {
    const plain = (codes) => Object.entries(codes).map(([k, v]) => [k, v.code, v.message, String(v)]);
    assert.deepEqual(plain(ADMIN_ERROR_CODES), plain(BA_ADMIN_ERROR_CODES));
    assert.equal(Object.keys(ADMIN_ERROR_CODES).length, 25);
    assert.deepEqual(JSON.parse(JSON.stringify(ADMIN_ERROR_CODES.BANNED_USER)), { code: "BANNED_USER", message: "You have been banned from this application" });
  });
});

describe("Better Auth's adminClient().checkRolePermission with our ac/roles", () => {
  const client = (impl) =>
    createAuthClient({ baseURL: "http://localhost:3000", plugins: [adminClient({ ac: built[impl].ac, roles: built[impl].roles })] });
  const defaultsClient = (impl) =>
    createAuthClient({ baseURL: "http://localhost:3000", plugins: [adminClient({ ac: impls[impl].defaultAc, roles: impls[impl].defaultRoles })] });
  const ours = client("ours");
  const theirs = client("theirs");

  // hasPermission authorizes with "AND" and needs valid requests: every valid request of the matrix
  const permissionSets = REQUESTS.filter(([label, , c]) => c === undefined && !label.startsWith("invalid")).map(([, r]) => r);
  const roleStrings = [...ROLE_NAMES, "viewer,editor", "nothing,owner", "viewer, editor", "ghost", ""];

  test("every role (and comma lists, unknown names) × every permission set", () => {
    let compared = 0;
    for (const role of roleStrings) {
      for (const permissions of permissionSets) {
        const a = outcome(() => ours.admin.checkRolePermission({ role, permissions }));
        const b = outcome(() => theirs.admin.checkRolePermission({ role, permissions }));
        assert.deepEqual(a, b, `${role} ${JSON.stringify(permissions)}`);
        compared++;
      }
    }
    assert.ok(compared > 1000, `${compared}`);
  });

  test("with the default ac/roles from better-auth-rs/plugins/admin/access", () => {
    const o = defaultsClient("ours");
    const t = defaultsClient("theirs");
    for (const role of ["admin", "user", "admin,user", "ghost"]) {
      for (const [resource, actions] of Object.entries(baAdminAccess.defaultStatements)) {
        for (const action of actions) {
          const permissions = { [resource]: [action] };
          assert.equal(o.admin.checkRolePermission({ role, permissions }), t.admin.checkRolePermission({ role, permissions }), `${role} ${resource}:${action}`);
        }
      }
    }
    assert.equal(o.admin.checkRolePermission({ role: "admin", permissions: { user: ["impersonate-admins"] } }), false);
    assert.equal(o.admin.checkRolePermission({ role: "admin", permissions: { user: ["ban"], session: ["revoke"] } }), true);
  });
});
