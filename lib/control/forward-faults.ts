import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { ConflictError, NotFoundError } from "@/lib/http/errors";
import { type FaultSpec, type FaultSpecInput, faultSpecSchema, type InstanceStatus } from "./contract";
import { BadGatewayError } from "@/lib/http/errors";

/** How long an instance has to answer its admin endpoint. */
export const FAULT_FORWARD_TIMEOUT_MS = 3_000;

export type FaultRequest = { method: "GET" } | { method: "PUT"; spec: FaultSpecInput } | { method: "DELETE" };

/**
 * Forwards a fault-injection request to the instance's own admin endpoint,
 * `<address>/admin/faults`, and returns the fault spec it answers with. NotFoundError for an
 * unknown instance, ConflictError for a deregistered one (its address may belong to another
 * process by now), BadGatewayError when it does not answer within FAULT_FORWARD_TIMEOUT_MS or
 * answers with anything but a fault spec.
 *
 * The address is what the instance registered with its heartbeat; redirects are not followed,
 * so the request goes to that address and nowhere else.
 */
export async function forwardFaults(instanceId: string, request: FaultRequest, pool: pg.Pool = getPool()): Promise<FaultSpec> {
  const { rows } = await pool.query<{ address: string; status: InstanceStatus }>(
    "SELECT address, status FROM instances WHERE instance_id = $1",
    [instanceId],
  );
  const instance = rows[0];
  if (instance === undefined) throw new NotFoundError(`instance "${instanceId}" is not registered`);
  if (instance.status === "deregistered") {
    throw new ConflictError(`instance "${instanceId}" is deregistered; faults can only be set on registered instances`);
  }

  const url = adminFaultsUrl(instance.address);
  const where = `instance "${instanceId}" at ${instance.address}`;
  if (url === undefined) throw new BadGatewayError(`${where}: the registered address is not a plain http(s) base URL`);
  const signal = AbortSignal.timeout(FAULT_FORWARD_TIMEOUT_MS);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: request.method === "PUT" ? { "content-type": "application/json" } : undefined,
      body: request.method === "PUT" ? JSON.stringify(request.spec) : undefined,
      redirect: "manual",
      cache: "no-store",
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) {
      throw new BadGatewayError(`${where} did not answer within ${FAULT_FORWARD_TIMEOUT_MS} ms`, { cause: error });
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new BadGatewayError(`could not reach ${where}: ${cause}`, { cause: error });
  }
  if (!response.ok) {
    // The answer's body stays out of the error: the address is whatever a heartbeat claimed, so
    // echoing it would let anyone who can register an instance read URLs through Breakwater.
    throw new BadGatewayError(`${where} answered ${response.status} to ${request.method} /admin/faults`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadGatewayError(`${where} answered with something that is not JSON`);
  }
  const spec = faultSpecSchema.safeParse(body);
  if (!spec.success) throw new BadGatewayError(`${where} answered with something that is not a fault spec`);
  return spec.data;
}

/**
 * `<address>/admin/faults`, or undefined unless the address is a plain http(s) base URL: no
 * credentials, query or fragment (an address ending in `?` or `#` would otherwise turn
 * `/admin/faults` into a query string or fragment and send the request anywhere).
 */
export function adminFaultsUrl(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username !== "" || url.password !== "" || address.includes("?") || address.includes("#")) return undefined;
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/admin/faults`;
  return url.toString();
}
