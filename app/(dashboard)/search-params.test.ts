import { describe, expect, it } from "vitest";
import { parseServiceSort, serializeServiceSort } from "./search-params";

const params = (query: string) => new URLSearchParams(query);

describe("parseServiceSort", () => {
  it("defaults to name ascending", () => {
    expect(parseServiceSort(params(""))).toEqual({ key: "name", direction: "asc" });
    expect(parseServiceSort(params("sort=bogus&dir=desc"))).toEqual({ key: "name", direction: "asc" });
  });

  it("reads a column with its natural direction unless one is given", () => {
    expect(parseServiceSort(params("sort=rate"))).toEqual({ key: "rate", direction: "desc" });
    expect(parseServiceSort(params("sort=p95&dir=asc"))).toEqual({ key: "p95", direction: "asc" });
    expect(parseServiceSort(params("sort=breakers&dir=sideways"))).toEqual({ key: "breakers", direction: "desc" });
    // Columns of the earlier Overview (and the never-shown lastSeen) fall back to the default.
    expect(parseServiceSort(params("sort=spans&dir=asc"))).toEqual({ key: "name", direction: "asc" });
    expect(parseServiceSort(params("sort=lastSeen"))).toEqual({ key: "name", direction: "asc" });
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
