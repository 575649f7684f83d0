import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
// Includes typescript-eslint's `recommended` rules.
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    // eslint-config-next's defaults (a globalIgnores call replaces them).
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    // Local data, reports and generated code (Prisma client, protobufjs static module).
    ".data/**",
    ".bench/**",
    "coverage/**",
    "test-results/**",
    "playwright-report/**",
    "lib/generated/**",
    "lib/otlp/generated/**",
  ]),
]);
