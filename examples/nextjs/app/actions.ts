"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isAPIError } from "better-auth-rs";
import { auth } from "@/lib/auth";

// Server actions calling auth.api directly: nextCookies() (lib/auth.ts) writes the session
// cookie the call sets through next/headers, so the browser is signed in (or out) by the
// action's response.

export type ActionState = { error: string } | null;

export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let result;
  try {
    result = await auth.api.signInEmail({
      body: { email: String(form.get("email")), password: String(form.get("password")) },
      headers: await headers(),
    });
  } catch (error) {
    if (isAPIError(error)) return { error: error.body?.message ?? error.message };
    throw error;
  }
  // 2FA on (twoFactor() in lib/auth.ts): no session yet, the `two_factor` challenge cookie is set
  // instead; the code is asked on /two-factor
  if (result && "twoFactorRedirect" in result) redirect("/two-factor");
  redirect("/dashboard");
}

export async function signOutAction(): Promise<void> {
  await auth.api.signOut({ headers: await headers() });
  redirect("/sign-in");
}
