import { describe, expect, it } from "vitest";
import { parseServiceSort, serializeServiceSort, serviceDetailHref, toSearchParams } from "./search-params";

const params = (query: string) => new URLSearchParams(query);

describe("parseServiceSort", () => {
  it("defaults to name ascending", () => {
    expect(parseServiceSort(params(""))).toEqual({ key: "name", direction: "asc" });
    expect(parseServiceSort(params("sort=bogus&dir=desc"))).toEqual({ key: "name", direction: "asc" });
  });

  it("reads a column with its natural direction unless one is given", () => {
    expect(parseServiceSort(params("sort=rate"))).toEqual({ key: "rate", direction: "desc" });
    expect(parseServiceSort(params("sort=p95&dir=asc"))).toEqual({ key: "p95", direction: "asc" });
    expect(parseServiceSort(params("sort=lastSeen&dir=sideways"))).toEqual({ key: "lastSeen", direction: "desc" });
    // Columns of the earlier Overview fall back to the default.
    expect(parseServiceSort(params("sort=spans&dir=asc"))).toEqual({ key: "name", direction: "asc" });
  });
});

describe("serializeServiceSort", () => {
  it("keeps default values out of the URL and round-trips the rest", () => {
    expect(serializeServiceSort({ key: "name", direction: "asc" })).toEqual({ sort: null, dir: null });
    expect(serializeServiceSort({ key: "errors", direction: "desc" })).toEqual({ sort: "errors", dir: null });
    for (const sort of [
      { key: "name", direction: "desc" },
      { key: "rate", direction: "asc" },
      { key: "p99", direction: "desc" },
      { key: "instances", direction: "asc" },
      { key: "breakers", direction: "desc" },
    ] as const) {
      const values = serializeServiceSort(sort);
      const query = new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null));
      expect(parseServiceSort(query)).toEqual(sort);
    }
  });
});

describe("serviceDetailHref", () => {
  it("links to the service, keeping the time range and refresh but not the sort", () => {
    expect(serviceDetailHref("orders", params(""))).toBe("/services/orders");
    expect(serviceDetailHref("orders", params("sort=p95&range=custom&from=1&to=2&refresh=off"))).toBe(
      "/services/orders?range=custom&from=1&to=2&refresh=off",
    );
  });

  it("keeps any name inside one path segment", () => {
    expect(serviceDetailHref("a/b?c#d", params(""))).toBe("/services/a%2Fb%3Fc%23d");
    expect(serviceDetailHref("javascript:alert(1)", params(""))).toBe("/services/javascript%3Aalert(1)");
  });
});

describe("toSearchParams", () => {
  it("takes the first value of each parameter", () => {
    expect(toSearchParams({ range: ["6h", "1h"], sort: "rate", dir: undefined }).toString()).toBe("range=6h&sort=rate");
  });
});
