/**
 * `npm test`: every test, in order — format check, lint, typecheck, the production build (when
 * stale), unit, integration (real PostgreSQL: DATABASE_URL or an embedded one; system tests run
 * real Breakwater processes on the build), then end-to-end in a real browser against the build.
 * Ends with one summary line "tests: N passed, N failed".
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { isBuildCurrent, recordBuild } from "./build-state";
import { repoRoot, runBin } from "./run";

type Tally = { passed: number; failed: number; skipped: number };

const resultsDir = path.join(repoRoot, "test-results");

function readVitestTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function readPlaywrightTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
  };
}

async function main(): Promise<void> {
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const steps: string[] = [];
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const add = (t: Tally) => {
    tally.passed += t.passed;
    tally.failed += t.failed;
    tally.skipped += t.skipped;
  };

  if ((await runBin(repoRoot, "tsx", [path.join(repoRoot, "lib/cli/prisma-generate.ts")])) !== 0) {
    throw new Error("prisma generate failed");
  }

  console.log("\n── format check (prettier) ──");
  if ((await runBin(repoRoot, "prettier", ["--check", "."])) !== 0) steps.push("format check");

  console.log("\n── lint (eslint) ──");
  if ((await runBin(repoRoot, "eslint", ["."])) !== 0) steps.push("lint");

  console.log("\n── typecheck ──");
  if ((await runBin(repoRoot, "tsc", ["--noEmit", "-p", "."])) !== 0) steps.push("typecheck");

  // The production build comes before vitest: system integration tests (the demo shop against
  // a real Breakwater process) serve it, as the browser tests do.
  console.log("\n── production build (next build, when sources changed) ──");
  if (!isBuildCurrent(repoRoot)) {
    if ((await runBin(repoRoot, "next", ["build"], { ...process.env, NODE_ENV: "production" })) !== 0) {
      steps.push("next build");
    } else {
      recordBuild(repoRoot);
    }
  }

  console.log("\n── unit + integration (vitest) ──");
  const vitestJson = path.join(resultsDir, "vitest.json");
  const vitestCode = await runBin(repoRoot, "vitest", [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestJson}`,
  ]);
  add(readVitestTally(vitestJson));
  if (vitestCode !== 0) steps.push("vitest");

  console.log("\n── end-to-end (playwright + chromium) ──");
  if (!steps.includes("next build")) {
    const playwrightJson = path.join(resultsDir, "playwright.json");
    const code = await runBin(repoRoot, "playwright", ["test"], {
      ...process.env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    });
    add(readPlaywrightTally(playwrightJson));
    if (code !== 0) steps.push("playwright");
  }

  if (steps.length > 0) console.log(`\nFailed steps: ${steps.join(", ")}`);
  console.log(`\ntests: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  process.exit(steps.length > 0 || tally.failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
