import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/http/errors";
import { searchParamsToObject } from "@/lib/http/route-handler";
import { DEFAULT_SEARCH_LOOKBACK_US, parseTraceQuery, type TraceQuery } from "./parse-trace-query";

const NOW_MS = 1_763_719_200_000;
const NOW_US = BigInt(NOW_MS) * 1000n;

function parse(query: string): TraceQuery {
  return parseTraceQuery(searchParamsToObject(new URLSearchParams(query)), NOW_MS);
}

function search(query: string) {
  const result = parse(query);
  if (result.kind !== "search") throw new Error("expected a search");
  return result.filters;
}

function errorOf(query: string): ValidationError {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${query} to be refused`);
}

describe("parseTraceQuery", () => {
  it("applies Jaeger's defaults: end = now, start = end - 2 days, limit 20", () => {
    expect(search("service=cart")).toEqual({
      service: "cart",
      operation: undefined,
      tags: {},
      minDurationNs: undefined,
      maxDurationNs: undefined,
      startUs: NOW_US - DEFAULT_SEARCH_LOOKBACK_US,
      endUs: NOW_US,
      limit: 20,
    });
  });

  it("reads every filter", () => {
    const filters = search(
      "service=cart&operation=GET%20%2Fcart&minDuration=1.2s&maxDuration=2s&start=1763700000000001&end=1763719200000002&limit=50",
    );
    expect(filters).toMatchObject({
      service: "cart",
      operation: "GET /cart",
      minDurationNs: 1_200_000_000n,
      maxDurationNs: 2_000_000_000n,
      startUs: 1_763_700_000_000_001n,
      endUs: 1_763_719_200_000_002n,
      limit: 50,
    });
  });

  it("treats empty parameters as absent, as jaeger-ui sends them", () => {
    expect(search("service=cart&operation=&minDuration=&maxDuration=&limit=&tags=").operation).toBeUndefined();
  });

  it("reads tags from the JSON object form and the repeated tag=k:v form", () => {
    const filters = search(
      `service=cart&tags=${encodeURIComponent('{"http.status_code":"500","retry":2,"cache.hit":true}')}&tag=peer.service:db:primary&tag=region:eu`,
    );
    expect(filters.tags).toEqual({
      "http.status_code": "500",
      retry: "2",
      "cache.hit": "true",
      "peer.service": "db:primary",
      region: "eu",
    });
  });

  it("uses lookback for the window when start is absent, and ignores lookback=custom", () => {
    expect(search("service=cart&lookback=1h").startUs).toBe(NOW_US - 3_600_000_000n);
    expect(search("service=cart&lookback=2d&end=1763719200000000").startUs).toBe(1_763_719_200_000_000n - 172_800_000_000n);
    expect(search("service=cart&lookback=custom&start=5&end=10")).toMatchObject({ startUs: 5n, endUs: 10n });
  });

  it("caps the limit at 1500", () => {
    expect(search("service=cart&limit=100000").limit).toBe(1500);
  });

  it("requires service with Jaeger's message", () => {
    const error = errorOf("operation=x");
    expect(error.message).toBe("parameter 'service' is required");
    expect(error.status).toBe(400);
  });

  it("names the parameter at fault", () => {
    expect(errorOf("service=a&minDuration=fast").message).toBe(
      `unable to parse param 'minDuration': "fast" is not a duration; use e.g. 1.2s, 100ms or 5us`,
    );
    expect(errorOf("service=a&maxDuration=10").message).toContain("'maxDuration'");
    expect(errorOf("service=a&limit=ten").message).toBe("unable to parse param 'limit': expected a positive integer");
    expect(errorOf("service=a&limit=0").message).toBe("unable to parse param 'limit': must be at least 1");
    expect(errorOf("service=a&start=yesterday").message).toContain("'start'");
    expect(errorOf("service=a&end=1.5").message).toContain("'end'");
    expect(errorOf("service=a&lookback=forever").message).toContain("'lookback'");
    expect(errorOf("service=a&tags={oops").message).toMatch(/^malformed 'tags' parameter, cannot unmarshal JSON/);
    expect(errorOf("service=a&tags=[1]").message).toMatch(/^malformed 'tags' parameter/);
    expect(errorOf(`service=a&tags=${encodeURIComponent('{"k":{"x":1}}')}`).message).toMatch(/"k" must be a string/);
    expect(errorOf("service=a&tag=novalue").message).toBe("malformed 'tag' parameter, expecting key:value, received: novalue");
  });

  it("refuses maxDuration below minDuration and start after end", () => {
    expect(errorOf("service=a&minDuration=2s&maxDuration=1s").message).toBe("'maxDuration' should be greater than 'minDuration'");
    expect(errorOf("service=a&start=10&end=5").message).toBe("'start' should not be after 'end'");
  });

  it("returns a lookup by id for traceID parameters, without requiring service", () => {
    expect(
      parse("traceID=0AF7651916CD43DD8448EB211C80319C&traceID=8448eb211c80319c&traceID=0af7651916cd43dd8448eb211c80319c"),
    ).toEqual({
      kind: "ids",
      traceIds: ["0af7651916cd43dd8448eb211c80319c", "00000000000000008448eb211c80319c"],
      startUs: undefined,
      endUs: undefined,
    });
    expect(errorOf("traceID=nope").message).toContain("traceID");
  });
});
