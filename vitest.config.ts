import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Two layers: unit tests beside the code (pure logic, no I/O), and integration tests
// (`*.integration.test.ts`) against a real PostgreSQL — DATABASE_URL when set, otherwise
// an embedded PostgreSQL started by the global setup. Each integration file migrates its
// own PostgreSQL schema, so files run in parallel without sharing rows.
export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,components,app,services-demo}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,app,services-demo}/**/*.integration.test.ts"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["lib/test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
