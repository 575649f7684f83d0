import { describe, expect, it } from "vitest";
import { describeApply, describeLateGateways } from "./apply-status";
import type { RouteGateway } from "./contract";

const T0 = Date.parse("2026-11-22T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const gateway = (id: string, appliedVersion: number, status: string | null = "healthy"): RouteGateway => ({
  gatewayInstanceId: id,
  appliedVersion,
  appliedAt: iso(T0),
  status,
  lastHeartbeatAt: iso(T0),
});

describe("describeApply", () => {
  it("names the gateways that applied the configured version, and when", () => {
    expect(
      describeApply({
        status: { state: "applied", version: 4, appliedAt: iso(T0 + 300) },
        gateways: [gateway("gateway-1", 4)],
        saved: null,
        nowMs: T0 + 1_000,
      }),
    ).toEqual({ kind: "applied", version: 4, appliedAtMs: T0 + 300, gatewayIds: ["gateway-1"] });
  });

  it("is pending right after a save even while the detail still shows the older, applied version", () => {
    expect(
      describeApply({
        status: { state: "applied", version: 3, appliedAt: iso(T0 - 60_000) },
        gateways: [gateway("gateway-1", 3)],
        saved: { version: 4, atMs: T0 },
        nowMs: T0 + 200,
      }),
    ).toEqual({ kind: "pending", version: 4, elapsedMs: 200, behind: ["gateway-1"] });
  });

  it("turns late after 3 s and says what version each gateway runs", () => {
    const view = describeApply({
      status: { state: "pending", version: 4, since: iso(T0), behind: ["gateway-1"] },
      gateways: [gateway("gateway-1", 3), gateway("gateway-0", 1, "deregistered")],
      saved: { version: 4, atMs: T0 + 100 },
      nowMs: T0 + 3_500,
    });
    expect(view).toEqual({ kind: "late", version: 4, elapsedMs: 3_400, gateways: [{ id: "gateway-1", appliedVersion: 3 }] });
    if (view.kind === "late") expect(describeLateGateways(view.gateways)).toBe("gateway gateway-1 is at version 3");
  });

  it("uses the server's pending-since when this page did not save", () => {
    const view = describeApply({
      status: { state: "pending", version: 4, since: iso(T0), behind: ["gateway-1"] },
      gateways: [gateway("gateway-1", 3)],
      saved: null,
      nowMs: T0 + 1_000,
    });
    expect(view).toEqual({ kind: "pending", version: 4, elapsedMs: 1_000, behind: ["gateway-1"] });
  });

  it("says 'no gateway' quietly on load, loudly 3 s after a save", () => {
    const status = { state: "no_gateway", version: 2 } as const;
    expect(describeApply({ status, gateways: [], saved: null, nowMs: T0 })).toEqual({ kind: "no_gateway", version: 2 });
    expect(describeApply({ status, gateways: [], saved: { version: 2, atMs: T0 }, nowMs: T0 + 1_000 }).kind).toBe("pending");
    const late = describeApply({ status, gateways: [], saved: { version: 2, atMs: T0 }, nowMs: T0 + 4_000 });
    expect(late).toEqual({ kind: "late", version: 2, elapsedMs: 4_000, gateways: [] });
    if (late.kind === "late") expect(describeLateGateways(late.gateways)).toBe("no gateway connected");
  });

  it("lists several gateways behind", () => {
    expect(
      describeLateGateways([
        { id: "gw-1", appliedVersion: 3 },
        { id: "gw-2", appliedVersion: 2 },
      ]),
    ).toBe("gateway gw-1 is at version 3, gw-2 at version 2");
  });
});
