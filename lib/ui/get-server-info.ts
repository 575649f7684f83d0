import "server-only";
import { getEnv } from "@/lib/env";
import type { ServerInfo } from "@/lib/query-client/schemas";
import { resolveAdvertisedHost } from "./resolve-advertised-host";

/** What the UI may know about this server's configuration. Never the ingest tokens themselves. */
export function getServerInfo(hostHeader: string | null): ServerInfo {
  const env = getEnv();
  return {
    role: env.BREAKWATER_ROLE,
    host: resolveAdvertisedHost(hostHeader, env.BREAKWATER_HOST),
    webPort: env.PORT,
    otlpHttpPort: env.BREAKWATER_OTLP_HTTP_PORT,
    otlpGrpcPort: env.BREAKWATER_OTLP_GRPC_PORT,
    isIngestTokenRequired: env.BREAKWATER_INGEST_TOKENS.length > 0,
  };
}
