import type { RouteApplyStatus, RouteGateway } from "./contract";

/** A gateway as the apply status needs it: what it applied, and whether it is alive now. */
export type GatewayForStatus = RouteGateway & { isLive: boolean };

/**
 * Whether the configured version is in effect (routeApplyStatusSchema): "applied" once every
 * live gateway reports it (appliedAt = the latest of their applied times), "pending" while a
 * live gateway is behind (since = when the configured version was saved), "no_gateway" when
 * no live gateway reports the route. Dead gateways (deregistered, or silent past their TTL)
 * neither hold a change back nor count as having applied it.
 */
export function deriveApplyStatus(
  route: { version: number; updatedAt: string },
  gateways: readonly GatewayForStatus[],
): RouteApplyStatus {
  const live = gateways.filter((gateway) => gateway.isLive);
  if (live.length === 0) return { state: "no_gateway", version: route.version };
  const behind = live.filter((gateway) => gateway.appliedVersion < route.version).map((gateway) => gateway.gatewayInstanceId);
  if (behind.length > 0) return { state: "pending", version: route.version, since: route.updatedAt, behind };
  const appliedAtMs = Math.max(...live.map((gateway) => Date.parse(gateway.appliedAt)));
  return { state: "applied", version: route.version, appliedAt: new Date(appliedAtMs).toISOString() };
}
