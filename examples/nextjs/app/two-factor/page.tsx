"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

// The second step of a sign-in with two-factor on. The password sign-in answered
// { twoFactorRedirect: true } with no session, only the signed `two_factor` challenge cookie
// (valid 10 minutes), and twoFactorClient's onTwoFactorRedirect (lib/auth-client.ts) sent the
// browser here. A code from the authenticator app (authClient.twoFactor.verifyTotp) or a backup
// code (authClient.twoFactor.verifyBackupCode) completes the sign-in: the session cookie is set.
// "Trust this device" sets a trust_device cookie: the next sign-ins from this browser skip this
// step for 30 days.

export default function TwoFactorPage() {
  const router = useRouter();
  const [backup, setBackup] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = String(form.get("code")).trim();
    const trustDevice = form.get("trustDevice") === "on";
    setPending(true);
    setError(null);
    const { error } = backup
      ? await authClient.twoFactor.verifyBackupCode({ code, trustDevice })
      : await authClient.twoFactor.verifyTotp({ code, trustDevice });
    setPending(false);
    if (error) {
      setError(error.message ?? error.code ?? error.statusText);
      return;
    }
    router.push("/dashboard");
    router.refresh();
  }

  return (
    <>
      <h1>Two-factor authentication</h1>
      <form onSubmit={onSubmit} aria-label="Verify two-factor code" key={backup ? "backup" : "totp"}>
        <label htmlFor="code">{backup ? "Backup code" : "Code from your authenticator app"}</label>
        <input
          id="code"
          name="code"
          autoComplete="one-time-code"
          inputMode={backup ? "text" : "numeric"}
          autoFocus
          required
        />
        <label className="check">
          <input type="checkbox" name="trustDevice" /> Trust this device for 30 days
        </label>
        <button type="submit" disabled={pending}>{pending ? "Verifying…" : "Verify"}</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      <p className="muted">
        <button type="button" className="link" onClick={() => (setBackup(!backup), setError(null))}>
          {backup ? "Use a code from the authenticator app" : "Use a backup code instead"}
        </button>
        {" · "}
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </>
  );
}
