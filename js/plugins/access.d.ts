/**
 * `better-auth-rs/plugins/access`: access-control statements and roles, typed as Better Auth's
 * `better-auth/plugins/access` (the same shapes, so these roles also fit `adminClient({ ac, roles })`).
 */

/** A string literal that still accepts any string (keeps literal autocompletion). */
type LiteralString = "" | (string & Record<never, never>);

/** The element type of an array type. */
export type ArrayElement<T> = T extends readonly (infer E)[] ? E : never;
/** Any array (mutable or readonly) of elements of `T`. */
export type SubArray<T extends unknown[] | readonly unknown[] | any[]> = T[number][] | ReadonlyArray<T[number]>;
/** Resources `K` of `R`, each with some of its actions. */
export type Subset<K extends keyof R, R extends Record<string | LiteralString, readonly string[] | readonly LiteralString[]>> = {
  [P in K]: SubArray<R[P]>;
};
/** Resource → the actions it has. */
export type Statements = {
  readonly [resource: string]: readonly LiteralString[];
};
/** Some of the resources of `TStatements`, each with some of its actions. */
export type RoleStatements<TStatements extends Statements> = {
  readonly [P in keyof TStatements]?: SubArray<TStatements[P]>;
};
/** What `newRole` accepts: only resources and actions the access control declares. */
export type RoleInput<TStatements extends Statements, TRoleStatements extends Statements> = TRoleStatements &
  (string extends keyof TRoleStatements ? {} : RoleStatements<TStatements> & Record<Exclude<keyof TRoleStatements, keyof TStatements>, never>);
/** A role's statements with their exact action tuples. */
export type ExactRoleStatements<TStatements extends Statements> = {
  readonly [P in keyof TStatements]: readonly [...TStatements[P]];
};
/** What `createAccessControl(statements)` returns. */
export type AccessControl<TStatements extends Statements = Statements> = {
  newRole<const TRoleStatements extends Statements>(
    statements: RoleInput<TStatements, TRoleStatements>,
  ): Role<ExactRoleStatements<TRoleStatements>, TStatements>;
  statements: TStatements;
};
/**
 * A permission request: resource → the actions needed (all of them), or
 * `{ actions, connector: "OR" }` for any one of them.
 */
export type RoleAuthorizeRequest<TStatements extends Statements> = {
  [P in keyof TStatements]?:
    | SubArray<TStatements[P]>
    | {
        actions: SubArray<TStatements[P]>;
        connector: "OR" | "AND";
      };
};
/** The answer of `Role.authorize`. */
export type AuthorizeResponse =
  | {
      success: false;
      error: string;
    }
  | {
      success: true;
      error?: never | undefined;
    };
/** A role: its statements and `authorize(request, connector = "AND")`. */
export type Role<TRoleStatements extends Statements = Record<string, any>, TAuthorizeStatements extends Statements = TRoleStatements> = {
  /**
   * Whether the role grants `request`. `connector` combines the resources: "AND" (default)
   * needs every one, "OR" any one. An empty request is not authorized; a resource value that is
   * neither an array nor an object throws a `BetterAuthError` ("Invalid access control request").
   */
  authorize: (request: RoleAuthorizeRequest<TAuthorizeStatements>, connector?: ("OR" | "AND") | undefined) => AuthorizeResponse;
  statements: TRoleStatements;
};

/** A role from its statements, without an access control. */
export declare function role<const TRoleStatements extends Statements, TAuthorizeStatements extends Statements = TRoleStatements>(
  statements: TRoleStatements,
): Role<ExactRoleStatements<TRoleStatements>, TAuthorizeStatements>;

/** An access control over `statements` (every resource and its actions); `newRole` makes roles checked against it. */
export declare function createAccessControl<const TStatements extends Statements>(statements: TStatements): AccessControl<TStatements>;
