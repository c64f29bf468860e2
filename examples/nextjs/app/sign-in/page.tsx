import Link from "next/link";
import { connection } from "next/server";
import { signInProviders } from "@/lib/auth";
import { EmailSignInForm } from "./email-form";
import { ServerActionSignInForm } from "./server-action-form";
import { SocialSignInButtons } from "./social-buttons";

export default async function SignInPage() {
  // rendered per request: the providers are the running server's (its environment), not the build's
  await connection();
  return (
    <>
      <h1>Sign in</h1>
      <SocialSignInButtons providers={signInProviders} />
      <EmailSignInForm />
      <h2>Or with a server action</h2>
      <ServerActionSignInForm />
      <p className="muted">
        No password? <Link href="/sign-in/magic-link">Sign in with a magic link</Link>
        <br />
        No account yet? <Link href="/sign-up">Sign up</Link>
      </p>
    </>
  );
}
