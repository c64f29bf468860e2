"use client";

import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

// Passwordless sign-in with the official magicLinkClient() (lib/auth-client.ts) against the
// server's magicLink() plugin (lib/auth.ts): authClient.signIn.magicLink asks the server to mail
// a single-use link (5 minutes); in this example the dev mailer captures it (/dev/mail). Opening
// the link (GET /api/auth/magic-link/verify) signs the user in — creating the account on a first
// visit, with the name given here — and redirects to the dashboard. A used or expired link
// redirects back here with ?error=INVALID_TOKEN or ?error=EXPIRED_TOKEN.

const LINK_ERRORS: Record<string, string> = {
  INVALID_TOKEN: "This sign-in link is invalid or was already used. Ask for a new one.",
  EXPIRED_TOKEN: "This sign-in link has expired. Ask for a new one.",
};

export default function MagicLinkPage() {
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    const code = new URLSearchParams(window.location.search).get("error");
    if (code) setError(LINK_ERRORS[code] ?? `Sign-in failed (${code}).`);
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const name = String(form.get("name") ?? "").trim();
    setPending(true);
    setError(null);
    const { error } = await authClient.signIn.magicLink({
      email,
      ...(name ? { name } : {}),
      callbackURL: "/dashboard",
      errorCallbackURL: "/sign-in/magic-link",
    });
    setPending(false);
    if (error) {
      setError(error.message ?? error.code ?? error.statusText);
      return;
    }
    setSentTo(email);
  }

  return (
    <>
      <h1>Sign in with a magic link</h1>
      <form onSubmit={onSubmit} aria-label="Magic link">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="name">Name (for a new account)</label>
        <input id="name" name="name" autoComplete="name" />
        <button type="submit" disabled={pending}>{pending ? "Sending…" : "Send me a link"}</button>
        {error && <p role="alert" className="error">{error}</p>}
        {sentTo && (
          <p role="status">
            Check your email: a sign-in link was sent to <strong>{sentTo}</strong>.
          </p>
        )}
      </form>
      <p className="muted">
        In development the mail lands in the <a href="/dev/mail">dev outbox</a>. · <Link href="/sign-in">Sign in with a password</Link>
      </p>
    </>
  );
}
