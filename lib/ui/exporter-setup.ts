import type { ServerInfo } from "@/lib/query-client/schemas";

/**
 * The "send us your traces" instructions, built from the server's real host and ports.
 * Pure, so the copy-paste text is unit tested rather than eyeballed.
 */

export const TOKEN_PLACEHOLDER = "<your-ingest-token>";

export type IngestEndpoint = {
  id: "otlp-http" | "otlp-grpc" | "web";
  label: string;
  protocol: string;
  url: string;
};

export type SetupSnippet = {
  id: "sdk-http" | "sdk-grpc" | "web-port" | "collector" | "curl";
  label: string;
  description: string;
  language: "shell" | "yaml";
  code: string;
};

export function listIngestEndpoints(info: ServerInfo): IngestEndpoint[] {
  return [
    { id: "otlp-http", label: "OTLP/HTTP", protocol: "HTTP/protobuf or JSON", url: `http://${info.host}:${info.otlpHttpPort}` },
    { id: "otlp-grpc", label: "OTLP/gRPC", protocol: "gRPC", url: `http://${info.host}:${info.otlpGrpcPort}` },
    { id: "web", label: "Web port", protocol: "HTTP, path /v1/traces", url: `http://${info.host}:${info.webPort}/v1/traces` },
  ];
}

/** `export` lines for an SDK: the given endpoint variables, plus auth and a service name. */
function sdkEnv(endpointVars: string[], info: ServerInfo): string {
  const lines = [...endpointVars];
  // The OTel spec percent-decodes header values, so the space after "Bearer" is written %20.
  if (info.isIngestTokenRequired) lines.push(`OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${TOKEN_PLACEHOLDER}`);
  lines.push("OTEL_SERVICE_NAME=my-service");
  return lines.map((line) => `export ${line}`).join("\n");
}

function collectorConfig(info: ServerInfo): string {
  const headers = info.isIngestTokenRequired ? [`    headers:`, `      Authorization: "Bearer ${TOKEN_PLACEHOLDER}"`] : [];
  return [
    "exporters:",
    "  otlphttp/breakwater:",
    `    endpoint: http://${info.host}:${info.otlpHttpPort}`,
    ...headers,
    "",
    "service:",
    "  pipelines:",
    "    traces:",
    "      receivers: [otlp]",
    "      processors: [batch]",
    "      exporters: [otlphttp/breakwater]",
  ].join("\n");
}

function curlCommand(info: ServerInfo): string {
  const auth = info.isIngestTokenRequired ? ` \\\n  -H 'Authorization: Bearer ${TOKEN_PLACEHOLDER}'` : "";
  // One span stamped "now" by the shell, so it lands inside the retention window.
  const body =
    `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"curl-test"}}]},` +
    `"scopeSpans":[{"spans":[{"traceId":"'$(openssl rand -hex 16)'","spanId":"'$(openssl rand -hex 8)'",` +
    `"name":"hello","kind":2,"startTimeUnixNano":"'$(date +%s)000000000'","endTimeUnixNano":"'$(date +%s)500000000'"}]}]}]}`;
  return `curl -sS http://${info.host}:${info.otlpHttpPort}/v1/traces \\\n  -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
}

export function buildSetupSnippets(info: ServerInfo): SetupSnippet[] {
  return [
    {
      id: "sdk-http",
      label: "SDK · HTTP",
      description: "Any OpenTelemetry SDK or zero-code agent. HTTP/protobuf is the default protocol of most SDKs.",
      language: "shell",
      code: sdkEnv(
        [`OTEL_EXPORTER_OTLP_ENDPOINT=http://${info.host}:${info.otlpHttpPort}`, "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"],
        info,
      ),
    },
    {
      id: "sdk-grpc",
      label: "SDK · gRPC",
      description: "The same SDK settings over OTLP/gRPC.",
      language: "shell",
      code: sdkEnv(
        [`OTEL_EXPORTER_OTLP_ENDPOINT=http://${info.host}:${info.otlpGrpcPort}`, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc"],
        info,
      ),
    },
    {
      id: "web-port",
      label: "Web port",
      description:
        "When only the web port is reachable (one port through a proxy or firewall): a traces-specific endpoint is used as is, so it carries the /v1/traces path.",
      language: "shell",
      code: sdkEnv(
        [
          `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://${info.host}:${info.webPort}/v1/traces`,
          "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf",
        ],
        info,
      ),
    },
    {
      id: "collector",
      label: "Collector",
      description: "Forward from an OpenTelemetry Collector with the otlphttp exporter (add it to your existing pipeline).",
      language: "yaml",
      code: collectorConfig(info),
    },
    {
      id: "curl",
      label: "Test with curl",
      description: "Send one span as OTLP/JSON to check that Breakwater is reachable. It appears here as the service curl-test.",
      language: "shell",
      code: curlCommand(info),
    },
  ];
}
