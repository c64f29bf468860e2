"use client";

import { useEffect, useState } from "react";
import { authClient } from "@/lib/auth-client";

/**
 * "Sign in with …", one button per provider configured on the server (`providers` comes from
 * lib/auth.ts through the page: ids and names only). `authClient.signIn.social` asks the server
 * for the provider's authorization URL and takes the browser there; the provider sends it back to
 * /api/auth/callback/<id>, which signs in (creating the user the first time) and redirects to
 * /dashboard, or to /sign-in?error=... when the sign-in failed.
 */
export function SocialSignInButtons({ providers }: { providers: { id: string; name: string }[] }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);

  useEffect(() => {
    // the callback's error redirect: ?error=<code>&error_description=...
    const params = new URLSearchParams(window.location.search);
    const code = params.get("error");
    if (code) setError(params.get("error_description") || `Sign-in failed (${code}).`);
  }, []);

  if (providers.length === 0) return null;

  async function signIn(provider: string) {
    setPending(provider);
    setError(null);
    const { error } = await authClient.signIn.social({
      provider,
      callbackURL: "/dashboard",
      errorCallbackURL: "/sign-in",
    });
    // on success the browser is already on its way to the provider
    if (error) {
      setPending(null);
      setError(error.message ?? error.code ?? error.statusText);
    }
  }

  return (
    <section aria-label="Sign in with a provider" className="social">
      {providers.map((p) => (
        <button key={p.id} type="button" disabled={pending !== null} onClick={() => signIn(p.id)}>
          {pending === p.id ? `Redirecting to ${p.name}…` : `Sign in with ${p.name}`}
        </button>
      ))}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
