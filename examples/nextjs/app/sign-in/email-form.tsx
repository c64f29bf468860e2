"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

/** Email and password, with the official client (`authClient.signIn.email`). */
export function EmailSignInForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { data, error } = await authClient.signIn.email({
      email: String(form.get("email")),
      password: String(form.get("password")),
    });
    if (error) {
      setPending(false);
      setError(error.message ?? error.code ?? error.statusText);
      return;
    }
    // 2FA on: no session yet; twoFactorClient's onTwoFactorRedirect is taking the browser to
    // /two-factor (lib/auth-client.ts)
    if (data && "twoFactorRedirect" in data) return;
    setPending(false);
    router.push("/dashboard");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} aria-label="Sign in">
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="email" required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in"}</button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
