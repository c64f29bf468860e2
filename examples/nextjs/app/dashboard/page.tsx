import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth";
import { signOutAction } from "@/app/actions";
import { SignOutButton } from "./sign-out-button";
import { TwoFactorSection } from "./two-factor-section";

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
      <TwoFactorSection enabled={session.user.twoFactorEnabled === true} />
      <SignOutButton />
      <form action={signOutAction}>
        <button type="submit">Sign out on the server</button>
      </form>
    </>
  );
}
