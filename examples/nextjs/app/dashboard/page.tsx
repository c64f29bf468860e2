import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { signOutAction } from "@/app/actions";
import { SignOutButton } from "./sign-out-button";
import { TwoFactorSection } from "./two-factor-section";

// The cast works around a typing gap of better-auth-rs/plugins/two-factor: its twoFactor() type
// does not declare the user.twoFactorEnabled column yet, so session.user lacks it in TypeScript
// (with better-auth's own twoFactor() it is typed). The value is there at run time either way.
const twoFactorEnabled = (user: object) => (user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled === true;

export default async function DashboardPage() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect("/sign-in");

  return (
    <>
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="user-name">{session.user.name}</strong>{" "}
        (<span data-testid="user-email">{session.user.email}</span>)
      </p>
      <p className="muted">Session expires {session.session.expiresAt.toISOString()}</p>
      {/* the admin plugin's role, comma-joined when the user has several */}
      {(session.user.role ?? "").split(",").includes("admin") && (
        <p>
          <Link href="/admin">Manage users</Link>
        </p>
      )}
      {/* the twoFactor plugin's user.twoFactorEnabled (true once a first code is verified) */}
      <TwoFactorSection enabled={twoFactorEnabled(session.user)} />
      <SignOutButton />
      <form action={signOutAction}>
        <button type="submit">Sign out on the server</button>
      </form>
    </>
  );
}
