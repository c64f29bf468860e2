import { createAuthClient } from "better-auth/react";
import { adminClient, magicLinkClient, twoFactorClient } from "better-auth/client/plugins";

// Same origin as the app: no baseURL needed. The official client plugins of the server's
// plugins (lib/auth.ts): adminClient() adds authClient.admin.*, twoFactorClient()
// authClient.twoFactor.*, magicLinkClient() authClient.signIn.magicLink.
export const authClient = createAuthClient({
  plugins: [
    adminClient(),
    twoFactorClient({
      // a password sign-in of a user with 2FA on answers { twoFactorRedirect: true } and no
      // session yet: the code is asked on /two-factor (app/two-factor/page.tsx)
      onTwoFactorRedirect() {
        window.location.href = "/two-factor";
      },
    }),
    magicLinkClient(),
  ],
});
