import { describe, expect, it } from "vitest";
import { groupInstancesByService } from "./group-instances-by-service";

describe("groupInstancesByService", () => {
  it("groups in the order given", () => {
    const groups = groupInstancesByService([
      { service: "orders", id: "o1" },
      { service: "orders", id: "o2" },
      { service: "payments", id: "p1" },
    ]);
    expect(groups.map((group) => [group.service, group.instances.map((i) => i.id)])).toEqual([
      ["orders", ["o1", "o2"]],
      ["payments", ["p1"]],
    ]);
    expect(groupInstancesByService([])).toEqual([]);
  });
});
