import { describe, expect, it } from "vitest";
import { SPAN_KIND } from "@/lib/otlp/model";
import { toSearchParams } from "@/lib/ui/search-params";
import { parseServiceDetailView, serializeServiceDetailView } from "./search-params";

describe("service detail view in the URL", () => {
  it("reads the range, the charted operation and the table order, and says what it ignored", () => {
    const view = parseServiceDetailView(
      new URLSearchParams("range=6h&operation=GET%20%2Forders&kind=server&sort=p95&dir=asc&refresh=off"),
    );
    expect(view).toEqual({
      range: { kind: "preset", preset: "6h" },
      filter: { name: "GET /orders", spanKind: SPAN_KIND.SERVER },
      sort: { key: "p95", direction: "asc" },
      errors: [],
    });
    const bad = parseServiceDetailView(new URLSearchParams("range=2d&kind=sever"));
    expect(bad.range).toEqual({ kind: "preset", preset: "1h" });
    expect(bad.errors.map((e) => e.param)).toEqual(["range", "kind"]);
  });

  it("writes only what changed, removing defaults", () => {
    expect(serializeServiceDetailView({ filter: null })).toEqual({ operation: null, kind: null });
    expect(
      serializeServiceDetailView({ sort: { key: "rate", direction: "desc" }, filter: { name: "a", spanKind: null } }),
    ).toEqual({
      operation: "a",
      kind: null,
      sort: null,
      dir: null,
    });
  });

  it("reads a server page's searchParams object", () => {
    expect(parseServiceDetailView(toSearchParams({ range: ["15m", "1h"], operation: "x" }))).toMatchObject({
      range: { kind: "preset", preset: "15m" },
      filter: { name: "x", spanKind: null },
    });
  });
});
