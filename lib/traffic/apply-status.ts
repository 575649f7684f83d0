import type { RouteApplyStatus, RouteGateway } from "./contract";

/**
 * What the Traffic page says about a route's configured version reaching the gateways:
 * applied (by whom, when), pending (for how long), or — once it has been pending longer than
 * LATE_AFTER_MS, or a save found no gateway — late, said loudly with what each gateway runs.
 */

/** A watching gateway gets a change within a second; three without it is worth an alarm. */
export const LATE_AFTER_MS = 3_000;
/** How often the page asks while a change is pending (faster than the page's refresh). */
export const PENDING_POLL_MS = 500;

export type ApplyView =
  | { kind: "applied"; version: number; appliedAtMs: number; gatewayIds: string[] }
  | { kind: "pending"; version: number; elapsedMs: number; behind: string[] }
  | { kind: "late"; version: number; elapsedMs: number; gateways: { id: string; appliedVersion: number }[] }
  | { kind: "no_gateway"; version: number };

const isLive = (gateway: RouteGateway) => gateway.status !== "deregistered" && gateway.status !== "unhealthy";

export function describeApply(input: {
  status: RouteApplyStatus;
  gateways: readonly RouteGateway[];
  /** The version this page saved and when (ms), if it saved one; the detail may not show it yet. */
  saved: { version: number; atMs: number } | null;
  nowMs: number;
}): ApplyView {
  const { status, gateways, saved, nowMs } = input;
  const version = Math.max(status.version, saved?.version ?? 0);
  // The detail still shows an older version than we saved: our change is pending since the save.
  const isAhead = saved !== null && saved.version > status.version;
  if (status.state === "applied" && !isAhead) {
    return {
      kind: "applied",
      version: status.version,
      appliedAtMs: Date.parse(status.appliedAt),
      gatewayIds: gateways.filter((g) => g.appliedVersion >= status.version).map((g) => g.gatewayInstanceId),
    };
  }
  const sinceMs =
    saved !== null && saved.version >= version ? saved.atMs : status.state === "pending" ? Date.parse(status.since) : null;
  // Nothing of ours on its way and no gateway: the weights wait for one (said, not alarmed).
  if (sinceMs === null) return { kind: "no_gateway", version };
  const elapsedMs = Math.max(0, nowMs - sinceMs);
  if (elapsedMs > LATE_AFTER_MS) {
    return {
      kind: "late",
      version,
      elapsedMs,
      gateways: gateways.filter(isLive).map((g) => ({ id: g.gatewayInstanceId, appliedVersion: g.appliedVersion })),
    };
  }
  const behind =
    status.state === "pending" && !isAhead
      ? status.behind
      : gateways.filter((g) => isLive(g) && g.appliedVersion < version).map((g) => g.gatewayInstanceId);
  return { kind: "pending", version, elapsedMs, behind };
}

/** Whether the page should poll fast (something is on its way to the gateways). */
export const isApplyInFlight = (view: ApplyView) => view.kind === "pending";

/** "gateway gw-1 is at version 3, gateway gw-2 at version 4" or "no gateway connected". */
export function describeLateGateways(gateways: readonly { id: string; appliedVersion: number }[]): string {
  if (gateways.length === 0) return "no gateway connected";
  return gateways
    .map((g, i) => `${i === 0 ? "gateway " : ""}${g.id} ${i === 0 ? "is " : ""}at version ${g.appliedVersion}`)
    .join(", ");
}
