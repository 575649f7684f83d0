import { describe, expect, it } from "vitest";
import { parseServiceSort, serializeServiceSort } from "./search-params";

const params = (query: string) => new URLSearchParams(query);

describe("parseServiceSort", () => {
  it("defaults to name ascending", () => {
    expect(parseServiceSort(params(""))).toEqual({ key: "name", direction: "asc" });
    expect(parseServiceSort(params("sort=bogus&dir=desc"))).toEqual({ key: "name", direction: "asc" });
  });

  it("reads a column with its natural direction unless one is given", () => {
    expect(parseServiceSort(params("sort=spans"))).toEqual({ key: "spans", direction: "desc" });
    expect(parseServiceSort(params("sort=spans&dir=asc"))).toEqual({ key: "spans", direction: "asc" });
    expect(parseServiceSort(params("sort=lastSeen&dir=sideways"))).toEqual({ key: "lastSeen", direction: "desc" });
  });
});

describe("serializeServiceSort", () => {
  it("keeps default values out of the URL and round-trips the rest", () => {
    expect(serializeServiceSort({ key: "name", direction: "asc" })).toEqual({ sort: null, dir: null });
    expect(serializeServiceSort({ key: "spans", direction: "desc" })).toEqual({ sort: "spans", dir: null });
    for (const sort of [
      { key: "name", direction: "desc" },
      { key: "spans", direction: "asc" },
      { key: "firstSeen", direction: "desc" },
    ] as const) {
      const values = serializeServiceSort(sort);
      const query = new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null));
      expect(parseServiceSort(query)).toEqual(sort);
    }
  });
});
