// Type-level assertions on `auth.$Infer` and `auth.api` (compiled by tsc --strict; nothing runs).
import { betterAuth, getMigrations, type Auth, type InferUser, type BetterAuthOptions, type DBFieldAttribute } from "better-auth-rs";
import { jwt, bearer } from "better-auth-rs/plugins";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type HasKey<T, K extends PropertyKey> = K extends keyof T ? true : false;

// --- no additional fields: the core shapes ---------------------------------------------------
const plain = betterAuth({ emailAndPassword: { enabled: true } });
type PlainUser = typeof plain.$Infer.Session.user;
type _p1 = Expect<Equal<PlainUser["email"], string>>;
type _p2 = Expect<Equal<PlainUser["image"], string | null | undefined>>;
type _p3 = Expect<Equal<HasKey<PlainUser, "role">, false>>;
type _p4 = Expect<Equal<typeof plain.$Infer.Session.session["expiresAt"], Date>>;
// plugin methods only with the plugin
type _p5 = Expect<Equal<HasKey<typeof plain.api, "getToken">, false>>;
type _p6 = Expect<Equal<HasKey<typeof plain.api, "getSession">, true>>;

// --- additional fields, as Better Auth infers them -------------------------------------------
const auth = betterAuth({
  database: "auth.db",
  user: {
    modelName: "users",
    fields: { emailVerified: "email_verified", createdAt: "created_at" },
    additionalFields: {
      role: { type: "string", defaultValue: "user", input: false },
      plan: { type: ["free", "pro"], required: false },
      age: { type: "number", required: true },
      nickname: { type: "string", required: false },
      secretNote: { type: "string", required: false, returned: false },
      tags: { type: "string[]", required: false },
      birthday: { type: "date", required: false, defaultValue: () => new Date() },
    },
  },
  session: {
    fields: { userId: "user_id", expiresAt: "expires_at" },
    additionalFields: { activeOrganizationId: { type: "string", required: false } },
  },
  account: { modelName: "accounts", fields: { providerId: "provider_id", password: "password_hash" } },
  verification: { modelName: "verifications", fields: { identifier: "identifier" } },
  plugins: [jwt({ jwt: { issuer: "https://example.com" } }), bearer()],
});

type U = typeof auth.$Infer.Session.user;
type S = typeof auth.$Infer.Session.session;
type _a1 = Expect<Equal<U["role"], string>>; // defaultValue → present
type _a2 = Expect<Equal<U["age"], number>>;
type _a3 = Expect<Equal<U["plan"], "free" | "pro" | null | undefined>>;
type _a4 = Expect<Equal<U["nickname"], string | null | undefined>>;
type _a5 = Expect<Equal<HasKey<U, "secretNote">, false>>; // returned: false
type _a6 = Expect<Equal<U["tags"], string[] | null | undefined>>;
type _a7 = Expect<Equal<U["email"], string>>;
type _a8 = Expect<Equal<S["activeOrganizationId"], string | null | undefined>>;
type _a9 = Expect<Equal<S["token"], string>>;
type _a10 = Expect<Equal<typeof auth.$Infer.User, U>>;
type _a11 = Expect<Equal<InferUser<typeof auth.options>, U>>;

// auth.api carries the same types
async function apiShapes(headers: Headers) {
  const s = await auth.api.getSession({ headers });
  if (s) {
    const role: string = s.user.role;
    const org: string | null | undefined = s.session.activeOrganizationId;
    // @ts-expect-error returned: false is not on the user
    s.user.secretNote;
    void role, org;
  }
  // a required additional field must be given on sign-up; input: false fields are not accepted as typed input
  const r = await auth.api.signUpEmail({ body: { name: "A", email: "a@x.io", password: "password123", age: 30 } });
  const age: number = r.user.age;
  // @ts-expect-error `age` is required
  await auth.api.signUpEmail({ body: { name: "A", email: "a@x.io", password: "password123" } });
  await auth.api.signUp.email({ body: { name: "A", email: "a@x.io", password: "password123", age: 1, plan: "pro" } });
  const withHeaders = await auth.api.signInEmail({ body: { email: "a@x.io", password: "password123" }, returnHeaders: true });
  const cookie: string | null = withHeaders.headers.get("set-cookie");
  const asResponse: Response = await auth.api.signInEmail({ body: { email: "a@x.io", password: "password123" }, asResponse: true });
  // jwt plugin methods, present because plugins holds jwt()
  const { token } = await auth.api.getToken({ headers });
  const { keys } = await auth.api.getJwks();
  const kid: string = keys[0].kid;
  const signed = await auth.api.signJWT({ body: { payload: { sub: "u1", scope: "read" } } });
  const verified = await auth.api.verifyJWT({ body: { token: signed.token } });
  const sub: string | undefined = verified.payload?.sub;
  void age, cookie, asResponse, token, kid, sub;
}
void apiShapes;

// --- Better Auth's own plugin objects: an `id` literal turns the jwt API on; plugin schema fields and $Infer are merged
const fieldPlugin = {
  id: "with-fields" as const,
  schema: { user: { fields: { banned: { type: "boolean" as const, required: false as const, defaultValue: false } } } },
  $Infer: { Extra: {} as { ok: true } },
};
const _fieldsAreAttributes: Record<string, DBFieldAttribute> = fieldPlugin.schema.user.fields;
const withPlugin = betterAuth({ plugins: [fieldPlugin, { id: "jwt" as const, options: {} }], advanced: { unservedPlugins: ["with-fields"] } });
type WU = typeof withPlugin.$Infer.Session.user;
type _b1 = Expect<Equal<WU["banned"], boolean | null | undefined>>;
type _b2 = Expect<Equal<typeof withPlugin.$Infer.Extra, { ok: true }>>;
type _b3 = Expect<Equal<HasKey<typeof withPlugin.api, "verifyJWT">, true>>;

// --- options declared apart (widened): everything stays callable ----------------------------
const options: BetterAuthOptions = { emailAndPassword: { enabled: true } };
const wide: Auth = betterAuth(options);
type _w1 = Expect<Equal<HasKey<typeof wide.api, "getToken">, true>>;
const m = getMigrations(auth);
const stmts: Promise<string[]> = m.statements();
void stmts, wide;
