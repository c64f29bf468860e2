import { createAuthClient } from "better-auth/react";
import { adminClient } from "better-auth/client/plugins";

// Same origin as the app: no baseURL needed. adminClient() adds authClient.admin.* (the
// server's admin() plugin in lib/auth.ts).
export const authClient = createAuthClient({ plugins: [adminClient()] });
