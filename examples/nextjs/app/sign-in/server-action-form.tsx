"use client";

import { useActionState } from "react";
import { signInAction } from "@/app/actions";

/** The same sign-in, through a server action (`auth.api.signInEmail` on the server). */
export function ServerActionSignInForm() {
  const [state, action, pending] = useActionState(signInAction, null);
  return (
    <form action={action} aria-label="Sign in with a server action">
      <label htmlFor="sa-email">Email</label>
      <input id="sa-email" name="email" type="email" autoComplete="email" required />
      <label htmlFor="sa-password">Password</label>
      <input id="sa-password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in on the server"}</button>
      {state?.error && <p role="alert" className="error">{state.error}</p>}
    </form>
  );
}
