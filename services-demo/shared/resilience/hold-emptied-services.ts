import type { DiscoveryInstance } from "../../../lib/control/contract";

const USABLE_STATUSES: ReadonlySet<string> = new Set(["healthy", "degraded"]);

/**
 * Self-preservation against a registry that suddenly knows nobody (Eureka's idea, on the
 * client side): when a discovery answer leaves an upstream service with no usable instance
 * while the config in use had some, the caller keeps those instances for that service until
 * discovery offers one again.
 *
 * Why: every instance of a service vanishing at once says more about the registry than about
 * the service — a Breakwater that stops taking heartbeats while it shuts down, or that has
 * just restarted and has not heard from anyone yet, expires everybody on TTL. Dropping them
 * would turn a control-plane blip into an outage of the data plane. If the service really is
 * gone, the kept instances fail, their breakers open and the caller answers with its fallback,
 * which is what an empty list would have given.
 */
export function holdEmptiedServices(
  inUse: readonly DiscoveryInstance[],
  offered: readonly DiscoveryInstance[],
  services: readonly string[],
): { instances: DiscoveryInstance[]; held: string[] } {
  const usable = (instance: DiscoveryInstance) => USABLE_STATUSES.has(instance.status);
  const held = services.filter(
    (service) =>
      !offered.some((instance) => instance.service === service && usable(instance)) &&
      inUse.some((instance) => instance.service === service && usable(instance)),
  );
  if (held.length === 0) return { instances: [...offered], held };
  const kept = inUse.filter((instance) => held.includes(instance.service) && usable(instance));
  return { instances: [...offered.filter((instance) => !held.includes(instance.service)), ...kept], held };
}
