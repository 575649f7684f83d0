/**
 * `npm run demo`: only the demo shop, against a Breakwater that is already running
 * (BREAKWATER_URL, default http://127.0.0.1:3000; traces to DEMO_OTLP_ENDPOINT, default
 * http://127.0.0.1:4318). Ctrl-C stops every process. `npm start` runs the same shop itself
 * after the server is up, so this is for running the shop separately (another machine, a
 * Breakwater under `npm run dev`, a second shop on DEMO_PORT_BASE).
 */
import { createLogger } from "../lib/server/logger";
import { DemoConfigError, parseDemoConfig } from "./shared/env";
import { DemoPortInUseError, startDemo } from "./supervisor";

async function main(): Promise<void> {
  let config;
  try {
    config = parseDemoConfig(process.env);
  } catch (error) {
    if (error instanceof DemoConfigError) {
      process.stderr.write(`demo: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel, name: "demo" });

  let demo;
  try {
    demo = await startDemo({
      breakwaterUrl: config.breakwaterUrl,
      otlpEndpoint: config.otlpEndpoint,
      token: config.token,
      databaseUrl: config.databaseUrl,
      dbSchema: config.dbSchema,
      host: config.host,
      ports: config.ports,
      loadRate: config.loadRate,
      rateLimit: config.rateLimit,
      logLevel: config.logLevel,
      log,
    });
  } catch (error) {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof DemoPortInUseError ? 3 : 1);
  }

  const lines = [
    `Demo shop is running against Breakwater at ${config.breakwaterUrl} (traces to ${config.otlpEndpoint})`,
    `  Gateway:  ${demo.gatewayUrl}/api/catalog/products   ${demo.gatewayUrl}/admin/config`,
    ...demo.instances.map(
      (instance) => `  ${instance.name.padEnd(12)} ${instance.address ?? `(load ${config.loadRate} req/s)`}  pid ${instance.pid}`,
    ),
    "  Ctrl-C stops everything.",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received, stopping the demo shop…`);
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

void main();
