import { describe, expect, it } from "vitest";
import { SPAN_KIND } from "@/lib/otlp/model";
import { appendOperationFilter, parseOperationFilter, serializeOperationFilter } from "./service-detail-params";

describe("operation filter in the URL", () => {
  it("reads an operation with or without a kind", () => {
    expect(parseOperationFilter(new URLSearchParams("operation=GET%20%2Forders&kind=server"))).toEqual({
      filter: { name: "GET /orders", spanKind: SPAN_KIND.SERVER },
      error: null,
    });
    expect(parseOperationFilter(new URLSearchParams("operation=SELECT"))).toEqual({
      filter: { name: "SELECT", spanKind: null },
      error: null,
    });
    expect(parseOperationFilter(new URLSearchParams(""))).toEqual({ filter: null, error: null });
  });

  it("reports a bad kind (keeping the operation), a kind without an operation and an overlong name", () => {
    expect(parseOperationFilter(new URLSearchParams("operation=a&kind=sever"))).toMatchObject({
      filter: { name: "a", spanKind: null },
      error: { param: "kind" },
    });
    expect(parseOperationFilter(new URLSearchParams("kind=server"))).toMatchObject({ filter: null, error: { param: "kind" } });
    expect(parseOperationFilter(new URLSearchParams({ operation: "x".repeat(1_025) }))).toMatchObject({
      filter: null,
      error: { param: "operation" },
    });
  });

  it("round-trips, unspecified kind included", () => {
    for (const filter of [
      { name: "work <1>", spanKind: SPAN_KIND.UNSPECIFIED },
      { name: "GET /a?b=c&d", spanKind: SPAN_KIND.CONSUMER },
      { name: "x", spanKind: null },
    ]) {
      expect(parseOperationFilter(appendOperationFilter(new URLSearchParams(), filter)).filter).toEqual(filter);
    }
    expect(serializeOperationFilter(null)).toEqual({ operation: null, kind: null });
  });
});
