import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Decides whether the production build in .next/ is current, by hashing everything that
 * goes into it. `npm start` rebuilds only when the hash changed, so a fresh clone builds
 * once and later starts are instant.
 */

const INPUT_DIRS = ["app", "components", "lib", "public"];
const INPUT_FILES = [
  "next.config.ts",
  "proxy.ts",
  "instrumentation-client.ts",
  "package-lock.json",
  "tsconfig.json",
  "postcss.config.mjs",
  "prisma/schema.prisma",
];
const SKIP_DIRS = new Set(["node_modules", "generated", "bench", "cli", "test"]);
const STAMP = path.join(".next", "breakwater-build-hash");

function listFiles(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) listFiles(full, out);
    } else if (!/\.test\.tsx?$/.test(entry.name)) {
      out.push(full);
    }
  }
}

function computeBuildHash(root: string): string {
  const files: string[] = [];
  for (const dir of INPUT_DIRS) listFiles(path.join(root, dir), files);
  for (const file of INPUT_FILES) {
    const full = path.join(root, file);
    if (existsSync(full) && statSync(full).isFile()) files.push(full);
  }
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export function isBuildCurrent(root: string): boolean {
  const stamp = path.join(root, STAMP);
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(stamp)) return false;
  return readFileSync(stamp, "utf8").trim() === computeBuildHash(root);
}

export function recordBuild(root: string): void {
  writeFileSync(path.join(root, STAMP), computeBuildHash(root) + "\n");
}
