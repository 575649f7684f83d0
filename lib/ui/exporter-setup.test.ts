import { describe, expect, it } from "vitest";
import type { ServerInfo } from "@/lib/query-client/schemas";
import { buildSetupSnippets, listIngestEndpoints, TOKEN_PLACEHOLDER } from "./exporter-setup";

const info: ServerInfo = {
  role: "all",
  host: "obs.internal",
  webPort: 3000,
  otlpHttpPort: 4318,
  otlpGrpcPort: 4317,
  isIngestTokenRequired: false,
};

const snippet = (id: string, server: ServerInfo = info) => {
  const found = buildSetupSnippets(server).find((s) => s.id === id);
  if (!found) throw new Error(`no snippet ${id}`);
  return found.code;
};

describe("listIngestEndpoints", () => {
  it("lists the three receivers with the server's host and ports", () => {
    expect(listIngestEndpoints({ ...info, otlpHttpPort: 14318, otlpGrpcPort: 14317, webPort: 3100 }).map((e) => e.url)).toEqual([
      "http://obs.internal:14318",
      "http://obs.internal:14317",
      "http://obs.internal:3100/v1/traces",
    ]);
  });
});

describe("buildSetupSnippets", () => {
  it("points SDKs at the OTLP/HTTP port with http/protobuf", () => {
    expect(snippet("sdk-http")).toBe(
      [
        "export OTEL_EXPORTER_OTLP_ENDPOINT=http://obs.internal:4318",
        "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        "export OTEL_SERVICE_NAME=my-service",
      ].join("\n"),
    );
  });

  it("points gRPC SDKs at the gRPC port", () => {
    expect(snippet("sdk-grpc")).toContain("OTEL_EXPORTER_OTLP_ENDPOINT=http://obs.internal:4317\n");
    expect(snippet("sdk-grpc")).toContain("OTEL_EXPORTER_OTLP_PROTOCOL=grpc");
  });

  it("uses a traces-specific endpoint with the /v1/traces path for the web port", () => {
    const code = snippet("web-port");
    expect(code).toContain("export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://obs.internal:3000/v1/traces");
    expect(code).not.toContain("OTEL_EXPORTER_OTLP_ENDPOINT=");
  });

  it("configures an otlphttp exporter for the Collector", () => {
    const code = snippet("collector");
    expect(code).toContain("  otlphttp/breakwater:\n    endpoint: http://obs.internal:4318\n");
    expect(code).toContain("exporters: [otlphttp/breakwater]");
    expect(code).not.toContain("Authorization");
  });

  it("adds the Authorization header everywhere only when ingest tokens are on", () => {
    const withTokens = { ...info, isIngestTokenRequired: true };
    expect(snippet("sdk-http", withTokens)).toContain(`OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${TOKEN_PLACEHOLDER}`);
    expect(snippet("sdk-grpc", withTokens)).toContain("OTEL_EXPORTER_OTLP_HEADERS=");
    expect(snippet("collector", withTokens)).toContain(`    headers:\n      Authorization: "Bearer ${TOKEN_PLACEHOLDER}"`);
    expect(snippet("curl", withTokens)).toContain(`-H 'Authorization: Bearer ${TOKEN_PLACEHOLDER}'`);
    for (const s of buildSetupSnippets(info)) expect(s.code).not.toContain("Authorization");
  });

  it("builds a curl command whose JSON body is valid once the shell substitutions run", () => {
    const code = snippet("curl");
    expect(code).toContain("curl -sS http://obs.internal:4318/v1/traces");
    const body = /-d '(.*)'$/s.exec(code)?.[1];
    expect(body).toBeDefined();
    // Emulate the shell: each '$(…)' splice becomes a fixed value.
    const expanded = (body ?? "")
      .replace("'$(openssl rand -hex 16)'", "0af7651916cd43dd8448eb211c80319c")
      .replace("'$(openssl rand -hex 8)'", "b7ad6b7169203331")
      .replace("'$(date +%s)000000000'", "1763754843000000000")
      .replace("'$(date +%s)500000000'", "1763754843500000000");
    const parsed = JSON.parse(expanded) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[] };
    expect(parsed.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({
      name: "hello",
      traceId: "0af7651916cd43dd8448eb211c80319c",
    });
  });
});
