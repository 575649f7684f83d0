import { getFreePort } from "@/lib/test/breakwater-process";
import type { DemoPorts } from "../shared/env";

/** A free port for each demo process, for tests and benchmarks that start the whole shop. */
export async function freeDemoPorts(): Promise<DemoPorts> {
  return {
    gateway: await getFreePort(),
    catalog: await getFreePort(),
    ordersV1: await getFreePort(),
    ordersV2: await getFreePort(),
    inventory: await getFreePort(),
    payments1: await getFreePort(),
    payments2: await getFreePort(),
  };
}
