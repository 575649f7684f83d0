import { describe, expect, it } from "vitest";
import type { ServiceSummary } from "@/lib/query-client/schemas";
import { nextSort, sortServices } from "./sort-services";

const svc = (name: string, spanCount: number, firstSeen: string, lastSeen: string): ServiceSummary => ({
  name,
  spanCount,
  firstSeen,
  lastSeen,
});

const services = [
  svc("checkout", 40, "2026-11-21T10:00:00.000Z", "2026-11-21T12:00:05.000Z"),
  svc("svc-10", 5, "2026-11-21T09:00:00.000Z", "2026-11-21T12:00:01.000Z"),
  svc("Cart", 40, "2026-11-21T11:00:00.000Z", "2026-11-21T12:00:09.000Z"),
  svc("svc-2", 900, "2026-11-21T08:00:00.000Z", "2026-11-21T11:59:00.000Z"),
];
const names = (list: ServiceSummary[]) => list.map((s) => s.name);

describe("sortServices", () => {
  it("sorts names case-insensitively with numbers in numeric order", () => {
    expect(names(sortServices(services, { key: "name", direction: "asc" }))).toEqual(["Cart", "checkout", "svc-2", "svc-10"]);
    expect(names(sortServices(services, { key: "name", direction: "desc" }))).toEqual(["svc-10", "svc-2", "checkout", "Cart"]);
  });

  it("sorts by span count and breaks ties by name", () => {
    expect(names(sortServices(services, { key: "spans", direction: "desc" }))).toEqual(["svc-2", "Cart", "checkout", "svc-10"]);
    expect(names(sortServices(services, { key: "spans", direction: "asc" }))).toEqual(["svc-10", "Cart", "checkout", "svc-2"]);
  });

  it("sorts by last and first seen as instants", () => {
    expect(names(sortServices(services, { key: "lastSeen", direction: "desc" }))).toEqual([
      "Cart",
      "checkout",
      "svc-10",
      "svc-2",
    ]);
    expect(names(sortServices(services, { key: "firstSeen", direction: "asc" }))).toEqual([
      "svc-2",
      "svc-10",
      "checkout",
      "Cart",
    ]);
  });

  it("compares timestamps with different offsets by instant, not text", () => {
    const list = [
      svc("a", 1, "2026-11-21T10:00:00+02:00", "2026-11-21T10:00:00+02:00"),
      svc("b", 1, "2026-11-21T09:00:00Z", "2026-11-21T09:00:00Z"),
    ];
    expect(names(sortServices(list, { key: "lastSeen", direction: "desc" }))).toEqual(["b", "a"]);
  });

  it("returns a copy and leaves the input alone", () => {
    const before = names(services);
    sortServices(services, { key: "spans", direction: "desc" });
    expect(names(services)).toEqual(before);
  });
});

describe("nextSort", () => {
  it("flips the direction of the active column", () => {
    expect(nextSort({ key: "spans", direction: "desc" }, "spans")).toEqual({ key: "spans", direction: "asc" });
    expect(nextSort({ key: "name", direction: "asc" }, "name")).toEqual({ key: "name", direction: "desc" });
  });

  it("starts a new column in its natural direction", () => {
    expect(nextSort({ key: "name", direction: "asc" }, "lastSeen")).toEqual({ key: "lastSeen", direction: "desc" });
    expect(nextSort({ key: "spans", direction: "asc" }, "name")).toEqual({ key: "name", direction: "asc" });
  });
});
