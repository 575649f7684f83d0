import { listServices } from "@/lib/queries/list-services";
import type { ServicesResponse } from "@/lib/query-client/schemas";
import { jsonRoute } from "../_lib/json-route";

/** GET /api/v1/services — every service that has sent spans, sorted by name. */
export const GET = jsonRoute("list-services", async (): Promise<ServicesResponse> => ({ services: await listServices() }));
