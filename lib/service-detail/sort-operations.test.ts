import { describe, expect, it } from "vitest";
import {
  DEFAULT_OPERATION_SORT,
  nextOperationSort,
  parseOperationSort,
  serializeOperationSort,
  sortOperations,
} from "./sort-operations";

const op = (operation: string, spanKind: number, ratePerS: number, errorPct: number, p95Us: number) => ({
  operation,
  spanKind,
  ratePerS,
  errorPct,
  p50Us: p95Us / 2,
  p95Us,
  p99Us: p95Us * 2,
});

const operations = [
  op("GET /b", 2, 5, 0, 300),
  op("GET /a", 2, 5, 10, 100),
  op("SELECT", 3, 20, 0, 200),
  op("GET /a", 3, 1, 50, 900),
];
const names = (list: ReturnType<typeof sortOperations<(typeof operations)[number]>>) =>
  list.map((o) => `${o.operation}:${o.spanKind}`);

describe("sortOperations", () => {
  it("sorts by the chosen column, ties by name then kind", () => {
    expect(names(sortOperations(operations, { key: "rate", direction: "desc" }))).toEqual([
      "SELECT:3",
      "GET /a:2",
      "GET /b:2",
      "GET /a:3",
    ]);
    expect(names(sortOperations(operations, { key: "p95", direction: "asc" }))).toEqual([
      "GET /a:2",
      "SELECT:3",
      "GET /b:2",
      "GET /a:3",
    ]);
    expect(names(sortOperations(operations, { key: "errors", direction: "desc" }))).toEqual([
      "GET /a:3",
      "GET /a:2",
      "GET /b:2",
      "SELECT:3",
    ]);
    expect(names(sortOperations(operations, { key: "operation", direction: "asc" }))).toEqual([
      "GET /a:2",
      "GET /a:3",
      "GET /b:2",
      "SELECT:3",
    ]);
    expect(names(sortOperations(operations, { key: "kind", direction: "desc" }))).toEqual([
      "GET /a:3",
      "SELECT:3",
      "GET /a:2",
      "GET /b:2",
    ]);
  });

  it("does not change its input", () => {
    const copy = [...operations];
    sortOperations(operations, { key: "p99", direction: "asc" });
    expect(operations).toEqual(copy);
  });
});

describe("operation sort in the URL", () => {
  it("flips the active column and starts names A→Z, numbers largest first", () => {
    expect(nextOperationSort({ key: "p95", direction: "desc" }, "p95")).toEqual({ key: "p95", direction: "asc" });
    expect(nextOperationSort(DEFAULT_OPERATION_SORT, "operation")).toEqual({ key: "operation", direction: "asc" });
    expect(nextOperationSort(DEFAULT_OPERATION_SORT, "p99")).toEqual({ key: "p99", direction: "desc" });
  });

  it("round-trips through the URL, leaving the default out", () => {
    for (const sort of [{ key: "p95", direction: "asc" } as const, { key: "operation", direction: "desc" } as const]) {
      const params = new URLSearchParams(
        Object.entries(serializeOperationSort(sort)).filter((e): e is [string, string] => e[1] !== null),
      );
      expect(parseOperationSort(params)).toEqual(sort);
    }
    expect(serializeOperationSort(DEFAULT_OPERATION_SORT)).toEqual({ sort: null, dir: null });
    expect(parseOperationSort(new URLSearchParams("sort=nope&dir=asc"))).toEqual(DEFAULT_OPERATION_SORT);
    expect(parseOperationSort(new URLSearchParams("sort=operation"))).toEqual({ key: "operation", direction: "asc" });
  });
});
