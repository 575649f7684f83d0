import { createRequire, syncBuiltinESMExports } from "node:module";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { NodeSDK } from "@opentelemetry/sdk-node";

/**
 * The OpenTelemetry Node SDK for one demo process, configured only through the standard
 * OTEL_* variables the supervisor sets (service name, resource attributes, OTLP endpoint and
 * protocol, batch delay, metrics/logs exporters off) — exactly how any instrumented service
 * would be pointed at Breakwater, with nothing demo-specific in between.
 *
 * It must start before `node:http` and `pg` are imported by the service, so it runs from
 * telemetry-preload.ts via `--import`; services reach the running SDK through
 * shutdownTelemetry() here (same module instance).
 */

let sdk: NodeSDK | undefined;

/** Paths that are plumbing, not business traffic: no SERVER span for them. */
export function isPlumbingPath(url: string | undefined): boolean {
  if (!url) return false;
  return url === "/healthz" || url.startsWith("/healthz?") || url.startsWith("/admin/");
}

export function startTelemetry(): void {
  if (sdk) return;
  sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isPlumbingPath(request.url) }),
      // Only queries made while serving something: a health probe's SELECT 1 is not a trace.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  // ESM imports of built-ins do not go through require(), so the HTTP instrumentation's
  // require hook would never fire for `import http from "node:http"`. Requiring the modules
  // once here applies the patch to the shared module objects; syncBuiltinESMExports makes
  // named ESM imports (`import { request } from "node:http"`) see the patched functions too.
  const require = createRequire(import.meta.url);
  require("node:http");
  require("node:https");
  syncBuiltinESMExports();
}

/** Flushes pending spans and stops the SDK; gives up after `timeoutMs` (an unreachable collector must not hold shutdown). */
export async function shutdownTelemetry(timeoutMs = 3_000): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    running.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
