import { describe, expect, it } from "vitest";
import { floorToUnit, isMissingPartitionError, parsePartitionName, partitionName } from "@/lib/db/partitions";

const NOW = Date.UTC(2026, 10, 21, 19, 25, 0); // 2026-11-21T19:25Z

describe("partition names", () => {
  it("names hours and days by the UTC start of the range and parses them back", () => {
    expect(partitionName("spans", "hour", NOW)).toBe("spans_p2026112119");
    expect(partitionName("spans", "hour", Date.UTC(2026, 0, 5, 3))).toBe("spans_p2026010503");
    expect(partitionName("stats", "day", NOW)).toBe("stats_p20261121");
    expect(parsePartitionName("spans", "hour", "spans_p2026112119")).toBe(Date.UTC(2026, 10, 21, 19));
    expect(parsePartitionName("stats", "day", "stats_p20261121")).toBe(Date.UTC(2026, 10, 21));
    expect(parsePartitionName("spans", "hour", "spans_p2026113225")).toBeUndefined();
    expect(parsePartitionName("spans", "hour", "spans_default")).toBeUndefined();
  });
});

describe("floorToUnit", () => {
  it("floors to the UTC hour and day", () => {
    expect(new Date(floorToUnit(NOW, "hour")).toISOString()).toBe("2026-11-21T19:00:00.000Z");
    expect(new Date(floorToUnit(NOW, "day")).toISOString()).toBe("2026-11-21T00:00:00.000Z");
  });
});

describe("isMissingPartitionError", () => {
  it("matches SQLSTATE 23514 without a constraint name (no partition for the row), nothing else", () => {
    // Field shapes as node-postgres' DatabaseError carries them (the integration test checks real ones).
    expect(
      isMissingPartitionError({ code: "23514", table: "spans", message: 'no partition of relation "spans" found for row' }),
    ).toBe(true);
    expect(isMissingPartitionError({ code: "23514", table: "checked", constraint: "checked_x_check" })).toBe(false);
    expect(isMissingPartitionError({ code: "23505", table: "spans" })).toBe(false);
    expect(isMissingPartitionError(new Error("no partition"))).toBe(false);
    expect(isMissingPartitionError(null)).toBe(false);
    expect(isMissingPartitionError("23514")).toBe(false);
  });
});
