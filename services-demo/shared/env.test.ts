import { describe, expect, it } from "vitest";
import {
  DEFAULT_DEMO_PORTS,
  DemoConfigError,
  parseDemoConfig,
  parseResourceAttributes,
  parseServiceEnv,
  portsFromBase,
  resolveDemoPorts,
} from "./env";

describe("parseDemoConfig", () => {
  it("has the documented defaults", () => {
    const config = parseDemoConfig({});
    expect(config).toEqual({
      breakwaterUrl: "http://127.0.0.1:3000",
      otlpEndpoint: "http://127.0.0.1:4318",
      token: undefined,
      databaseUrl: undefined,
      dbSchema: "demo_shop",
      host: "127.0.0.1",
      ports: { gateway: 8080, catalog: 8101, ordersV1: 8111, ordersV2: 8112, inventory: 8121, payments1: 8131, payments2: 8132 },
      loadRate: 15,
      rateLimit: { ratePerSec: 50, burst: 100 },
      logLevel: "info",
    });
  });

  it("reads every override, trimming a trailing slash off URLs", () => {
    const config = parseDemoConfig({
      BREAKWATER_URL: "http://bw.local:4000/",
      DEMO_OTLP_ENDPOINT: "http://bw.local:4318",
      DEMO_BREAKWATER_TOKEN: "secret",
      DEMO_DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test?schema=x",
      DEMO_DB_SCHEMA: "shop_two",
      DEMO_GATEWAY_PORT: "9090",
      DEMO_LOAD_RATE: "0",
      DEMO_RATE_LIMIT_RPS: "2.5",
      DEMO_RATE_LIMIT_BURST: "5",
      DEMO_LOG_LEVEL: "debug",
    });
    expect(config.breakwaterUrl).toBe("http://bw.local:4000");
    expect(config.token).toBe("secret");
    expect(config.databaseUrl).toContain("schema=x");
    expect(config.dbSchema).toBe("shop_two");
    expect(config.ports.gateway).toBe(9090);
    expect(config.ports.catalog).toBe(8101);
    expect(config.loadRate).toBe(0);
    expect(config.rateLimit).toEqual({ ratePerSec: 2.5, burst: 5 });
    expect(config.logLevel).toBe("debug");
  });

  it("treats empty variables as unset", () => {
    expect(parseDemoConfig({ DEMO_LOAD_RATE: "", BREAKWATER_URL: "" }).loadRate).toBe(15);
  });

  it("puts the processes on consecutive ports from DEMO_PORT_BASE; an explicit port still wins", () => {
    const config = parseDemoConfig({ DEMO_PORT_BASE: "9000", DEMO_PAYMENTS_2_PORT: "9999" });
    expect(config.ports).toEqual({
      gateway: 9000,
      catalog: 9001,
      ordersV1: 9002,
      ordersV2: 9003,
      inventory: 9004,
      payments1: 9005,
      payments2: 9999,
    });
  });

  it("names every bad variable at once", () => {
    let error: unknown;
    try {
      parseDemoConfig({
        DEMO_GATEWAY_PORT: "70000",
        BREAKWATER_URL: "ftp://x",
        DEMO_DB_SCHEMA: "Drop Table",
        DEMO_LOAD_RATE: "-1",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DemoConfigError);
    const message = (error as Error).message;
    for (const name of ["DEMO_GATEWAY_PORT", "BREAKWATER_URL", "DEMO_DB_SCHEMA", "DEMO_LOAD_RATE"])
      expect(message).toContain(name);
  });
});

describe("ports", () => {
  it("portsFromBase / resolveDemoPorts", () => {
    expect(portsFromBase(100).payments2).toBe(106);
    expect(resolveDemoPorts({})).toEqual(DEFAULT_DEMO_PORTS);
    expect(resolveDemoPorts({ ports: { gateway: 0 } }).gateway).toBe(0);
  });
});

describe("parseResourceAttributes", () => {
  it("reads the OTel key=value list, %-decoding values", () => {
    expect(parseResourceAttributes("service.version=v2, service.instance.id=orders-v2-1,team=a%2Cb,broken")).toEqual({
      "service.version": "v2",
      "service.instance.id": "orders-v2-1",
      team: "a,b",
    });
  });
});

describe("parseServiceEnv", () => {
  const base = {
    OTEL_SERVICE_NAME: "orders",
    OTEL_RESOURCE_ATTRIBUTES: "service.version=v2,service.instance.id=orders-v2-1",
  };

  it("takes the identity from the OTel variables, so heartbeats and spans agree", () => {
    const env = parseServiceEnv({ ...base, DEMO_PORT: "8112" });
    expect(env.identity).toEqual({ service: "orders", version: "v2", instanceId: "orders-v2-1" });
    expect(env.port).toBe(8112);
    expect(env.heartbeatIntervalMs).toBe(1_000);
    expect(env.heartbeatTtlMs).toBe(3_000);
    expect(env.breakwaterUrl).toBe("http://127.0.0.1:3000");
  });

  it("refuses a process without a version or instance id", () => {
    expect(() => parseServiceEnv({ OTEL_SERVICE_NAME: "orders", OTEL_RESOURCE_ATTRIBUTES: "service.version=v1" })).toThrow(
      /instanceId/,
    );
    expect(() => parseServiceEnv({ OTEL_RESOURCE_ATTRIBUTES: base.OTEL_RESOURCE_ATTRIBUTES })).toThrow(/OTEL_SERVICE_NAME/);
  });

  it("refuses a heartbeat TTL the contract would refuse", () => {
    expect(() => parseServiceEnv({ ...base, DEMO_HEARTBEAT_TTL_MS: "100" })).toThrow(/DEMO_HEARTBEAT_TTL_MS/);
  });
});
