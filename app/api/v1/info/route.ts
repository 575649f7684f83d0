import type { ServerInfo } from "@/lib/query-client/schemas";
import { getServerInfo } from "@/lib/ui/get-server-info";
import { jsonRoute } from "../_lib/json-route";

/** GET /api/v1/info — role, advertised host and ports for exporter setup; never the tokens. */
export const GET = jsonRoute("server-info", async (request): Promise<ServerInfo> => getServerInfo(request.headers.get("host")));
