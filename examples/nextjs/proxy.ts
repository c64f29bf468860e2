import { NextResponse, type NextRequest } from "next/server";

// Proxy (Next 16's renamed middleware; Node.js runtime). A fast cookie-presence check only:
// the dashboard page validates the session itself with auth.api.getSession, and the admin page's
// API calls are checked by the admin plugin on the server.
export function proxy(request: NextRequest) {
  const signedIn =
    request.cookies.has("better-auth.session_token") || request.cookies.has("__Secure-better-auth.session_token");
  if (!signedIn) return NextResponse.redirect(new URL("/sign-in", request.url));
  return NextResponse.next();
}

export const config = { matcher: ["/dashboard/:path*", "/admin/:path*"] };
