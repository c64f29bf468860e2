"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

// Two-factor authentication from the dashboard, with the official twoFactorClient()
// (lib/auth-client.ts) against the server's twoFactor() plugin (lib/auth.ts):
//   1. the password → authClient.twoFactor.enable: a TOTP URI (for an authenticator app; most
//      read it from a QR code) and 10 single-use backup codes; 2FA is not on yet,
//   2. a code from the app → authClient.twoFactor.verifyTotp: 2FA is on; from now on a password
//      sign-in asks for a code on /two-factor,
//   3. the password → authClient.twoFactor.disable turns it off.

type Setup = { totpURI: string; backupCodes: string[] };
type ClientError = { message?: string; code?: string; status: number; statusText: string };

const describe = (e: ClientError) => e.message ?? e.code ?? `${e.status} ${e.statusText}`;

export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function run(call: () => Promise<{ error: ClientError | null }>, then: () => void) {
    setPending(true);
    setError(null);
    const { error } = await call();
    setPending(false);
    if (error) setError(describe(error));
    else then();
  }

  function enable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    let result: Setup | null = null;
    void run(
      async () => {
        const { data, error } = await authClient.twoFactor.enable({ password });
        // { totpURI, backupCodes } for the default method (TOTP); { method: "otp" } is the
        // email/SMS method, not offered here
        if (data && "totpURI" in data) result = data;
        return { error };
      },
      () => setSetup(result),
    );
  }

  function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code")).trim();
    void run(
      () => authClient.twoFactor.verifyTotp({ code }),
      () => {
        setSetup(null);
        router.refresh(); // the server page reads user.twoFactorEnabled again
      },
    );
  }

  function disable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    void run(() => authClient.twoFactor.disable({ password }), () => router.refresh());
  }

  const alert = error && <p role="alert" className="error">{error}</p>;

  if (enabled) {
    return (
      <section aria-label="Two-factor authentication">
        <h2>Two-factor authentication</h2>
        <p data-testid="two-factor-status">Two-factor authentication is on.</p>
        <form onSubmit={disable}>
          <label htmlFor="tf-password">Password</label>
          <input id="tf-password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" disabled={pending}>Turn off two-factor</button>
          {alert}
        </form>
      </section>
    );
  }

  if (setup) {
    const secret = new URL(setup.totpURI).searchParams.get("secret");
    return (
      <section aria-label="Two-factor authentication">
        <h2>Two-factor authentication</h2>
        <p>Add this account to your authenticator app with the URI (or the secret), then enter the code it shows.</p>
        <p className="muted">TOTP URI</p>
        <code data-testid="totp-uri" className="secret">{setup.totpURI}</code>
        <p className="muted">Secret</p>
        <code data-testid="totp-secret" className="secret">{secret}</code>
        <p className="muted">Backup codes (each works once, keep them somewhere safe):</p>
        <ul data-testid="backup-codes" className="codes">
          {setup.backupCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <form onSubmit={verify}>
          <label htmlFor="tf-code">Code from your authenticator app</label>
          <input id="tf-code" name="code" inputMode="numeric" autoComplete="one-time-code" required />
          <button type="submit" disabled={pending}>Verify and turn on</button>
          {alert}
        </form>
      </section>
    );
  }

  return (
    <section aria-label="Two-factor authentication">
      <h2>Two-factor authentication</h2>
      <p data-testid="two-factor-status" className="muted">Two-factor authentication is off.</p>
      <form onSubmit={enable}>
        <label htmlFor="tf-password">Password</label>
        <input id="tf-password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={pending}>Enable two-factor</button>
        {alert}
      </form>
    </section>
  );
}
