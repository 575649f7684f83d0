import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Checked against a running server too (see require-page-viewer.ts): an RSC request claiming the
// dashboard layout renders only the page, so the page itself must check the session.
const DASHBOARD = path.resolve(import.meta.dirname, "../../app/(dashboard)");

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pages(full);
    return entry.name === "page.tsx" ? [full] : [];
  });
}

describe("dashboard pages", () => {
  const files = pages(DASHBOARD);

  it("are found", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((file) => [path.relative(DASHBOARD, file), file]))(
    "%s checks view access itself before rendering (requirePageViewer)",
    (_name, file) => {
      const source = readFileSync(file, "utf8");
      const body = source.slice(source.indexOf("export default async function"));
      expect(body, "the default export is async and awaits requirePageViewer() first").toMatch(
        /^export default async function \w+\([^)]*\)[^{]*\{\s*await requirePageViewer\(\);/,
      );
    },
  );
});
