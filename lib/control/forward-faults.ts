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

  const url = `${instance.address.replace(/\/+$/, "")}/admin/faults`;
  const where = `instance "${instanceId}" at ${instance.address}`;
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
    throw new BadGatewayError(`${where} answered ${response.status} to ${request.method} /admin/faults: ${text.slice(0, 200)}`);
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
