import { describe, expect, it } from "vitest";
import { deriveApplyStatus, type GatewayForStatus } from "./derive-apply-status";

const route = { version: 3, updatedAt: "2026-11-22T10:00:00.000Z" };
const gateway = (id: string, appliedVersion: number, appliedAt: string, isLive = true): GatewayForStatus => ({
  gatewayInstanceId: id,
  appliedVersion,
  appliedAt,
  status: isLive ? "healthy" : "deregistered",
  lastHeartbeatAt: appliedAt,
  isLive,
});

describe("deriveApplyStatus", () => {
  it("says no_gateway without a live gateway, even when a dead one applied the version", () => {
    expect(deriveApplyStatus(route, [])).toEqual({ state: "no_gateway", version: 3 });
    expect(deriveApplyStatus(route, [gateway("gw-1", 3, "2026-11-22T10:00:01Z", false)])).toEqual({
      state: "no_gateway",
      version: 3,
    });
  });

  it("is pending while a live gateway is behind, naming it, since the save", () => {
    expect(
      deriveApplyStatus(route, [
        gateway("gw-1", 3, "2026-11-22T10:00:01Z"),
        gateway("gw-2", 2, "2026-11-22T09:00:00Z"),
        gateway("gw-3", 1, "2026-11-22T08:00:00Z", false),
      ]),
    ).toEqual({ state: "pending", version: 3, since: route.updatedAt, behind: ["gw-2"] });
  });

  it("is applied when every live gateway reports the version (or a later one), at the latest applied time", () => {
    expect(
      deriveApplyStatus(route, [
        gateway("gw-1", 3, "2026-11-22T10:00:01.000Z"),
        gateway("gw-2", 4, "2026-11-22T10:00:02.500Z"),
        gateway("gw-3", 1, "2026-11-22T08:00:00Z", false),
      ]),
    ).toEqual({ state: "applied", version: 3, appliedAt: "2026-11-22T10:00:02.500Z" });
  });
});
