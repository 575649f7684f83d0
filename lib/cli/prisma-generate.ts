/**
 * `npm run prisma:generate`: generates the Prisma client into lib/generated/prisma.
 *
 * The Prisma CLI downloads its native schema engine on start-up unless
 * PRISMA_SCHEMA_ENGINE_BINARY points at one. `generate` itself runs on WebAssembly, so we
 * point the variable at a stub (which fails loudly if anything actually calls it) instead of
 * needing the network. Regeneration is skipped when the schema and Prisma version are
 * unchanged since the last run (hash stored next to the generated code).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const schemaPath = path.join(root, "prisma/schema.prisma");
const outputDir = path.join(root, "lib/generated/prisma");
const hashPath = path.join(outputDir, ".schema-hash");
const stubEngine = path.join(root, "prisma/stub-schema-engine.sh");
const prismaCli = path.join(root, "node_modules/prisma/build/index.js");

function computeHash(): string {
  const prismaVersion = JSON.parse(readFileSync(path.join(root, "node_modules/prisma/package.json"), "utf8")) as {
    version: string;
  };
  return createHash("sha256")
    .update(readFileSync(schemaPath))
    .update(readFileSync(path.join(root, "prisma.config.ts")))
    .update(`prisma@${prismaVersion.version}`)
    .digest("hex");
}

function main(): number {
  const force = process.argv.includes("--force");
  const hash = computeHash();
  const upToDate =
    existsSync(path.join(outputDir, "client.ts")) && existsSync(hashPath) && readFileSync(hashPath, "utf8").trim() === hash;
  if (upToDate && !force) {
    console.log("prisma:generate: lib/generated/prisma is up to date with prisma/schema.prisma (use --force to regenerate)");
    return 0;
  }

  const env = { ...process.env };
  env.PRISMA_SCHEMA_ENGINE_BINARY ??= stubEngine;
  // Keep the CLI quiet and offline: no update check, no telemetry, no engine download hints.
  env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
  env.CHECKPOINT_DISABLE ??= "1";

  const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schemaPath], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  if (result.error) {
    console.error(`prisma:generate: could not run the Prisma CLI: ${result.error.message}`);
    return 1;
  }
  if (result.status !== 0) {
    console.error(`prisma:generate: prisma generate failed (exit ${result.status ?? result.signal})`);
    return result.status ?? 1;
  }
  writeFileSync(hashPath, `${hash}\n`);
  return 0;
}

process.exitCode = main();
