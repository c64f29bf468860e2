import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The native addon is loaded with Node's own `require`, never bundled.
  serverExternalPackages: ["better-auth-rs"],
  // This example lives inside the better-auth-rs repository: keep Next from picking the
  // repository's lockfile as the workspace root.
  turbopack: { root: __dirname },
  outputFileTracingRoot: __dirname,
};

export default nextConfig;
